"""tools/train.py on a generator config end to end (subprocess): a tiny UNet
trains on generated CIFAR-10 files with L_CBDM and L_AID, validates with the
phi0 metric and writes a sample grid, saves EMA checkpoints and resumes."""
import glob
import os.path as osp

import pytest
import torch

from tests.fixtures import make_cifar, make_phi0
from tests.test_tools.test_train_test import ROOT, _run

CONFIG = osp.join(ROOT, 'configs/diffusion/diffult-ddpm_unet_cifar10lt.py')


def _options(phi0_config, phi0_checkpoint, max_iters):
    data = ['verify_md5=False', 'n_max=20', 'download=False']
    opts = [
        'model.unet=tiny', f'model.aid.phi0_config={phi0_config}',
        f'model.aid.phi0_checkpoint={phi0_checkpoint}',
        f'val_evaluator.phi0_config={phi0_config}',
        f'val_evaluator.phi0_checkpoint={phi0_checkpoint}',
        'model.sample_cfg.num_steps=2', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=0', 'val_dataloader.batch_size=10',
        'val_dataloader.dataset.per_class=2',
        f'train_cfg.max_iters={max_iters}', 'train_cfg.val_interval=4',
        'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1',
        'custom_hooks.2.num_steps=2', 'custom_hooks.2.per_class=2'
    ]
    for prefix in ('train_dataloader.dataset', 'model.aid.real_dataset',
                   'val_evaluator.real_dataset'):
        opts += [f'{prefix}.{d}' for d in data]
    return opts


@pytest.fixture(scope='module')
def generator_run(tmp_path_factory):
    data_root = make_cifar(str(tmp_path_factory.mktemp('cifar')), 10, 20, 2)
    phi0_config, phi0_ckpt = make_phi0(str(tmp_path_factory.mktemp('phi0')))
    work_dir = str(tmp_path_factory.mktemp('gen'))
    log = _run(['tools/train.py', CONFIG, '--work-dir', work_dir,
                '--cfg-options'] + _options(phi0_config, phi0_ckpt, 4),
               data_root)
    return data_root, phi0_config, phi0_ckpt, work_dir, log


def test_generator_trains_validates_and_draws(generator_run):
    _, _, _, work_dir, log = generator_run
    for key in ('loss_ddpm', 'loss_cbdm', 'loss_aid', 'gen/fd',
                'gen/fd_class_mean', 'gen/phi0_agreement'):
        assert key in log, key
    # The generator trains on the real set: its prior is the class counts.
    assert "TrainClassCountsHook: metainfo['class_counts']" in log
    assert osp.isfile(osp.join(work_dir, 'samples', 'iter_4.png'))
    ckpt = torch.load(osp.join(work_dir, 'iter_4.pth'), weights_only=True)
    # mmengine's EMAHook keeps the averaged weights beside the raw ones.
    assert int(ckpt['ema_state_dict']['steps']) == 4
    assert 'module.class_embedding.weight' in ckpt['ema_state_dict']
    # d_f statistics travel with the checkpoint
    assert float(ckpt['state_dict']['aid_d_f_global']) > 0


def test_generator_resumes(generator_run, tmp_path):
    data_root, phi0_config, phi0_ckpt, work_dir, _ = generator_run
    log = _run([
        'tools/train.py', CONFIG, '--work-dir',
        str(tmp_path), '--resume',
        osp.join(work_dir, 'iter_2.pth'), '--cfg-options'
    ] + _options(phi0_config, phi0_ckpt, 6), data_root)
    assert 'resumed epoch: 0, iter: 2' in log
    assert 'L_AID: phi0 features' not in log  # d_f restored, not recomputed
    assert glob.glob(str(tmp_path / 'iter_6.pth'))
