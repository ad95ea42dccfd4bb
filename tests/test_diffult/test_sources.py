"""Candidate sources: the oracle (left-out real images) and shard seeds."""
import numpy as np
import pytest
from mmpretrain.registry import DATASETS

import diffult_plugin  # noqa: F401
from diffult_plugin.diffult import DiffuLTDataset
from diffult_plugin.datasets.raw_images import raw_rgb_image
from diffult_plugin.diffult import BankBuilder, OracleSource
from diffult_plugin.diffult.sources import shard_seed
from tests.fixtures import make_cifar, make_image_folder


def test_shard_seed_depends_only_on_its_key():
    assert shard_seed(0, 3, 1) == shard_seed(0, 3, 1)
    assert len({shard_seed(s, c, j) for s in (0, 1) for c in range(3)
                for j in range(3)}) == 18


def test_oracle_fills_cifar_slots_with_left_out_images(tmp_path):
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)
    full = DATASETS.build(dict(type='CIFAR10LT', data_root=root,
                               split='train', imbalance_factor=1, n_max=20,
                               verify_md5=False, pipeline=[]))
    full_images = {raw_rgb_image(full, i).tobytes(): full.get_cat_ids(i)[0]
                   for i in range(len(full))}
    proxy = DiffuLTDataset(
        dataset=dict(type='CIFAR10LT', data_root=root, split='train',
                     n_max=20, imbalance_factor=10, verify_md5=False,
                     pipeline=[dict(type='PackInputs')]))
    kept = {raw_rgb_image(proxy.dataset, i).tobytes()
            for i in range(proxy.num_real)}
    source = OracleSource(proxy.dataset)
    # The LT view kept n_c of 20 per class; the rest is the pool.
    assert [source.available(c) for c in range(10)] == proxy.slots_per_class
    bank = BankBuilder(str(tmp_path / 'bank'), proxy.slots_per_class,
                       source).build()
    seen = set()
    for slot in range(len(bank)):
        image, label = bank[slot]
        key = image.tobytes()
        assert full_images[key] == label  # a real image of its class
        assert key not in kept  # that the LT subsampling left out
        seen.add(key)
    assert len(seen) == len(bank)  # each used once
    # Asking more than the pool holds is refused with the fix.
    with pytest.raises(RuntimeError, match='lower the target'):
        BankBuilder(str(tmp_path / 'bank2'),
                    [s + 1 for s in proxy.slots_per_class], source).build()


def test_oracle_on_an_image_folder(tmp_path):
    root = make_image_folder(str(tmp_path / 'jpg'), per_class=(6, 6, 6))
    dataset = DATASETS.build(
        dict(type='LongTailDataset', imbalance_factor=3,
             dataset=dict(type='CustomDataset', data_root=root,
                          pipeline=[])))
    source = OracleSource(dataset)
    assert [source.available(c) for c in range(3)] == [0, 3, 4]
    images = source.generate(2, 3, seed=0, offset=1)
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.uint8


def test_oracle_needs_a_long_tail_view(tmp_path):
    root = make_image_folder(str(tmp_path / 'jpg'))
    plain = DATASETS.build(dict(type='CustomDataset', data_root=root,
                                pipeline=[]))
    with pytest.raises(ValueError, match='left out'):
        OracleSource(plain)
