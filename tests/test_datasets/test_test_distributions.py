"""SADE's shifted test distributions: counts by hand, the samples of the
public code's construction."""
import numpy as np
import pytest

from diffult_plugin.datasets.test_distributions import (SADE_DISTRIBUTIONS,
                                                        shifted_test_counts,
                                                        shifted_test_indices)


def test_eleven_distributions_as_in_sade():
    assert list(SADE_DISTRIBUTIONS) == [
        'forward50', 'forward25', 'forward10', 'forward5', 'forward2',
        'uniform', 'backward2', 'backward5', 'backward10', 'backward25',
        'backward50'
    ]


def test_counts_by_hand():
    # CIFAR-10 test set (1,000 per class), IF 10: 1000 * 0.1 ** (c / 9).
    forward = shifted_test_counts(10, 1000, 10)
    assert forward[0] == 1000 and forward[9] == 100
    assert forward[1] == int(1000 * 0.1**(1 / 9)) == 774
    assert forward[3] == int(1000 * 0.1**(3 / 9)) == 464
    assert shifted_test_counts(10, 1000, 10, reverse=True) == forward[::-1]
    # CIFAR-100 (100 per class), IF 50: the last class keeps int(2.0) = 2.
    assert shifted_test_counts(100, 100, 50)[-1] == 2
    assert shifted_test_counts(3, 7, None) == [7, 7, 7]
    with pytest.raises(ValueError):
        shifted_test_counts(10, 100, 0.5)


def test_indices_follow_the_public_construction():
    rng = np.random.RandomState(5)
    labels = np.repeat(np.arange(4), 6)
    rng.shuffle(labels)
    kept = shifted_test_indices(labels, 3, reverse=True, seed=0)
    counts = np.bincount(labels[kept], minlength=4)
    assert counts.tolist() == shifted_test_counts(4, 6, 3, reverse=True) == [
        2, 2, 4, 6]
    # np.random.seed(0); per class in order: shuffle its indices, keep the
    # first n_c (SADE's / LDAM's gen_imbalanced_data).
    np.random.seed(0)
    expected = []
    for c, n in zip(range(4), [2, 2, 4, 6]):
        idx = np.where(labels == c)[0]
        np.random.shuffle(idx)
        expected += idx[:n].tolist()
    assert kept.tolist() == sorted(expected)
    assert shifted_test_indices(labels, None).tolist() == list(range(24))
