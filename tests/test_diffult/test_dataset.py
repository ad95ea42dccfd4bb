"""DiffuLTDataset: slot planning, metainfo, marking, bank attachment."""
import numpy as np
import pytest
import torch

import diffult_plugin  # noqa: F401
from diffult_plugin.diffult import DiffuLTDataset, plan_slots
from diffult_plugin.diffult.bank import (BankMismatchError,
                                                    SyntheticBank)
from diffult_plugin.diffult.bank.builder import BankBuilder
from tests.fixtures import make_cifar, make_image_folder


class ClassColourSource:
    """Synthetic image of class c: every pixel (RGB) = (c, 100, 200)."""

    def generate(self, label, count, seed, offset):
        image = np.zeros((count, 32, 32, 3), np.uint8)
        image[..., 0], image[..., 1], image[..., 2] = label, 100, 200
        return image

    def fingerprint(self):
        return dict(type='colour')


def test_plan_slots():
    assert plan_slots([50, 20, 5], 'max') == [0, 30, 45]
    assert plan_slots([50, 20, 5], 30) == [0, 10, 25]
    assert plan_slots([50, 20, 5], 0.5) == [0, 5, 20]
    for bad in (0, -3, 1.5, 'min', None, True):
        with pytest.raises(ValueError, match='target'):
            plan_slots([50, 20, 5], bad)


@pytest.fixture
def cifar_proxy(tmp_path):
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)
    dataset = DiffuLTDataset(
        dataset=dict(
            type='CIFAR10LT', data_root=root, split='train', n_max=20,
            imbalance_factor=10, verify_md5=False,
            pipeline=[dict(type='PackInputs')]),
        target='max',
        synthetic_weight=0.3)
    return dataset, str(tmp_path / 'bank')


def _fill(dataset, bank_dir):
    bank = BankBuilder(bank_dir, dataset.slots_per_class,
                       ClassColourSource(), None).build()
    dataset.attach_bank(bank)
    return bank


def test_length_and_metainfo_are_known_before_the_bank(cifar_proxy):
    dataset, _ = cifar_proxy
    real = [int(20 * 0.1**(c / 9)) for c in range(10)]
    assert dataset.real_counts == real
    assert len(dataset) == 200
    meta = dataset.metainfo
    assert meta['class_counts'] == [20] * 10
    assert meta['real_class_counts'] == real
    assert meta['synthetic_class_counts'] == [20 - n for n in real]
    # The class mass the omega-weighted loss sees: n_real + 0.3 n_syn, e.g.
    # class 9 (2 real, 18 slots): 2 + 5.4 = 7.4.
    assert meta['weighted_class_counts'] == pytest.approx(
        [n + 0.3 * (20 - n) for n in real])
    assert meta['weighted_class_counts'][9] == pytest.approx(7.4)
    assert real[9] == 2
    assert dataset.get_cat_ids(len(dataset) - 1) == [9]
    assert np.bincount(dataset.get_gt_labels()).tolist() == [20] * 10
    with pytest.raises(RuntimeError, match='DiffuLTSynthesisHook'):
        dataset[len(dataset) - 1]


def test_samples_carry_origin_and_weight(cifar_proxy):
    dataset, bank_dir = cifar_proxy
    _fill(dataset, bank_dir)
    real = dataset[0]
    assert real['data_samples'].metainfo['is_synthetic'] is False
    assert real['data_samples'].metainfo['sample_weight'] == 1.0
    last = dataset[len(dataset) - 1]
    assert last['data_samples'].metainfo['is_synthetic'] is True
    assert last['data_samples'].metainfo['sample_weight'] == 0.3
    assert int(last['data_samples'].gt_label) == 9
    # CIFAR arrays are RGB: the bank image goes in unchanged (CHW packed).
    assert last['inputs'][:, 0, 0].tolist() == [9, 100, 200]


def test_bank_for_another_plan_is_refused(cifar_proxy, tmp_path):
    dataset, bank_dir = cifar_proxy
    BankBuilder(bank_dir, [1] * 10, ClassColourSource(), None).build()
    with pytest.raises(BankMismatchError):
        dataset.attach_bank(SyntheticBank(bank_dir))


def test_jpeg_folder_gets_bgr_synthetic_images(tmp_path):
    root = make_image_folder(str(tmp_path / 'jpg'), per_class=(6, 3, 1))
    dataset = DiffuLTDataset(
        dataset=dict(
            type='LongTailDataset', imbalance_factor=None,
            dataset=dict(type='CustomDataset', data_root=root,
                         pipeline=[dict(type='LoadImageFromFile'),
                                   dict(type='RandomFlip', prob=0.5),
                                   dict(type='PackInputs')])),
        target=4)
    assert dataset.real_images_bgr  # OpenCV decodes BGR
    assert [type(t).__name__ for t in dataset.synthetic_pipeline.transforms
            ] == ['RandomFlip', 'PackInputs']
    _fill(dataset, str(tmp_path / 'bank'))
    item = dataset[len(dataset) - 1]
    assert item['inputs'][:, 0, 0].tolist() == [200, 100, 2]


def test_pipeline_rejection_takes_the_next_slot_of_the_class(cifar_proxy):
    dataset, bank_dir = cifar_proxy
    _fill(dataset, bank_dir)
    calls = []

    def picky(results):
        calls.append(results['sample_idx'])
        return None if len(calls) == 1 else {
            'inputs': torch.zeros(1), 'data_samples': _Sample()}

    dataset.synthetic_pipeline = picky
    first_slot = dataset.num_real + int(dataset.slot_offsets[9])
    dataset[first_slot]
    assert calls == [first_slot, first_slot + 1]


class _Sample:
    def __init__(self):
        self.metainfo = {}

    def set_metainfo(self, meta):
        self.metainfo.update(meta)


def test_bad_weight_is_refused(tmp_path):
    root = make_image_folder(str(tmp_path / 'jpg'))
    with pytest.raises(ValueError, match='synthetic_weight'):
        DiffuLTDataset(
            dataset=dict(type='CustomDataset', data_root=root,
                         pipeline=[dict(type='PackInputs')]),
            synthetic_weight=-1)


def test_n_t_above_the_largest_class_warns_with_the_slot_total(monkeypatch):
    import mmengine.logging
    said = []
    monkeypatch.setattr(mmengine.logging, 'print_log',
                        lambda msg, **kwargs: said.append(msg))
    assert plan_slots([50, 10], 40) == [0, 30]
    assert said == []
    # N_t = 1000 for classes of 50 and 10: 950 + 990 = 1940 slots.
    assert plan_slots([50, 10], 1000) == [950, 990]
    assert len(said) == 1 and '1940 synthetic slots' in said[0]


@pytest.mark.parametrize('omega', [float('inf'), float('nan'), '0.3', None])
def test_omega_must_be_a_finite_number(tmp_path, omega):
    root = make_image_folder(str(tmp_path / 'jpg'))
    with pytest.raises(ValueError, match='synthetic_weight'):
        DiffuLTDataset(
            dataset=dict(type='CustomDataset', data_root=root,
                         pipeline=[dict(type='PackInputs')]),
            synthetic_weight=omega)


def test_omega_above_one_warns(tmp_path, monkeypatch):
    import mmengine.logging
    messages = []
    monkeypatch.setattr(mmengine.logging, 'print_log',
                        lambda msg, **kw: messages.append(msg))
    root = make_image_folder(str(tmp_path / 'jpg'))
    DiffuLTDataset(dataset=dict(type='CustomDataset', data_root=root,
                                pipeline=[dict(type='PackInputs')]),
                   synthetic_weight=2.0)
    assert any('omega) = 2 weighs' in m for m in messages)


def test_bank_of_another_real_subset_is_refused(tmp_path):
    # Same classes and slot plan, another real subset (seed of the LT
    # subsampling): the slot counts agree, the fingerprint does not.
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)

    def proxy(seed):
        return DiffuLTDataset(
            dataset=dict(type='CIFAR10LT', data_root=root, split='train',
                         n_max=20, imbalance_factor=10, verify_md5=False,
                         seed=seed, pipeline=[dict(type='PackInputs')]),
            target=15)

    ours, theirs = proxy(0), proxy(1)
    assert ours.slots_per_class == theirs.slots_per_class
    # The same labels in the same order: only the samples tell them apart.
    assert ours.fingerprint() == theirs.fingerprint()
    assert ours.samples_digest() != theirs.samples_digest()
    bank_dir = str(tmp_path / 'bank')
    BankBuilder(bank_dir, theirs.slots_per_class, ClassColourSource(), None,
                dataset_fingerprint=theirs.fingerprint(),
                dataset_samples=theirs.samples_digest()).build()
    with pytest.raises(BankMismatchError, match='another real training set'):
        ours.attach_bank(SyntheticBank(bank_dir))
    theirs.attach_bank(SyntheticBank(bank_dir))  # its own bank fits


def test_real_samples_keep_their_metadata_synthetic_ones_have_none(tmp_path):
    root = make_image_folder(str(tmp_path / 'jpg'), per_class=(4, 2, 1))
    meta = tmp_path / 'meta.csv'
    meta.write_text('image,lat,lon\n' + ''.join(
        f'{c}/{i:04d}.jpg,{10 * k},{i}\n'
        for k, (c, n) in enumerate([('a', 4), ('b', 2), ('c', 1)])
        for i in range(n)))
    pack = dict(type='PackInputs', algorithm_keys=('meta', 'meta_mask'))
    dataset = DiffuLTDataset(
        dataset=dict(
            type='WithMetadata', meta_file=str(meta), columns=['lat', 'lon'],
            image_root=root,
            dataset=dict(
                type='LongTailDataset', imbalance_factor=None,
                dataset=dict(type='CustomDataset', data_root=root,
                             pipeline=[dict(type='LoadImageFromFile'),
                                       pack]))),
        target=4)
    _fill(dataset, str(tmp_path / 'bank'))
    real = dataset[5]['data_samples']  # b/0001.jpg
    assert real.meta.tolist() == [10.0, 1.0] and real.meta_mask == 1.0
    synthetic = dataset[len(dataset) - 1]['data_samples']
    assert synthetic.is_synthetic and 'meta' not in synthetic
    from diffult_plugin.models.utils.metadata_batch import batch_metadata
    vectors, mask = batch_metadata([real, synthetic], 2, 'cpu', 'test')
    assert mask.tolist() == [1.0, 0.0] and not vectors[1].any()
