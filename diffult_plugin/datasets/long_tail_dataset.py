"""A wrapper that makes any mmpretrain dataset long-tailed."""
import copy
import os.path as osp
from typing import Optional, Sequence, Union

import numpy as np
from mmpretrain.registry import DATASETS

from .long_tail_protocol import (class_counts_of, long_tail_class_counts,
                                 long_tail_indices)


def labels_of(dataset) -> np.ndarray:
    """Class label of every sample of a dataset."""
    if hasattr(dataset, 'get_gt_labels'):
        return np.asarray(dataset.get_gt_labels(), dtype=np.int64)
    return np.asarray([dataset.get_cat_ids(i)[0] for i in range(len(dataset))],
                      dtype=np.int64)


def _check_image_folder(cfg: dict) -> None:
    """A missing image folder of a ``CustomDataset`` gets an error that says
    how to point the configs at the data (mmpretrain only reports a
    ``FileNotFoundError`` from deep inside ``os.scandir``)."""
    if cfg.get('type') != 'CustomDataset' or cfg.get('ann_file'):
        return
    prefix = cfg.get('data_prefix', '')
    if isinstance(prefix, dict):
        prefix = prefix.get('img_path', prefix.get('img', ''))
    folder = osp.join(cfg.get('data_root', ''), prefix)
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'LongTailDataset: image folder {folder!r} does not exist. '
            'Point data_root at a folder-per-class tree '
            '(<data_root>/<prefix>/<class>/<image>): the CIFAR-10 JPEG configs '
            'read it from the environment variable DIFFULT_CIFAR10_JPG '
            '(default data/cifar10-jpg; `bash tools/get_cifar10_jpg.sh` '
            'fetches it there), the image-folder examples from '
            'DIFFULT_DATA_ROOT (README, "Data" and "Your own dataset").')


#: How ``LongTailDataset`` ranks classes before applying the profile.
CLASS_ORDERS = ('index', 'size')


def class_ranks(available, class_order: str = 'index') -> list:
    """The profile position of each class: its index ('index'), or its rank
    by size, largest first, ties by index ('size')."""
    if class_order not in CLASS_ORDERS:
        raise ValueError(f'LongTailDataset.class_order must be one of '
                         f'{CLASS_ORDERS}, got {class_order!r}.')
    if class_order == 'index':
        return list(range(len(available)))
    order = sorted(range(len(available)), key=lambda c: (-available[c], c))
    ranks = [0] * len(available)
    for rank, c in enumerate(order):
        ranks[c] = rank
    return ranks


def profile_counts(n_max, available, imbalance_factor, imbalance_type,
                   class_order: str = 'index') -> list:
    """Samples kept per class: the profile of ``n_max`` by class rank."""
    by_rank = long_tail_class_counts(n_max, len(available), imbalance_factor,
                                     imbalance_type)
    return [by_rank[r] for r in class_ranks(available, class_order)]


def largest_feasible_n_max(available, imbalance_factor, imbalance_type,
                           class_order: str = 'index'):
    """The largest head count whose profile no class's size falls short of
    (0 when none fits)."""
    low, high = 0, int(max(available))
    while low < high:  # the profile grows with n_max: bisect
        mid = (low + high + 1) // 2
        counts = profile_counts(mid, available, imbalance_factor,
                                imbalance_type, class_order)
        if all(want <= have for want, have in zip(counts, available)):
            low = mid
        else:
            high = mid - 1
    return low


@DATASETS.register_module()
class LongTailDataset:
    """Long-tailed view of any classification dataset.

    Applies the LDAM-DRW / RIDE protocol (`Cao et al., NeurIPS 2019
    <https://arxiv.org/abs/1906.07413>`_) to a dataset given by its config,
    e.g. an mmpretrain ``CustomDataset`` over a folder-per-class image tree:
    class ``c`` keeps ``int(n_max * (1/IF) ** (c / (C - 1)))`` samples chosen
    by a seeded per-class shuffle. With ``imbalance_factor=None`` the dataset
    keeps all its samples (its own natural imbalance, or a balanced test set).

    ``metainfo['class_counts']`` holds this dataset's per-class counts and
    ``metainfo['train_class_counts']`` the training counts that long-tail
    metrics use: its own counts, or those of ``class_counts_from`` (give the
    training set's config there for a validation / test split).

    Args:
        dataset (dict | Dataset): The wrapped dataset or its config.
        imbalance_factor (float, optional): n_max / n_min (>= 1), or None to
            keep every sample. Defaults to 100.
        imbalance_type (str): 'exp' or 'step'. Defaults to 'exp'.
        seed (int, optional): Seed of the per-class shuffle (0 = the public
            protocol; None keeps the first n_c samples). Defaults to 0.
        n_max (int, optional): Samples kept for the head class (class 0, or
            the largest class with ``class_order='size'``). Defaults to the
            largest class size of the wrapped dataset; an impossible value is
            refused with the largest one that works.
        class_order (str): Which class gets which place of the profile:
            'index' (class 0 is the head, the CIFAR-LT protocol) or 'size'
            (classes ranked by their natural size, largest first: for
            folders whose classes are not sorted by size). Defaults to
            'index'.
        class_counts_from (dict | Dataset, optional): A long-tail training
            dataset (or config) whose ``class_counts`` become this dataset's
            ``train_class_counts``. Defaults to None (use its own counts).
    """

    def __init__(self,
                 dataset: Union[dict, object],
                 imbalance_factor: Optional[float] = 100,
                 imbalance_type: str = 'exp',
                 seed: Optional[int] = 0,
                 n_max: Optional[int] = None,
                 class_order: str = 'index',
                 class_counts_from: Union[dict, object, None] = None):
        if isinstance(dataset, dict):
            _check_image_folder(dataset)
            dataset = DATASETS.build(dataset)
        self.dataset = dataset
        self.imbalance_factor = imbalance_factor
        self.imbalance_type = imbalance_type
        self.seed = seed
        classes = self.dataset.metainfo.get('classes')
        if not classes:
            raise ValueError('LongTailDataset: the wrapped dataset has no '
                             "`metainfo['classes']`; set `classes` (or "
                             '`metainfo`) in its config.')
        num_classes = len(classes)
        labels = labels_of(self.dataset)
        available = class_counts_of(labels, num_classes)

        class_ranks(available, class_order)  # a bad order fails first
        self.class_order = class_order
        if imbalance_factor is None:
            self.indices = np.arange(len(labels), dtype=np.int64)
        else:
            head = max(available) if n_max is None else n_max
            counts = profile_counts(head, available, imbalance_factor,
                                    imbalance_type, class_order)
            short = [(c, counts[c], available[c]) for c in range(num_classes)
                     if counts[c] > available[c]]
            if short:
                c, want, have = short[0]
                largest = largest_feasible_n_max(available, imbalance_factor,
                                                 imbalance_type, class_order)
                raise ValueError(
                    f'LongTailDataset: class {c} ({classes[c]!r}) has {have} '
                    f'samples but n_max={head}, imbalance_factor='
                    f'{imbalance_factor} asks for {want} ({len(short)} classes '
                    f'short). The largest n_max these classes allow is '
                    f'{largest}; set `n_max` at most that.')
            self.indices = long_tail_indices(labels, counts, seed)
        counts = class_counts_of(labels[self.indices], num_classes)

        if class_counts_from is not None:
            reference = DATASETS.build(class_counts_from) if isinstance(
                class_counts_from, dict) else class_counts_from
            train_counts = list(reference.metainfo['class_counts'])
            if len(train_counts) != num_classes:
                raise ValueError(
                    f'`class_counts_from` has {len(train_counts)} classes, '
                    f'this dataset {num_classes}.')
        else:
            train_counts = counts
        self._metainfo = copy.deepcopy(dict(self.dataset.metainfo))
        self._metainfo.update(
            class_counts=counts,
            train_class_counts=train_counts,
            imbalance_factor=imbalance_factor)

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self):
        """The wrapped dataset is fully initialised at construction."""

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, idx: int) -> dict:
        return self.dataset[int(self.indices[idx])]

    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(int(self.indices[idx]))

    def get_cat_ids(self, idx: int) -> Sequence[int]:
        return self.dataset.get_cat_ids(int(self.indices[idx]))

    def left_out_data_list(self) -> list:
        """Data infos of the wrapped dataset's samples this view dropped
        (the oracle generator's pool)."""
        dropped = np.ones(len(self.dataset), dtype=bool)
        dropped[self.indices] = False
        return [
            self.dataset.get_data_info(int(i)) for i in np.flatnonzero(dropped)
        ]

    def get_gt_labels(self) -> np.ndarray:
        return labels_of(self.dataset)[self.indices]

    def __repr__(self) -> str:
        return (f'LongTailDataset(IF={self.imbalance_factor}, '
                f'type={self.imbalance_type}, seed={self.seed}, '
                f'len={len(self)}, dataset={type(self.dataset).__name__})')
