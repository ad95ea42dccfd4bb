"""Shifted test label distributions (test-agnostic long-tailed recognition).

SADE (Zhang et al., "Self-Supervised Aggregation of Diverse Experts for
Test-Agnostic Long-Tailed Recognition", NeurIPS 2022,
https://arxiv.org/abs/2107.09249) evaluates one trained model on test sets
whose label distribution is forward long-tailed (the training order),
uniform, or backward long-tailed (reversed), with imbalance factors 2, 5,
10, 25 and 50 each way. For CIFAR its code subsamples the balanced test set
as the long-tailed training sets are drawn: ``n_c = int(n * (1/IF) **
(r_c / (C - 1)))`` with ``n`` the test images per class and ``r_c`` the
class index (forward) or ``C - 1 -`` it (backward), each class's indices
shuffled by one generator seeded 0, class after class, the first ``n_c``
kept; the uniform test set is the whole test set. This module does the
same on the labels of any test set, so on the official CIFAR test files
(``CIFAR10LT`` / ``CIFAR100LT``) it selects SADE's very samples; on an image
folder the same rule applies to the folder's order.
"""
from collections import OrderedDict
from typing import Optional, Sequence

import numpy as np

#: SADE's test distributions: name -> (imbalance factor or None, reversed).
SADE_DISTRIBUTIONS = OrderedDict([
    ('forward50', (50, False)),
    ('forward25', (25, False)),
    ('forward10', (10, False)),
    ('forward5', (5, False)),
    ('forward2', (2, False)),
    ('uniform', (None, False)),
    ('backward2', (2, True)),
    ('backward5', (5, True)),
    ('backward10', (10, True)),
    ('backward25', (25, True)),
    ('backward50', (50, True)),
])


def shifted_test_counts(num_classes: int, per_class: float,
                        imbalance_factor: Optional[float],
                        reverse: bool = False) -> list:
    """Test images kept per class (SADE's ``get_img_num_per_cls``)."""
    if imbalance_factor is None:
        return [int(per_class)] * num_classes
    if imbalance_factor < 1:
        raise ValueError('a test imbalance factor is n_max / n_min >= 1, '
                         f'got {imbalance_factor}.')
    counts = []
    for c in range(num_classes):
        rank = num_classes - 1 - c if reverse else c
        exponent = rank / (num_classes - 1.0) if num_classes > 1 else 0.0
        counts.append(int(per_class * (1.0 / imbalance_factor)**exponent))
    return counts


def shifted_test_indices(labels: Sequence[int],
                         imbalance_factor: Optional[float],
                         reverse: bool = False,
                         seed: int = 0) -> np.ndarray:
    """Positions of the test samples kept for one shifted distribution.

    Args:
        labels (Sequence[int]): Labels of the (balanced) test set, in its
            order.
        imbalance_factor (float, optional): n_max / n_min of the shifted
            set; None keeps every sample (SADE's 'uniform').
        reverse (bool): Backward long-tailed (the training order reversed).
        seed (int): Seed of the per-class shuffles (SADE: 0).

    Returns:
        np.ndarray: Sorted positions into ``labels``.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if imbalance_factor is None:
        return np.arange(len(labels))
    classes = np.unique(labels)
    counts = shifted_test_counts(len(classes), len(labels) / len(classes),
                                 imbalance_factor, reverse)
    rng = np.random.RandomState(seed)
    kept = []
    for c, count in zip(classes, counts):
        idx = np.where(labels == c)[0]
        rng.shuffle(idx)
        kept.append(idx[:count])
    return np.sort(np.concatenate(kept))
