"""The balanced proxy of DiffuLT: real long-tailed samples plus synthetic slots."""
import copy
from typing import Optional, Sequence, Union

import numpy as np
from mmcv.transforms import Compose, LoadImageFromFile
from mmpretrain.registry import DATASETS

from diffult_plugin.datasets.long_tail_dataset import labels_of
from diffult_plugin.datasets.pipeline_of import find_pipeline
from .bank import BankMismatchError, SyntheticBank


def check_synthetic_weight(omega) -> None:
    """omega must be a finite number >= 0; above 1 (synthetic samples
    weigh more than real ones, which DiffuLT never does) is allowed with a
    warning."""
    import math
    if isinstance(omega, bool) or not isinstance(omega, (int, float,
                                                         np.number)):
        raise ValueError('DiffuLTDataset.synthetic_weight (omega) must be a '
                         f'number in [0, 1], got {omega!r}.')
    if not math.isfinite(float(omega)) or omega < 0:
        raise ValueError('DiffuLTDataset.synthetic_weight (omega) must be a '
                         f'finite number >= 0 (DiffuLT uses 0.3), got '
                         f'{omega!r}.')
    if omega > 1:
        from mmengine.logging import print_log
        import logging
        print_log(
            f'DiffuLTDataset: synthetic_weight (omega) = {omega:g} weighs '
            'each synthetic sample more than a real one; DiffuLT uses '
            'omega < 1 (0.3).', logger='current', level=logging.WARNING)


def plan_slots(real_counts: Sequence[int],
               target: Union[int, float, str]) -> list:
    """Synthetic slots per class: ``max(0, N_t - n_c)`` (DiffuLT Sec. 3.3).

    Args:
        real_counts (Sequence[int]): Real training images per class.
        target (int | float | str): N_t as a count, 'max' (the largest
            class: a fully balanced proxy, the paper's CIFAR setting), or a
            float in (0, 1] (that share of the largest class).
    """
    largest = max(real_counts)
    if isinstance(target, str):
        if target != 'max':
            raise ValueError(f"DiffuLTDataset.target must be an int, 'max' "
                             f'or a ratio in (0, 1], got {target!r}.')
        n_t = largest
    elif isinstance(target, float):
        if not 0 < target <= 1:
            raise ValueError('a ratio DiffuLTDataset.target must lie in '
                             f'(0, 1], got {target}; give N_t as an int.')
        n_t = int(round(target * largest))
    elif isinstance(target, (int, np.integer)) and not isinstance(target,
                                                                  bool):
        if target < 1:
            raise ValueError(
                f'DiffuLTDataset.target (N_t) must be >= 1, got {target}.')
        n_t = int(target)
    else:
        raise ValueError(f"DiffuLTDataset.target must be an int, 'max' or a "
                         f'ratio in (0, 1], got {target!r}.')
    if n_t > largest:
        from mmengine.logging import print_log
        import logging
        print_log(
            f'DiffuLTDataset: N_t = {n_t} is above the largest class '
            f'({largest} images): {sum(max(0, n_t - int(n)) for n in real_counts)}'
            ' synthetic slots, every class topped up beyond the head. Give '
            "N_t as a ratio of the largest class (e.g. 1.0 or 'max') unless "
            'that is meant.', logger='current', level=logging.WARNING)
    return [max(0, n_t - int(n)) for n in real_counts]


@DATASETS.register_module()
class DiffuLTDataset:
    """Real long-tailed samples followed by planned synthetic slots.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    Sec. 3.3: every class with fewer than N_t real images is topped up to
    N_t with generated images, which the classifier weights by omega. The
    slots are planned from the real class counts alone, so the length is
    known when mmengine builds the dataloader, before
    ``DiffuLTSynthesisHook`` fills them (``attach_bank``).

    Indices ``[0, n_real)`` are the real samples (the wrapped dataset's
    pipeline); the rest are slots, class by class, read from the synthetic
    bank and sent through ``synthetic_pipeline``. Every packed data sample
    carries ``is_synthetic`` and ``sample_weight`` (1 for real samples,
    ``synthetic_weight`` for synthetic ones) in its metainfo, which the
    weighted heads apply. ``metainfo['class_counts']`` is the proxy's size
    per class, n_real + n_syn; ``real_class_counts`` and
    ``synthetic_class_counts`` split it; ``weighted_class_counts`` is
    n_real + omega * n_syn, the class mass the omega-weighted loss actually
    sees, and the default prior that ``TrainClassCountsHook`` hands to
    long-tail losses and test-time corrections on a proxy (with omega = 0.3
    and N_t = 500 on CIFAR-100-LT IF100 it spans 500 down to 155: an
    imbalance of 3.2, where n_real + n_syn says 1).

    Args:
        dataset (dict | Dataset): The real long-tailed training set.
        target (int | float | str): N_t (see :func:`plan_slots`). Defaults
            to 'max'.
        synthetic_weight (float): omega of synthetic samples. Defaults to 0.3
            (the paper's CIFAR value; 0.5 for ImageNet-LT).
        synthetic_pipeline (Sequence[dict], optional): Transforms of a
            synthetic sample, which starts as ``results['img']``. Defaults
            to the wrapped dataset's pipeline without its image loading.
        real_images_bgr (bool, optional): Whether the real pipeline yields
            BGR images (OpenCV decoding), so bank images (RGB) are flipped
            to match. Defaults to True when that pipeline loads files with
            ``LoadImageFromFile``, else False (CIFAR arrays are RGB).
        bank_dir (str, optional): A complete bank to attach at once (the
            synthesis hook attaches its own otherwise).
    """

    def __init__(self,
                 dataset,
                 target: Union[int, float, str] = 'max',
                 synthetic_weight: float = 0.3,
                 synthetic_pipeline: Optional[Sequence[dict]] = None,
                 real_images_bgr: Optional[bool] = None,
                 bank_dir: Optional[str] = None):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset,
                                                             dict) else dataset
        check_synthetic_weight(synthetic_weight)
        self.synthetic_weight = float(synthetic_weight)
        self.target = target
        meta = dict(self.dataset.metainfo)
        classes = meta.get('classes')
        if not classes:
            raise ValueError('DiffuLTDataset: the wrapped dataset has no '
                             "metainfo['classes'].")
        self.real_labels = labels_of(self.dataset)
        self.real_counts = np.bincount(
            self.real_labels, minlength=len(classes)).tolist()
        self.slots_per_class = plan_slots(self.real_counts, target)
        self.slot_labels = np.repeat(
            np.arange(len(classes)), self.slots_per_class).astype(np.int64)
        self.slot_offsets = np.concatenate(
            [[0], np.cumsum(self.slots_per_class)]).astype(np.int64)
        self.num_real = len(self.real_labels)

        real_pipeline = find_pipeline(self.dataset)
        loads_files = real_pipeline is not None and any(
            isinstance(t, LoadImageFromFile)
            for t in getattr(real_pipeline, 'transforms', []))
        self.real_images_bgr = loads_files if real_images_bgr is None else \
            bool(real_images_bgr)
        if synthetic_pipeline is not None:
            self.synthetic_pipeline = Compose(list(synthetic_pipeline))
        elif real_pipeline is not None:
            self.synthetic_pipeline = Compose([
                t for t in real_pipeline.transforms
                if not type(t).__name__.startswith('LoadImage')
            ])
        else:
            raise ValueError('DiffuLTDataset: set `synthetic_pipeline` (the '
                             'wrapped dataset has no pipeline to reuse).')

        proxy_counts = [
            r + s for r, s in zip(self.real_counts, self.slots_per_class)
        ]
        self._metainfo = copy.deepcopy(meta)
        weighted_counts = [
            float(r) + self.synthetic_weight * s
            for r, s in zip(self.real_counts, self.slots_per_class)
        ]
        self._metainfo.update(
            class_counts=proxy_counts,
            weighted_class_counts=weighted_counts,
            train_class_counts=proxy_counts,
            real_class_counts=list(self.real_counts),
            synthetic_class_counts=list(self.slots_per_class),
            synthetic_weight=self.synthetic_weight)
        self.bank = None
        if bank_dir is not None:
            self.attach_bank(SyntheticBank(bank_dir))

    # ------------------------------------------------------------ the bank
    def attach_bank(self, bank: SyntheticBank) -> None:
        """Serve the slots from a complete bank planned for this dataset."""
        bank.check_slots(self.slots_per_class)
        built_for = (bank.manifest.get('fingerprint') or {}).get('dataset')
        samples = bank.manifest.get('dataset_samples_sha256')
        if (built_for and built_for != self.fingerprint()) or (
                samples and samples != self.samples_digest()):
            raise BankMismatchError(
                f'The bank in {bank.bank_dir} was built for another real '
                'training set (other images or labels: another subset, '
                'seed or imbalance); delete it to rebuild, or give the bank '
                'of this dataset.')
        self.bank = bank

    def fingerprint(self) -> dict:
        """What identifies the real training set (kept in a bank's
        fingerprint): its type, size, classes and the hash of its labels."""
        import hashlib
        labels = self.real_labels.astype('int64').tobytes()
        return dict(
            type=type(self.dataset).__name__,
            num_real=int(self.num_real),
            classes=len(self.metainfo['classes']),
            labels_sha256=hashlib.sha256(labels).hexdigest())

    def samples_digest(self) -> str:
        """sha256 of which real samples the proxy holds (each one's file,
        or its image where it has no file), in order: two subsets with the
        same labels differ here."""
        import hashlib
        digest = hashlib.sha256()
        for i in range(self.num_real):
            info = self.dataset.get_data_info(i)
            if info.get('img_path'):
                digest.update(str(info['img_path']).encode() + b'\0')
            else:
                digest.update(np.ascontiguousarray(info['img']).tobytes())
        return digest.hexdigest()

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self):
        """The wrapped dataset is built at construction."""

    def __len__(self) -> int:
        return self.num_real + len(self.slot_labels)

    def is_synthetic(self, idx: int) -> bool:
        return idx >= self.num_real

    def get_cat_ids(self, idx: int) -> list:
        if idx < self.num_real:
            return [int(self.real_labels[idx])]
        return [int(self.slot_labels[idx - self.num_real])]

    def get_gt_labels(self) -> np.ndarray:
        return np.concatenate([self.real_labels, self.slot_labels])

    def get_data_info(self, idx: int) -> dict:
        if idx < self.num_real:
            return self.dataset.get_data_info(idx)
        image, label = self._bank_item(idx - self.num_real)
        return dict(img=image, gt_label=label, is_synthetic=True)

    def _bank_item(self, slot: int):
        if self.bank is None:
            raise RuntimeError(
                'DiffuLTDataset: the synthetic slots are empty. Add '
                'dict(type="DiffuLTSynthesisHook", ...) to custom_hooks (it '
                'fills them before training) or set `bank_dir`.')
        return self.bank[slot]

    def _mark(self, packed: dict, synthetic: bool) -> dict:
        packed['data_samples'].set_metainfo(
            dict(
                is_synthetic=synthetic,
                sample_weight=self.synthetic_weight if synthetic else 1.0))
        return packed

    def __getitem__(self, idx: int) -> dict:
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(f'index {idx} out of range ({len(self)})')
        if idx < self.num_real:
            return self._mark(self.dataset[idx], False)
        slot = idx - self.num_real
        label = int(self.slot_labels[slot])
        first = int(self.slot_offsets[label])
        size = int(self.slots_per_class[label])
        # A pipeline filter may reject a slot's image: take the next slot of
        # the same class, so class counts stay as planned.
        for attempt in range(size):
            current = first + (slot - first + attempt) % size
            image, _ = self._bank_item(current)
            if self.real_images_bgr:
                image = image[..., ::-1]
            image = np.ascontiguousarray(image)
            results = dict(
                img=image,
                img_shape=image.shape[:2],
                ori_shape=image.shape[:2],
                gt_label=label,
                is_synthetic=True,
                sample_idx=self.num_real + current)
            packed = self.synthetic_pipeline(results)
            if packed is not None:
                return self._mark(packed, True)
        raise RuntimeError(
            f'DiffuLTDataset: the synthetic pipeline rejected all {size} '
            f'slots of class {label}.')

    def __repr__(self) -> str:
        return (f'DiffuLTDataset(target={self.target!r}, real={self.num_real}'
                f', synthetic={len(self.slot_labels)}, omega='
                f'{self.synthetic_weight}, bank='
                f'{self.bank.bank_dir if self.bank else None})')
