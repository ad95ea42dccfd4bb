"""Every long-tail method config of configs/baselines/ (and DiffuLT + RIDE /
SHIKE) trains a short run on tiny generated CIFAR-10-LT, in process.

The recipes are shrunk to 2 epochs with every stage switch (DRW, SHIKE's
re-training) moved to epoch 1, so both stages run; two-stage methods (cRT,
RIDE's router) start from a checkpoint of their first stage made here."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from tests.fixtures import make_cifar

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TINY_DATA = dict(n_max=20, imbalance_factor=10, download=False,
                 verify_md5=False)


@pytest.fixture(scope='module')
def cifar_root(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('cifar')), num_classes=10)


def _config(name, cifar_root, work_dir, monkeypatch):
    monkeypatch.setenv('DIFFULT_CIFAR_ROOT', cifar_root)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', name))
    train_set = cfg.train_dataloader.dataset
    if train_set.type == 'DiffuLTDataset':
        train_set.dataset.update(TINY_DATA)
        train_set.target = 20  # the head class: a balanced proxy
    else:
        train_set.update(TINY_DATA)
    cfg.train_dataloader.update(batch_size=16, num_workers=0)
    cfg.val_dataloader.dataset.update(TINY_DATA)
    cfg.val_dataloader.update(batch_size=40, num_workers=0)
    cfg.test_dataloader = cfg.val_dataloader
    cfg.train_cfg.update(max_epochs=2, val_interval=2)
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.update(interval=1, max_keep_ckpts=-1)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = osp.splitext(name.replace('/', '_'))[0]
    return cfg


def _on_the_oracle_proxy(cfg):
    """Real left-out images fill the slots: no generator needed here (the
    generated path is tested in test_engine/test_diffult_pipeline.py)."""
    cfg.custom_hooks[0] = dict(
        type='DiffuLTSynthesisHook', oracle=True, filter=None)


def _state(path):
    return torch.load(path, map_location='cpu',
                      weights_only=True)['state_dict']


def _changed(before, after, prefix):
    keys = [k for k in after if k.startswith(prefix) and
            after[k].dtype.is_floating_point]
    assert keys, prefix
    return any(not torch.equal(before[k], after[k]) for k in keys)


def _train(cfg):
    runner = Runner.from_cfg(cfg)
    runner.train()
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert torch.isfinite(torch.tensor(loss))
    for epoch in (1, 2):
        assert osp.isfile(osp.join(cfg.work_dir, f'epoch_{epoch}.pth'))
    return runner


@pytest.mark.parametrize('method', [
    'focal', 'cb-focal', 'balanced-softmax', 'logit-adjust'])
def test_single_stage_losses(method, cifar_root, tmp_path, monkeypatch):
    cfg = _config(f'baselines/{method}_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    runner = _train(cfg)
    loss = runner.model.head.loss_module
    counts = runner.train_dataloader.dataset.metainfo['class_counts']
    assert loss.class_counts.tolist() == list(counts)
    assert _changed(_state(tmp_path / 'epoch_1.pth'),
                    _state(tmp_path / 'epoch_2.pth'), 'backbone.')


def test_ldam_drw(cifar_root, tmp_path, monkeypatch):
    cfg = _config('baselines/ldam-drw_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.model.head.loss.reweight_epoch = 1
    runner = _train(cfg)
    loss = runner.model.head.loss_module
    assert loss.epoch == 1 and loss.class_weights(10) is not None


@pytest.fixture(scope='module')
def ce_checkpoint(cifar_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('ce')
    monkeypatch = pytest.MonkeyPatch()
    try:
        cfg = _config('baselines/ce_resnet32_cifar10lt.py', cifar_root,
                      work_dir, monkeypatch)
        _train(cfg)
    finally:
        monkeypatch.undo()
    return str(work_dir / 'epoch_2.pth')


def test_crt_retrains_a_fresh_classifier_on_a_frozen_backbone(
        ce_checkpoint, cifar_root, tmp_path, monkeypatch):
    cfg = _config('baselines/crt_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.model.backbone.init_cfg.checkpoint = ce_checkpoint
    runner = _train(cfg)
    assert type(runner.train_dataloader.sampler).__name__ == \
        'ClassAwareSampler'
    stage1, final = _state(ce_checkpoint), _state(tmp_path / 'epoch_2.pth')
    assert not _changed(stage1, final, 'backbone.')  # frozen, BN included
    assert _changed(stage1, final, 'head.fc.')


@pytest.mark.parametrize('option', ['logit-adjust-posthoc', 'tau-norm'])
def test_test_time_corrections_evaluate_a_ce_checkpoint(
        option, ce_checkpoint, cifar_root, tmp_path, monkeypatch):
    cfg = _config(f'baselines/{option}_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.load_from = ce_checkpoint
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    assert 0.0 <= metrics['long_tail/top1'] <= 100.0
    plain = _config('baselines/ce_resnet32_cifar10lt.py', cifar_root,
                    tmp_path / 'plain', monkeypatch)
    plain.load_from = ce_checkpoint
    ce_metrics = Runner.from_cfg(plain).test()
    # The correction changes the predictions of the same weights.
    assert metrics['calibration/ece'] != ce_metrics['calibration/ece']
    if option == 'logit-adjust-posthoc':
        counts = runner.test_dataloader.dataset.metainfo['train_class_counts']
        assert runner.model.head.class_counts.tolist() == list(counts)


@pytest.fixture(scope='module')
def ride_run(cifar_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('ride')
    monkeypatch = pytest.MonkeyPatch()
    try:
        cfg = _config('baselines/ride_resnet32_cifar10lt.py', cifar_root,
                      work_dir, monkeypatch)
        cfg.model.head.loss.reweight_epoch = 1
        runner = _train(cfg)
    finally:
        monkeypatch.undo()
    return runner, str(work_dir / 'epoch_2.pth')


def test_ride(ride_run):
    runner, _ = ride_run
    loss = runner.model.head.loss_module
    assert loss.epoch == 1
    assert torch.is_tensor(loss.temperatures(10))  # DRW stage reached


def test_ride_router_stage(ride_run, cifar_root, tmp_path, monkeypatch):
    _, checkpoint = ride_run
    cfg = _config('baselines/ride-ea_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.load_from = checkpoint
    runner = _train(cfg)
    stage1, final = _state(checkpoint), _state(tmp_path / 'epoch_2.pth')
    assert not _changed(stage1, final, 'backbone.')
    assert not _changed(stage1, final, 'head.classifiers.')
    assert _changed(_state(tmp_path / 'epoch_1.pth'), final, 'head.router.')
    batch = next(iter(runner.val_dataloader))
    runner.model.eval()
    with torch.no_grad():
        predictions = runner.model.val_step(batch)
    assert {p.num_experts_used for p in predictions} <= {1, 2, 3}


def test_shike_two_stages(cifar_root, tmp_path, monkeypatch):
    cfg = _config('baselines/shike_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.model.head.retrain_epoch = 1
    cfg.custom_hooks[-1].begin_epoch = 1
    runner = _train(cfg)
    assert runner.model.head.in_retraining
    first, final = (_state(tmp_path / 'epoch_1.pth'),
                    _state(tmp_path / 'epoch_2.pth'))
    # Stage 2 trains only the second classifier set (BN statistics still
    # move, as in the official code).
    assert not any(
        not torch.equal(first[k], final[k]) for k in final
        if k.startswith('backbone.') and k.endswith(('weight', 'bias')))
    assert not _changed(first, final, 'head.classifiers.')
    assert _changed(first, final, 'head.rt_classifiers.')


@pytest.mark.parametrize('method', ['ride', 'shike', 'mdcs'])
def test_diffult_combination_on_the_oracle_proxy(method, cifar_root, tmp_path,
                                                 monkeypatch):
    cfg = _config(f'diffult+{method}_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    _on_the_oracle_proxy(cfg)
    runner = _train(cfg)
    dataset = runner.train_dataloader.dataset
    assert dataset.metainfo['class_counts'] == [20] * 10
    assert len(dataset) > dataset.num_real
    # The loss's prior is the class mass the omega-weighted loss sees,
    # n_real + omega n_syn, not the proxy's flat sizes.
    omega = dataset.synthetic_weight
    weighted = [r + omega * (20 - r) for r in dataset.real_counts]
    head = runner.model.head
    assert head.loss_module.class_counts.tolist() == pytest.approx(weighted)
    assert weighted[-1] < 20


def test_aglu_se_with_mixup_and_the_iif_correction(cifar_root, tmp_path,
                                                   monkeypatch):
    cfg = _config('baselines/aglu-se_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    runner = _train(cfg)
    assert runner.model.data_preprocessor.batch_augments is not None
    first, final = (_state(tmp_path / 'epoch_1.pth'),
                    _state(tmp_path / 'epoch_2.pth'))
    # The activations' lambda and kappa learn.
    assert _changed(first, final, 'backbone.stages.0.0.act1.')
    assert _changed(first, final, 'backbone.stages.2.4.se.gate.')
    head = runner.model.head
    counts = runner.train_dataloader.dataset.metainfo['class_counts']
    assert head.class_counts.tolist() == list(counts)
    assert head.posthoc_type == 'iif'


def test_diffult_aglu_se_keeps_mixup_with_mixed_weights(cifar_root, tmp_path,
                                                        monkeypatch):
    cfg = _config('diffult+aglu-se_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    _on_the_oracle_proxy(cfg)
    runner = _train(cfg)
    preprocessor = runner.model.data_preprocessor
    assert type(preprocessor).__name__ == 'SampleWeightedClsDataPreprocessor'
    assert preprocessor.batch_augments is not None
    dataset = runner.train_dataloader.dataset
    assert runner.model.head.class_counts.tolist() == pytest.approx(
        dataset.metainfo['weighted_class_counts'])


def test_diffult_refuses_mixup_that_drops_the_weights(cifar_root, tmp_path,
                                                      monkeypatch):
    cfg = _config('diffult+aglu-se_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    _on_the_oracle_proxy(cfg)
    cfg.data_preprocessor.type = 'ClsDataPreprocessor'
    with pytest.raises(ValueError, match='SampleWeightedClsDataPreprocessor'):
        Runner.from_cfg(cfg).train()
    assert not osp.exists(osp.join(cfg.work_dir, 'epoch_1.pth'))


def test_mdcs_two_views(cifar_root, tmp_path, monkeypatch):
    cfg = _config('baselines/mdcs_resnet32_cifar10lt.py', cifar_root,
                  tmp_path, monkeypatch)
    cfg.model.head.loss.consistency_warmup = 1
    runner = _train(cfg)
    loss = runner.model.head.loss_module
    assert loss.epoch == 1 and loss.consistency_factor() == 0.6
    assert type(runner.model.data_preprocessor).__name__ == \
        'MultiViewClsDataPreprocessor'
    assert _changed(_state(tmp_path / 'epoch_1.pth'),
                    _state(tmp_path / 'epoch_2.pth'), 'backbone.')


@pytest.mark.parametrize('name', ['baselines/deit-lt_vit-tiny-p4_cifar10lt',
                                  'diffult+deit-lt_vit-tiny-p4_cifar10lt'])
def test_deit_lt_distills_from_a_cnn_teacher(name, ce_checkpoint, cifar_root,
                                             tmp_path, monkeypatch):
    cfg = _config(f'{name}.py', cifar_root, tmp_path, monkeypatch)
    cfg.model.teacher_config = osp.join(
        ROOT, 'configs', 'baselines', 'ce_resnet32_cifar10lt.py')
    cfg.model.teacher_checkpoint = ce_checkpoint
    # Both phases: DRW (no Mixup, re-weighted distillation) from epoch 1.
    cfg.model.mixup_off_epoch = 1
    cfg.model.head.reweight_epoch = 1
    if name.startswith('diffult'):
        _on_the_oracle_proxy(cfg)
    runner = _train(cfg)
    model = runner.model
    assert model.data_preprocessor.batch_augments is None  # switched off
    assert model.head.epoch == 1
    for key in ('loss_cls', 'loss_dist'):
        assert torch.isfinite(torch.tensor(
            runner.message_hub.get_scalar(f'train/{key}').current()))
    # The student learns; the teacher is not part of its checkpoint.
    final = _state(tmp_path / 'epoch_2.pth')
    assert _changed(_state(tmp_path / 'epoch_1.pth'), final, 'head.')
    assert not any(k.startswith('teacher') for k in final)
