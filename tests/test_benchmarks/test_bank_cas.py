import numpy as np
import pytest
import torch

from benchmarks.bank_cas import (augment, per_class_accuracy, restrict,
                                 train_and_test)
from benchmarks.filter_readings import held_out_infos, split


def test_restrict_relabels_the_bank_classes():
    images = np.arange(5)[:, None, None, None] * np.ones((5, 2, 2, 3))
    x, y = restrict(images, np.array([4, 9, 1, 9, 4]), [4, 9])
    assert y.tolist() == [0, 1, 1, 0]
    assert x[:, 0, 0, 0].tolist() == [0, 1, 3, 4]
    assert per_class_accuracy(np.array([0, 1, 0, 0]), y, 2) == [100.0, 50.0]


def test_augment_crops_and_flips_within_the_padding():
    batch = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).view(2, 3, 4, 4)
    out = augment(batch, torch.Generator().manual_seed(0))
    assert out.shape == batch.shape
    # Every output pixel is an input pixel or zero padding.
    assert set(out.unique().tolist()) <= set(batch.unique().tolist()) | {0.0}


def test_cas_of_separable_classes_is_perfect():
    """Dark images are class 0, bright ones class 1: a classifier trained on
    them alone tells new ones apart."""
    rng = np.random.RandomState(0)
    dark = rng.randint(0, 60, (32, 8, 8, 3))
    bright = rng.randint(195, 256, (32, 8, 8, 3))
    x = np.concatenate([dark, bright]).astype(np.uint8)
    y = np.array([0] * 32 + [1] * 32)
    test_x = np.concatenate([rng.randint(0, 60, (10, 8, 8, 3)),
                             rng.randint(195, 256, (10, 8, 8, 3))]).astype(
                                 np.uint8)
    test_y = np.array([0] * 10 + [1] * 10)
    top1, per_class = train_and_test(x, y, test_x, test_y, 2, epochs=3,
                                     seed=0, batch_size=16)
    assert top1 == 100.0 and per_class == [100.0, 100.0]


def test_split_by_hand_and_held_out_sampling():
    # d_f = (1, 2): distances 0.5 (ID), 1.5 (AID), 2.5 (OOD) for class 0;
    # 1.0 (ID), 5.0 (OOD) for class 1.
    overall, ood = split(np.array([0.5, 1.5, 2.5, 1.0, 5.0]),
                         np.array([0, 0, 0, 1, 1]), np.array([1.0, 2.0]))
    assert overall == {'ID': 40.0, 'AID': 20.0, 'OOD': 40.0}
    assert ood == pytest.approx({0: 100 / 3, 1: 50.0})

    class _LT:
        def left_out_data_list(self):
            return [dict(gt_label=i % 3, n=i) for i in range(30)]

    infos = held_out_infos(_LT(), per_class=4)
    assert len(infos) == 12
    assert np.bincount([i['gt_label'] for i in infos]).tolist() == [4, 4, 4]
    assert infos == held_out_infos(_LT(), per_class=4)  # seeded
