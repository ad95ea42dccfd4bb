"""The long-tail subsampling protocol of LDAM-DRW / RIDE / BBN / CBDM.

Cao et al., "Learning Imbalanced Datasets with Label-Distribution-Aware Margin
Loss", NeurIPS 2019 (https://arxiv.org/abs/1906.07413): class ``c`` keeps
``int(n_max * (1 / IF) ** (c / (C - 1)))`` images ('exp'), or ``n_max`` for the
first half of the classes and ``int(n_max / IF)`` for the rest ('step').
Each class's indices are shuffled by one seeded generator, class after class,
and the first ``n_c`` are kept; with seed 0 this reproduces the subsets of
the public CIFAR-LT code (``np.random.seed(0)`` + ``np.random.shuffle``).
"""
from typing import Optional, Sequence

import numpy as np

IMBALANCE_TYPES = ('exp', 'step')


def check_imbalance_factor(imbalance_factor, setting: str = 'imbalance_factor'):
    """Raise a clear error for an imbalance factor that cannot be used."""
    if isinstance(imbalance_factor, bool) or not isinstance(
            imbalance_factor, (int, float)):
        raise TypeError(f'`{setting}` must be a number >= 1 (e.g. 100 for '
                        f'CIFAR-100-LT IF100), got {imbalance_factor!r}.')
    if not imbalance_factor >= 1:
        raise ValueError(
            f'`{setting}` must be >= 1 (n_max / n_min; 1 keeps the data '
            f'balanced), got {imbalance_factor}. Did you pass the ratio '
            f'1/IF? Use {1 / imbalance_factor:g} instead.'
            if imbalance_factor > 0 else
            f'`{setting}` must be >= 1, got {imbalance_factor}.')


def long_tail_class_counts(n_max: int,
                           num_classes: int,
                           imbalance_factor: float,
                           imbalance_type: str = 'exp') -> list:
    """Per-class image counts of the long-tail protocol.

    Args:
        n_max (int): Images kept for class 0, the head class.
        num_classes (int): Number of classes C.
        imbalance_factor (float): n_max / n_min, >= 1.
        imbalance_type (str): 'exp' (exponential profile) or 'step'.

    Returns:
        list[int]: ``num_classes`` counts, non-increasing.
    """
    check_imbalance_factor(imbalance_factor)
    if imbalance_type not in IMBALANCE_TYPES:
        raise ValueError(f'`imbalance_type` must be one of {IMBALANCE_TYPES}, '
                         f'got {imbalance_type!r}.')
    if num_classes < 1 or n_max < 1:
        raise ValueError(f'need num_classes >= 1 and n_max >= 1, got '
                         f'{num_classes} and {n_max}.')
    ratio = 1.0 / imbalance_factor
    if imbalance_type == 'step':
        half = num_classes // 2
        return [n_max] * half + [int(n_max * ratio)] * (num_classes - half)
    if num_classes == 1:
        return [n_max]
    # Same float expression as the reference code, so int() truncates alike.
    return [
        int(n_max * (ratio**(c / (num_classes - 1.0))))
        for c in range(num_classes)
    ]


def long_tail_indices(labels: Sequence[int],
                      class_counts: Sequence[int],
                      seed: Optional[int] = 0) -> np.ndarray:
    """Indices of the samples kept by the long-tail protocol.

    Args:
        labels (Sequence[int]): Label of every sample of the full dataset.
        class_counts (Sequence[int]): How many samples to keep per class.
        seed (int, optional): Seed of the per-class shuffle. ``None`` keeps
            the first ``n_c`` samples of each class in dataset order (the
            SHIKE code does this).

    Returns:
        np.ndarray: Sorted-by-class kept indices (class 0 first), int64.
    """
    labels = np.asarray(labels, dtype=np.int64)
    rng = None if seed is None else np.random.RandomState(seed)
    kept = []
    for cls, count in enumerate(class_counts):
        idx = np.where(labels == cls)[0]
        if count > len(idx):
            raise ValueError(
                f'class {cls} has {len(idx)} samples but the protocol asks for '
                f'{count}; lower `imbalance_factor`/`n_max` or check the data.')
        if rng is not None:
            rng.shuffle(idx)
        kept.append(idx[:count])
    if not kept:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(kept).astype(np.int64)


def class_counts_of(labels: Sequence[int], num_classes: int) -> list:
    """Number of samples of each class, as plain ints."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'labels must lie in [0, {num_classes}), found '
                         f'[{labels.min()}, {labels.max()}].')
    return np.bincount(labels, minlength=num_classes).astype(int).tolist()
