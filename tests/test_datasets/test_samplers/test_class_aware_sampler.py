"""ClassAwareSampler: balanced classes, determinism, rank split."""
from collections import Counter
from unittest import mock

import numpy as np
import pytest

from diffult_plugin.datasets import ClassAwareSampler


class _Labels:
    """A dataset of labels only (get_gt_labels, like mmpretrain's)."""

    def __init__(self, labels):
        self.labels = np.asarray(labels)

    def __len__(self):
        return len(self.labels)

    def get_gt_labels(self):
        return self.labels


LONG_TAIL = _Labels([0] * 80 + [1] * 15 + [2] * 5)


def test_every_class_equally_often():
    sampler = ClassAwareSampler(LONG_TAIL, seed=0)
    indices = list(sampler)
    assert len(indices) == len(sampler) == 100
    counts = Counter(LONG_TAIL.labels[indices].tolist())
    # 100 draws over 3 classes visited in shuffled cycles: 33 or 34 each.
    assert sorted(counts.values()) == [33, 33, 34]
    # Tail samples repeat, each of them before any repeats twice.
    tail = Counter(i for i in indices if LONG_TAIL.labels[i] == 2)
    assert set(tail) == set(range(95, 100))
    assert max(tail.values()) - min(tail.values()) <= 1


def test_samples_per_class_and_length():
    sampler = ClassAwareSampler(
        LONG_TAIL, samples_per_class=4, num_samples=24, seed=0)
    labels = LONG_TAIL.labels[list(sampler)]
    assert len(labels) == 24
    runs = labels.reshape(-1, 4)
    assert all(len(set(run)) == 1 for run in runs.tolist())


def test_deterministic_per_seed_and_epoch():
    a = ClassAwareSampler(LONG_TAIL, seed=3)
    b = ClassAwareSampler(LONG_TAIL, seed=3)
    assert list(a) == list(b)
    b.set_epoch(1)
    assert list(a) != list(b)


def test_ranks_split_one_global_order():
    with mock.patch(
            'diffult_plugin.datasets.samplers.class_aware_sampler.'
            'get_dist_info', return_value=(0, 1)):
        whole = list(ClassAwareSampler(LONG_TAIL, num_samples=60, seed=1))
    parts = []
    for rank in range(2):
        with mock.patch(
                'diffult_plugin.datasets.samplers.class_aware_sampler.'
                'get_dist_info', return_value=(rank, 2)):
            parts.append(
                list(ClassAwareSampler(LONG_TAIL, num_samples=60, seed=1)))
    assert parts[0] == whole[0::2] and parts[1] == whole[1::2]


def test_bad_setting():
    with pytest.raises(ValueError, match='samples_per_class'):
        ClassAwareSampler(LONG_TAIL, samples_per_class=0, seed=0)
