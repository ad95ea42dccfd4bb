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
folder the same rule applies to the folder's order. For ImageNet-LT,
Places-LT and iNaturalist 2018 SADE published its subsets as list files
(``data_txt/``), read by :func:`find_distribution_lists` and
:func:`indices_from_list`.
"""
import os
import os.path as osp
import re
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


_NAME = re.compile(r'^(forward|backward)(\d+(?:\.\d+)?)$')


def distribution_order(name: str) -> tuple:
    """Sort key of distribution names as SADE's tables run: forward
    long-tailed from the steepest, uniform, then backward to the
    steepest (forward50 ... forward2, uniform, backward2 ... backward50)."""
    if name == 'uniform':
        return (1, 0.0, name)
    match = _NAME.match(name)
    if not match:
        return (3, 0.0, name)
    factor = float(match.group(2))
    return (0, -factor, name) if match.group(1) == 'forward' else (2, factor,
                                                                   name)


def find_distribution_lists(list_dir: str,
                            template: str = '{name}.txt') -> 'OrderedDict':
    """The published list files of shifted test sets in ``list_dir``, name ->
    path, in :func:`distribution_order`: SADE ships them for ImageNet-LT
    (``ImageNet_LT_{name}.txt``: forward / backward 2-50, uniform),
    Places-LT (``Places_LT_{name}.txt``) and iNaturalist 2018
    (``iNaturalist18_{name}.txt``: forward / backward 2 and 3, uniform), each
    line ``relative/path label``, subsets of the test split without
    repeats."""
    if '{name}' not in template:
        raise ValueError("the list template must contain '{name}', got "
                         f'{template!r}.')
    if not osp.isdir(list_dir):
        raise FileNotFoundError(f'test distribution lists: {list_dir} is not '
                                'a folder (SADE data_txt/<dataset>/).')
    prefix, suffix = template.split('{name}')
    found = {}
    for entry in os.listdir(list_dir):
        if entry.startswith(prefix) and entry.endswith(suffix):
            name = entry[len(prefix):len(entry) - len(suffix)]
            if name == 'uniform' or _NAME.match(name):
                found[name] = osp.join(list_dir, entry)
    if not found:
        raise FileNotFoundError(
            f'no list matching {template!r} (forward<IF>, backward<IF>, '
            f'uniform) in {list_dir}.')
    return OrderedDict(sorted(found.items(),
                              key=lambda kv: distribution_order(kv[0])))


def indices_from_list(list_file: str, img_paths: Sequence[str],
                      labels: Sequence[int]) -> np.ndarray:
    """Positions in the test set of the samples a published list names.

    A list path matches the test sample whose path ends with it (the list is
    relative to the dataset root, the samples' paths start at it); its label
    must be that sample's. A path the test set does not hold, or a label that
    differs, is an error naming the file and line."""
    by_suffix = {}
    kept = []
    with open(list_file) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2:
                raise ValueError(f'{list_file}, line {number}: expected '
                                 f'"path label", got {line.strip()!r}.')
            path, label = fields[0].strip('/'), int(fields[1])
            depth = path.count('/') + 1
            if depth not in by_suffix:
                by_suffix[depth] = {
                    '/'.join(p.replace(os.sep, '/').split('/')[-depth:]): i
                    for i, p in enumerate(img_paths)
                }
            index = by_suffix[depth].get(path)
            if index is None:
                raise ValueError(
                    f'{list_file}, line {number}: {path} is not in the test '
                    'set (is it the split the list was made from?).')
            if int(labels[index]) != label:
                raise ValueError(
                    f'{list_file}, line {number}: label {label}, the test '
                    f'set has {int(labels[index])} for {path}.')
            kept.append(index)
    return np.sort(np.asarray(kept, dtype=np.int64))
