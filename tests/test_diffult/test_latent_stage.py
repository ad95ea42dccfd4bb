"""A latent generator's autoencoder trains as a pipeline stage, and its
checkpoint reaches the generator."""
import json
import os.path as osp

import torch
from mmengine.config import Config

from diffult_plugin.diffult import DiffuLTPipeline
from diffult_plugin.models.diffusion import FrozenAutoencoder
from tests.fixtures import TINY_UNET, make_cifar
from tests.test_models.test_diffusion.test_latent_autoencoder import TINY_AE

COMMON = '''
custom_imports = dict(imports=['diffult_plugin'], allow_failed_imports=False)
default_scope = 'mmpretrain'
train_set = dict(
    type='CIFAR10LT', data_root={root!r}, split='train', n_max=20,
    imbalance_factor=10, verify_md5=False, download=False,
    pipeline=[dict(type='PackInputs')])
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)
log_processor = dict(by_epoch=False)
train_dataloader = dict(
    batch_size=8, num_workers=0, dataset=train_set,
    sampler=dict(type='InfiniteSampler', shuffle=True))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
'''


def test_the_pipeline_trains_the_autoencoder_stage_first(tmp_path):
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)
    ae_config = str(tmp_path / 'ae.py')
    with open(ae_config, 'w') as f:
        f.write(COMMON.format(root=root) + f'''
model = dict(type='LatentAutoencoder', autoencoder={TINY_AE!r},
             image_size=32)
''')
    generator_config = str(tmp_path / 'generator.py')
    with open(generator_config, 'w') as f:
        f.write(COMMON.format(root=root) + f'''
model = dict(type='DiffuLTDiffusion', num_classes=10, unet={TINY_UNET!r},
             autoencoder=dict(config={ae_config!r}, checkpoint=None))
''')
    pipeline = DiffuLTPipeline(generator_config=generator_config,
                               filter=None)
    work_dir = str(tmp_path / 'stages')
    cfg = Config.fromfile(generator_config)
    cfg, options = pipeline._autoencoder(work_dir, cfg, {})
    done = json.load(open(osp.join(work_dir, 'autoencoder',
                                   'stage_done.json')))
    assert done['stage'] == 'autoencoder'
    # The trained checkpoint is handed to the generator (config and the
    # options its stage trains with).
    assert cfg.model.autoencoder.checkpoint == done['checkpoint']
    assert options['model.autoencoder.checkpoint'] == done['checkpoint']
    assert osp.basename(done['checkpoint']) == 'iter_2.pth'
    frozen = FrozenAutoencoder(ae_config, done['checkpoint'])
    # Trained: the latent statistics left their placeholder.
    assert int(frozen.model.stats_updates) == 2
    assert not torch.equal(frozen.model.latent_std, torch.ones(2))
    # A second call finds the stage done and trains nothing.
    again, _ = pipeline._autoencoder(work_dir, Config.fromfile(
        generator_config), {})
    assert again.model.autoencoder.checkpoint == done['checkpoint']
    # A given checkpoint is used as it is: no stage.
    given, options = pipeline._autoencoder(
        str(tmp_path / 'other'), cfg, {})
    assert options == {} and not osp.exists(str(tmp_path / 'other'))
