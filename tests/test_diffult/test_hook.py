"""DiffuLTSynthesisHook in-process with the oracle source: bank, reports,
the `diffult_bank_built` plugin event, and its errors."""
import json
import os.path as osp
from types import SimpleNamespace

import numpy as np
import pytest
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import HOOKS

import diffult_plugin  # noqa: F401
from diffult_plugin.diffult import DiffuLTDataset
from diffult_plugin.plugins import get_plugin_manager, hookimpl
from tests.fixtures import make_cifar


class _Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def diffult_bank_built(self, bank_dir, stats):
        self.events.append((bank_dir, stats))


@pytest.fixture
def proxy(tmp_path):
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)
    return DiffuLTDataset(
        dataset=dict(type='CIFAR10LT', data_root=root, split='train',
                     n_max=20, imbalance_factor=10, verify_md5=False,
                     pipeline=[dict(type='PackInputs')]), target=15)


def test_oracle_bank_reports_and_event(proxy, tmp_path):
    recorder = _Recorder()
    manager = get_plugin_manager()
    manager.register(recorder, name='test-recorder')
    try:
        hook = HOOKS.build(dict(type='DiffuLTSynthesisHook', oracle=True,
                                filter=None, shard_size=4))
        work_dir = str(tmp_path / 'work')
        runner = SimpleNamespace(
            _train_loop=EpochBasedTrainLoop.__new__(EpochBasedTrainLoop),
            train_dataloader=SimpleNamespace(dataset=proxy),
            model=SimpleNamespace(),  # no batch augments to check
            work_dir=work_dir)
        hook.before_run(runner)
    finally:
        manager.unregister(name='test-recorder')
    assert proxy.bank is not None and len(proxy.bank) == sum(
        proxy.slots_per_class)
    assert proxy[len(proxy) - 1]['data_samples'].metainfo['is_synthetic']
    stats = json.load(
        open(osp.join(work_dir, 'synthesis', 'filter_stats.json')))
    assert stats['totals']['slots'] == sum(proxy.slots_per_class)
    assert stats['totals']['categories'] == {
        'unfiltered': stats['totals']['generated']}
    for name in ('class_counts.png', 'samples_kept_filtered.png'):
        assert osp.isfile(osp.join(work_dir, 'synthesis', name))
    assert len(recorder.events) == 1
    assert recorder.events[0][0] == osp.join(work_dir, 'bank')


def test_test_runs_skip_synthesis(proxy):
    hook = HOOKS.build(dict(type='DiffuLTSynthesisHook', oracle=True,
                            filter=None))
    hook.before_run(SimpleNamespace(_train_loop=None))  # no error, no work
    assert proxy.bank is None


def test_training_set_must_be_the_proxy(proxy):
    hook = HOOKS.build(dict(type='DiffuLTSynthesisHook', oracle=True,
                            filter=None))
    runner = SimpleNamespace(
        _train_loop=EpochBasedTrainLoop.__new__(EpochBasedTrainLoop),
        train_dataloader=SimpleNamespace(dataset=proxy.dataset))
    with pytest.raises(ValueError, match='DiffuLTDataset'):
        hook.before_run(runner)


def test_stages_dir_holds_the_bank_for_several_runs(proxy, tmp_path):
    shared = str(tmp_path / 'shared')
    hook = HOOKS.build(dict(type='DiffuLTSynthesisHook', oracle=True,
                            filter=None, stages_dir=shared))
    first = hook.prepare(str(tmp_path / 'seed0'), proxy)
    assert first.bank_dir == osp.join(shared, 'bank')
    second = hook.prepare(str(tmp_path / 'seed1'), proxy)  # reused
    assert second.manifest == first.manifest
    assert osp.isfile(osp.join(tmp_path, 'seed1', 'synthesis',
                               'filter_stats.json'))


@pytest.mark.parametrize('cfg, message', [
    (dict(), 'generator_config'),
    (dict(oracle=True, filter=None, sampler='euler'), 'sampler'),
    (dict(oracle=True), 'phi0_config'),
    (dict(generator_checkpoint='g.pth'), 'generator_config'),
])
def test_bad_settings_name_the_fix(cfg, message):
    with pytest.raises(ValueError, match=message):
        HOOKS.build(dict(type='DiffuLTSynthesisHook', **cfg))


def test_real_copies_fill_each_class_with_its_own_images_in_turn(proxy,
                                                                 tmp_path):
    """The oversampling control: every slot of class c holds a real
    training image of class c, and a class's images are each used once
    before any is used twice."""
    from diffult_plugin.datasets.raw_images import raw_rgb_image
    hook = HOOKS.build(dict(type='DiffuLTSynthesisHook',
                            source='real-copies', filter=None,
                            shard_size=4))
    bank = hook.prepare(str(tmp_path / 'work'), proxy)
    real = proxy.dataset
    by_class = {}
    for i in range(len(real)):
        label = int(real.get_data_info(i)['gt_label'])
        by_class.setdefault(label, []).append(raw_rgb_image(real, i))
    uses = {}
    for slot in range(len(bank)):
        image, label = bank[slot]
        matches = [k for k, ref in enumerate(by_class[int(label)])
                   if np.array_equal(ref, image)]
        assert matches, f'slot {slot} is not a real image of class {label}'
        uses.setdefault(int(label), []).append(matches[0])
    for label, used in uses.items():
        counts = np.bincount(used, minlength=len(by_class[label]))
        assert counts.sum() == proxy.slots_per_class[label]
        assert counts.max() - counts.min() <= 1, (label, counts)
    with open(osp.join(bank.bank_dir, 'fingerprint.json')) as f:
        assert json.load(f)['source']['type'] == 'real-copies'


@pytest.mark.parametrize('cfg, message', [
    (dict(source='generated', filter=None), 'source'),
    (dict(source='real-copies', oracle=True, filter=None), 'contradicts'),
])
def test_bad_sources_name_the_fix(cfg, message):
    with pytest.raises(ValueError, match=message):
        HOOKS.build(dict(type='DiffuLTSynthesisHook', **cfg))


def test_the_pipeline_runs_without_a_runner_and_from_a_config(proxy,
                                                             tmp_path):
    from mmengine.config import Config

    from diffult_plugin.diffult import DiffuLTPipeline
    pipeline = DiffuLTPipeline(source='oracle', filter=None, shard_size=4)
    bank = pipeline(str(tmp_path / 'direct'), proxy)
    assert len(bank) == sum(proxy.slots_per_class)
    cfg = Config(dict(custom_hooks=[
        dict(type='TrainClassCountsHook'),
        dict(type='DiffuLTSynthesisHook', source='oracle', filter=None,
             shard_size=4, priority='VERY_HIGH')]))
    from_cfg = DiffuLTPipeline.from_config(cfg, bank_dir=None, seed=None)
    assert from_cfg.source == 'oracle' and from_cfg.shard_size == 4
    # The same settings give the same bank (byte-identical manifests).
    again = from_cfg(str(tmp_path / 'from_cfg'), proxy)
    assert again.manifest['files'] == bank.manifest['files']
    with pytest.raises(ValueError, match='DiffuLTSynthesisHook'):
        DiffuLTPipeline.from_config(Config(dict(custom_hooks=[])))


def test_the_sample_grid_pages_cover_every_class(tmp_path):
    from diffult_plugin.diffult.reports import grid_page_paths
    path = str(tmp_path / 'samples_kept_filtered.png')
    assert grid_page_paths(path, 20) == [path]
    pages = grid_page_paths(path, 43)
    assert pages == [path, str(tmp_path / 'samples_kept_filtered_page2.png'),
                     str(tmp_path / 'samples_kept_filtered_page3.png')]
