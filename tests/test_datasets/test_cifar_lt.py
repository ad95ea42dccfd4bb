import os.path as osp

import numpy as np
import pytest
from mmpretrain.registry import DATASETS

from diffult_plugin.datasets import CIFAR10LT, CIFAR100LT
from tests.fixtures import make_cifar


@pytest.fixture(scope='module')
def cifar10_root(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('c10')), 10, 20, 4)


@pytest.fixture(scope='module')
def cifar100_root(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('c100')), 100, 10, 2)


def test_cifar10lt_train_is_long_tailed(cifar10_root):
    ds = CIFAR10LT(cifar10_root, imbalance_factor=10, n_max=20, verify_md5=False)
    expected = [int(20 * 0.1**(c / 9)) for c in range(10)]
    assert ds.metainfo['class_counts'] == expected
    assert ds.metainfo['train_class_counts'] == expected
    assert len(ds) == sum(expected)
    labels = ds.get_gt_labels()
    assert np.bincount(labels, minlength=10).tolist() == expected
    item = ds[0]
    assert item['img'].shape == (32, 32, 3)


def test_cifar_test_split_stays_balanced(cifar10_root):
    ds = CIFAR10LT(
        cifar10_root, split="test", imbalance_factor=10, n_max=20,
        verify_md5=False)
    assert ds.metainfo['class_counts'] == [4] * 10
    # The metrics still learn the training counts from it.
    assert ds.metainfo['train_class_counts'][0] == 20
    assert ds.metainfo['train_class_counts'][-1] == 2


def test_cifar100lt_and_seed(cifar100_root):
    a = CIFAR100LT(cifar100_root, imbalance_factor=5, n_max=10, verify_md5=False)
    b = CIFAR100LT(cifar100_root, imbalance_factor=5, n_max=10, verify_md5=False)
    c = CIFAR100LT(
        cifar100_root, imbalance_factor=5, seed=1, n_max=10, verify_md5=False)
    assert len(a) == sum(int(10 * 0.2**(i / 99)) for i in range(100))
    first = [a[i]['img'].tobytes() for i in range(5)]
    assert first == [b[i]['img'].tobytes() for i in range(5)]
    assert first != [c[i]['img'].tobytes() for i in range(5)]
    assert len(a.metainfo['classes']) == 100


def test_md5_is_checked_by_default(cifar10_root):
    with pytest.raises(RuntimeError, match='verify_md5=False'):
        CIFAR10LT(cifar10_root)


def test_missing_data_names_expected_path(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        CIFAR100LT(str(tmp_path))
    assert osp.join(str(tmp_path), 'cifar-100-python') in str(err.value)


def test_bad_imbalance_factor_is_refused_before_reading(tmp_path):
    with pytest.raises(ValueError, match='imbalance_factor'):
        CIFAR10LT(str(tmp_path), imbalance_factor=0.01)


def test_registered(cifar10_root):
    ds = DATASETS.build(
        dict(
            type='CIFAR10LT',
            data_root=cifar10_root,
            imbalance_factor=2,
            imbalance_type="step",
            n_max=20,
            verify_md5=False))
    assert ds.metainfo['class_counts'] == [20] * 5 + [10] * 5
