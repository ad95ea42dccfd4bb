"""CPU protocol v2: every arm's config keeps the one schedule, batch,
augmentation and test set, and the schedule gives the learning rates of a
30-epoch cosine."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim.scheduler import CosineAnnealingLR

from benchmarks.cpu_protocol import ARMS, V2

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SCHEDULE = osp.join(ROOT, 'configs', '_base_', 'schedules',
                    'cpu-protocol-v2_sgd_30e_cosine.py')
CONFIGS = sorted(glob.glob(osp.join(ROOT, V2, '*.py')))
CE = osp.join(ROOT, V2, 'ce_resnet32_cifar10lt-jpg.py')


def _plain(value):
    return value.to_dict() if hasattr(value, 'to_dict') else value


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_every_arm_keeps_the_protocol(path):
    schedule = Config.fromfile(SCHEDULE)
    ce = Config.fromfile(CE)
    cfg = Config.fromfile(path)
    assert cfg.cpu_protocol == 'v2'
    assert _plain(cfg.optim_wrapper) == _plain(schedule.optim_wrapper)
    assert [_plain(s) for s in cfg.param_scheduler] == [
        _plain(s) for s in schedule.param_scheduler]
    assert cfg.train_cfg.max_epochs == schedule.cpu_protocol_epochs
    assert cfg.train_dataloader.batch_size == 128
    # The real images go through the same augmentation in every arm.
    real = cfg.train_dataloader.dataset
    while real.type == 'DiffuLTDataset':
        real = real.dataset
    assert real.type == 'LongTailDataset'
    pipeline = [_plain(t) for t in real.dataset.pipeline]
    ce_pipeline = [
        _plain(t) for t in ce.train_dataloader.dataset.dataset.pipeline]
    views = [t for t in pipeline if t['type'] == 'MultiView']
    if views:
        # MDCS's weak view is the protocol's augmentation; its strong view
        # (the method's own) adds to it.
        (view, ) = views
        pipeline = [t for t in pipeline if t['type'] != 'MultiView']
        weak, strong = view['transforms']
        assert strong[:len(weak)] == weak
        pipeline[1:1] = weak
    assert pipeline == ce_pipeline
    assert _plain(cfg.val_dataloader.dataset) == _plain(
        ce.val_dataloader.dataset)
    # ResNet-32 everywhere; methods change only what defines them (RIDE's
    # experts, AGLU's activations).
    assert cfg.model.backbone.depth == 32


def test_every_v2_arm_is_a_protocol_config():
    names = {osp.relpath(p, ROOT) for p in CONFIGS}
    assert {arm.config for arm in ARMS.values()} <= names
    assert {'ce', 'balanced-softmax', 'diffult-control', 'diffult-oracle',
            'diffult', 'ceiling'} <= set(ARMS)
    for name in ('ce', 'balanced-softmax', 'diffult-control',
                 'diffult-oracle', 'diffult'):
        assert len(ARMS[name].seeds) >= 3, name


def test_schedule_is_a_cosine_over_thirty_epochs_per_iteration():
    schedule = Config.fromfile(SCHEDULE)
    (sched_cfg, ) = schedule.param_scheduler
    iters_per_epoch = 10
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)],
                                lr=0.1)
    args = {k: v for k, v in sched_cfg.items()
            if k not in ('type', 'convert_to_iter_based')}
    assert sched_cfg.convert_to_iter_based
    scheduler = CosineAnnealingLR.build_iter_from_epoch(
        optimizer, epoch_length=iters_per_epoch, **args)
    total = 30 * iters_per_epoch
    lrs = []
    for _ in range(total):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    # 0.1 * (1 + cos(pi * t / T)) / 2 at iteration t.
    for t in (0, 75, 150, 225, 299):
        assert lrs[t] == pytest.approx(
            0.05 * (1 + math.cos(math.pi * t / total)), abs=1e-9)
    assert lrs[150] == pytest.approx(0.05)


def test_combinations_train_on_the_latent_arms_proxy():
    """Every v2 combination uses the latent DiffuLT arm's synthesis stages
    (same hook settings, so its phi0, generator and bank are reused from
    that arm's seed-0 folder, which the protocol runner points them at)."""
    latent = Config.fromfile(osp.join(ROOT, ARMS['diffult-latent'].config))
    (latent_hook, _) = latent.custom_hooks
    assert latent_hook.generator_config.endswith(
        'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py')
    assert latent_hook.guidance_scale == 8.0
    names = [n for n in ARMS if n.startswith('diffult+')]
    assert len(names) == 4
    for name in names:
        arm = ARMS[name]
        cfg = Config.fromfile(osp.join(ROOT, arm.config))
        hook = cfg.custom_hooks[0]
        assert _plain(hook) == _plain(latent_hook), name
        assert _plain(cfg.train_dataloader.dataset) == dict(
            _plain(latent.train_dataloader.dataset),
            dataset=_plain(cfg.train_dataloader.dataset.dataset)), name
        assert arm.needs == ('diffult-latent', )
        assert arm.options == (
            'custom_hooks.0.stages_dir=work_dirs/benchmarks/'
            f'{ARMS["diffult-latent"].tag}/seed0', )


def test_latent_w4_arm_changes_only_the_guidance_scale():
    """The w = 4 arm is the latent arm with its bank sampled at w = 4: the
    same generator stages (the latent arm's seed-0 folder), a bank folder of
    its own shared by its classifier seeds, nothing else changed."""
    latent = Config.fromfile(osp.join(ROOT, ARMS['diffult-latent'].config))
    arm = ARMS['diffult-latent-w4']
    cfg = Config.fromfile(osp.join(ROOT, arm.config))
    hook, counts = cfg.custom_hooks
    assert hook.guidance_scale == 4.0
    assert dict(_plain(hook), guidance_scale=8.0) == _plain(
        latent.custom_hooks[0])
    assert _plain(counts) == _plain(latent.custom_hooks[1])
    for key in ('model', 'train_dataloader', 'val_dataloader',
                'optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert _plain(cfg[key]) == _plain(latent[key]), key
    assert arm.seeds == (0, 1, 2)
    assert arm.needs == ('diffult-latent', )
    assert not arm.reuse_seed0_stages and not arm.own_bank
    stages = f'work_dirs/benchmarks/{ARMS["diffult-latent"].tag}/seed0'
    assert arm.options == (
        f'custom_hooks.0.stages_dir={stages}',
        f'custom_hooks.0.bank_dir=work_dirs/benchmarks/{arm.tag}/bank')


def test_gen2x_arm_continues_the_latent_arms_generator_to_twice_its_length():
    """The gen2x arm trains only the generator longer: it continues the
    latent arm's seed-0 generator (its last checkpoint) on that run's
    autoencoder and phi0 (their last checkpoints), to twice the iterations;
    sampler, guidance, filter and classifier stay the latent arm's."""
    latent = Config.fromfile(osp.join(ROOT, ARMS['diffult-latent'].config))
    arm = ARMS['diffult-latent-gen2x']
    cfg = Config.fromfile(osp.join(ROOT, arm.config))
    hook = _plain(cfg.custom_hooks[0])
    base = _plain(latent.custom_hooks[0])
    iters = latent.diffult_latent_iters
    assert cfg.diffult_generator_iters == 2 * iters
    stages = f'work_dirs/benchmarks/{ARMS["diffult-latent"].tag}/seed0'
    ce = Config.fromfile(CE)
    autoencoder = Config.fromfile(osp.join(
        ROOT, 'configs', 'autoencoder',
        'latent-ae-tiny-f4_cifar10lt-jpg_cpu.py'))
    assert hook.pop('phi0_checkpoint') == (
        f'{stages}/phi0/epoch_{ce.train_cfg.max_epochs}.pth')
    assert hook.pop('generator_resume_from') == (
        f'{stages}/generator/iter_{iters}.pth')
    options = hook.pop('generator_cfg_options')
    assert options.pop('model.autoencoder.checkpoint') == (
        f'{stages}/autoencoder/iter_{autoencoder.train_cfg.max_iters}.pth')
    base_options = base.pop('generator_cfg_options')
    # The latent arm trains its autoencoder as a stage (None).
    assert base_options.pop('model.autoencoder.checkpoint') is None
    assert options == dict(base_options,
                           **{'train_cfg.max_iters': 2 * iters,
                              'train_cfg.val_interval': 2 * iters})
    base.pop('phi0_checkpoint')
    assert hook == base
    assert _plain(cfg.custom_hooks[1]) == _plain(latent.custom_hooks[1])
    for key in ('model', 'train_dataloader', 'optim_wrapper', 'train_cfg'):
        assert _plain(cfg[key]) == _plain(latent[key]), key
    assert arm.seeds == (0, 1, 2) and arm.reuse_seed0_stages
    assert arm.needs == ('diffult-latent', )
