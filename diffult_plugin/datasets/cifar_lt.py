"""CIFAR-10-LT and CIFAR-100-LT (Cao et al., NeurIPS 2019, arXiv 1906.07413)."""
import os.path as osp
from typing import Optional

from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.datasets.utils import check_md5
from mmpretrain.registry import DATASETS

from .long_tail_protocol import (check_imbalance_factor, class_counts_of,
                                 long_tail_class_counts, long_tail_indices)


class _CIFARLongTailMixin:
    """Long-tail subsampling on top of mmpretrain's CIFAR readers.

    The train split keeps the protocol's subset; the test split stays
    balanced. Both splits expose ``metainfo['class_counts']`` (their own
    per-class counts) and ``metainfo['train_class_counts']`` (the long-tailed
    training counts, which the long-tail metrics group classes by).
    """
    n_max: int

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 imbalance_factor: float = 100,
                 imbalance_type: str = 'exp',
                 seed: Optional[int] = 0,
                 n_max: Optional[int] = None,
                 verify_md5: bool = True,
                 download: bool = False,
                 **kwargs):
        check_imbalance_factor(imbalance_factor)
        num_classes = len(self.METAINFO['classes'])
        if n_max is not None:
            self.n_max = n_max
        # Validates imbalance_type too, before any file is touched.
        self.train_class_counts = long_tail_class_counts(
            self.n_max, num_classes, imbalance_factor, imbalance_type)
        self.imbalance_factor = imbalance_factor
        self.imbalance_type = imbalance_type
        self.seed = seed
        self.verify_md5 = verify_md5
        super().__init__(
            data_root=data_root, split=split, download=download, **kwargs)

    def _split_files(self):
        files = self.train_list if self.split == 'train' else self.test_list
        return list(files) + [(self.meta['filename'], self.meta['md5'])]

    def _check_integrity(self) -> bool:
        root = osp.join(self.data_prefix['root'], self.base_folder)
        for filename, md5 in self._split_files():
            path = osp.join(root, filename)
            if not osp.isfile(path):
                return False
            if self.verify_md5 and not check_md5(path, md5):
                raise RuntimeError(
                    f'{path} does not have the md5 of the official '
                    f'{self.__class__.__name__} file ({md5}): it is corrupted '
                    'or not the official release. Re-download it (set '
                    '`download=True`), or set `verify_md5=False` for '
                    'generated test data.')
        return True

    def load_data_list(self):
        if not self._check_integrity():
            expected = osp.join(self.data_prefix['root'], self.base_folder)
            if not self.download:
                raise FileNotFoundError(
                    f'{self.__class__.__name__}: no data at {expected} (need '
                    f'{", ".join(f for f, _ in self._split_files())}). Put the '
                    'official python version there, set `data_root` to its '
                    'parent folder, or set `download=True` to fetch it.')
            self._download_with_torchvision()
        self.download = False
        data_list = super().load_data_list()
        labels = [info['gt_label'] for info in data_list]
        num_classes = len(self.METAINFO['classes'])
        if self.split == 'train':
            keep = long_tail_indices(labels, self.train_class_counts, self.seed)
            kept = set(int(i) for i in keep)
            # What the subsampling left out feeds the oracle generator.
            self._left_out = [
                info for i, info in enumerate(data_list) if i not in kept
            ]
            data_list = [data_list[i] for i in keep]
            labels = [labels[i] for i in keep]
        self._metainfo['class_counts'] = class_counts_of(labels, num_classes)
        self._metainfo['train_class_counts'] = list(self.train_class_counts)
        self._metainfo['imbalance_factor'] = self.imbalance_factor
        return data_list

    def left_out_data_list(self) -> list:
        """Data infos of the training images the long-tail protocol
        dropped (their ``img`` is RGB); empty for the test split."""
        self.full_init()
        return list(getattr(self, '_left_out', []))

    def _download_with_torchvision(self):
        import torchvision
        name = 'CIFAR10' if self.base_folder.startswith('cifar-10-') \
            else 'CIFAR100'
        # torchvision downloads the official archive and checks its md5.
        try:
            getattr(torchvision.datasets, name)(
                root=self.data_prefix['root'],
                train=self.split == 'train',
                download=True)
        except Exception as error:  # network errors come in many types
            raise RuntimeError(
                f'{self.__class__.__name__}: downloading {name} into '
                f'{self.data_prefix["root"]} failed ({error}). Without a '
                'network, copy the official python version to '
                f'{osp.join(self.data_prefix["root"], self.base_folder)}.'
            ) from error
        if not self._check_integrity():
            raise RuntimeError('download finished but files are missing under '
                               f'{self.data_prefix["root"]}')

    def extra_repr(self):
        body = super().extra_repr()
        body.append(f'Imbalance: \t{self.imbalance_type}, IF '
                    f'{self.imbalance_factor}, seed {self.seed}')
        return body


@DATASETS.register_module()
class CIFAR10LT(_CIFARLongTailMixin, CIFAR10):
    """Long-tailed CIFAR-10 (CIFAR-10-LT) by the LDAM-DRW / RIDE protocol.

    Paper: `Learning Imbalanced Datasets with Label-Distribution-Aware Margin
    Loss <https://arxiv.org/abs/1906.07413>`_. IF 100 keeps 12,406 images
    (5,000 -> 50 per class); the test split stays balanced.

    Args:
        data_root (str): Folder holding ``cifar-10-batches-py/``.
        split (str): 'train' (long-tailed) or 'test' (balanced).
        imbalance_factor (float): n_max / n_min, >= 1. Defaults to 100.
        imbalance_type (str): 'exp' or 'step'. Defaults to 'exp'.
        seed (int, optional): Seed of the per-class shuffle; 0 reproduces the
            public subsets, None keeps the first n_c images. Defaults to 0.
        n_max (int, optional): Images of the head class. Defaults to None
            (the full class size of the official data).
        verify_md5 (bool): Check the files against the official md5s. Keep it
            on for real data. Defaults to True.
        download (bool): Download through torchvision when missing.
            Defaults to False.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CIFAR10`
            (``pipeline``, ``test_mode``, ``metainfo``...).
    """
    n_max = 5000


@DATASETS.register_module()
class CIFAR100LT(_CIFARLongTailMixin, CIFAR100):
    """Long-tailed CIFAR-100 (CIFAR-100-LT) by the LDAM-DRW / RIDE protocol.

    Paper: `Learning Imbalanced Datasets with Label-Distribution-Aware Margin
    Loss <https://arxiv.org/abs/1906.07413>`_. IF 100 keeps 10,847 images
    (500 -> 5 per class); the test split stays balanced.

    Args:
        data_root (str): Folder holding ``cifar-100-python/``.
        split (str): 'train' (long-tailed) or 'test' (balanced).
        imbalance_factor (float): n_max / n_min, >= 1. Defaults to 100.
        imbalance_type (str): 'exp' or 'step'. Defaults to 'exp'.
        seed (int, optional): Seed of the per-class shuffle; 0 reproduces the
            public subsets, None keeps the first n_c images. Defaults to 0.
        n_max (int, optional): Images of the head class. Defaults to None
            (the full class size of the official data).
        verify_md5 (bool): Check the files against the official md5s. Keep it
            on for real data. Defaults to True.
        download (bool): Download through torchvision when missing.
            Defaults to False.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CIFAR100`.
    """
    n_max = 500
