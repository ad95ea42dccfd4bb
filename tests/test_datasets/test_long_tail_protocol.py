import numpy as np
import pytest

from diffult_plugin.datasets import (class_counts_of, long_tail_class_counts,
                                     long_tail_indices)


# Totals of the literature (LDAM-DRW / RIDE / BBN protocol).
@pytest.mark.parametrize('n_max,num_classes,imbalance_factor,total', [
    (500, 100, 100, 10847),
    (500, 100, 50, 12608),
    (500, 100, 10, 19573),
    (500, 100, 200, 9502),
    (5000, 10, 100, 12406),
    (5000, 10, 50, 13996),
    (5000, 10, 10, 20431),
])
def test_cifar_lt_totals(n_max, num_classes, imbalance_factor, total):
    counts = long_tail_class_counts(n_max, num_classes, imbalance_factor)
    assert sum(counts) == total
    assert counts[0] == n_max
    assert counts[-1] == int(n_max / imbalance_factor)
    assert counts == sorted(counts, reverse=True)


def test_cifar10_if100_profile():
    assert long_tail_class_counts(5000, 10, 100) == [
        5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50
    ]


def test_step_profile_and_balanced():
    assert long_tail_class_counts(500, 4, 10, 'step') == [500, 500, 50, 50]
    assert long_tail_class_counts(7, 3, 1) == [7, 7, 7]


@pytest.mark.parametrize('bad', [0.01, 0.5, 0, -3])
def test_imbalance_factor_below_one_is_refused(bad):
    with pytest.raises(ValueError, match='imbalance_factor'):
        long_tail_class_counts(500, 100, bad)


def test_unknown_imbalance_type_is_refused():
    with pytest.raises(ValueError, match='imbalance_type'):
        long_tail_class_counts(500, 100, 100, 'linear')


def test_indices_match_reference_global_shuffle():
    # The reference code seeds numpy's global generator once and shuffles
    # each class's indices in turn; the same stream must give the same subset.
    rng = np.random.RandomState(3)
    labels = rng.randint(0, 5, 200)
    counts = [30, 20, 10, 5, 2]
    np.random.seed(0)
    expected = []
    for cls, count in enumerate(counts):
        idx = np.where(labels == cls)[0]
        np.random.shuffle(idx)
        expected.extend(idx[:count])
    assert long_tail_indices(labels, counts, seed=0).tolist() == expected
    assert class_counts_of(labels[expected], 5) == counts


def test_indices_without_seed_keep_dataset_order():
    labels = [1, 0, 1, 0, 1, 0]
    assert long_tail_indices(labels, [2, 1], seed=None).tolist() == [1, 3, 0]


def test_asking_for_more_than_available_fails():
    with pytest.raises(ValueError, match='class 1 has 1 samples'):
        long_tail_indices([0, 0, 1], [2, 2])
