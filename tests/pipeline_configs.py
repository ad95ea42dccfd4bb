"""Tiny DiffuLT pipeline configs (phi0, generator, classifier) written into a
test folder, over generated CIFAR-10 files."""
import os
import os.path as osp

COMMON = '''
custom_imports = dict(imports=['diffult_plugin'], allow_failed_imports=False)
default_scope = 'mmpretrain'
data_root = {data_root!r}
train_set = dict(
    type='CIFAR10LT', data_root=data_root, split='train', n_max=20,
    imbalance_factor=10, verify_md5=False, download=False,
    pipeline=[dict(type='RandomFlip', prob=0.5, direction='horizontal'),
              dict(type='PackInputs')])
data_preprocessor = dict(
    num_classes=10, mean=[125.3, 123.0, 113.9], std=[51.6, 50.8, 51.3])
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)
'''

PHI0 = COMMON + '''
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
train_dataloader = dict(
    batch_size=16, num_workers=0, dataset=train_set,
    sampler=dict(type='DefaultSampler', shuffle=True))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
train_cfg = dict(by_epoch=True, max_epochs=1)
'''

GENERATOR = COMMON + '''
data_preprocessor = dict(type='DiffusionDataPreprocessor')
model = dict(
    type='DiffuLTDiffusion', num_classes=10,
    unet=dict(block_out_channels=(8, 16), layers_per_block=1,
              down_block_types=('DownBlock2D', 'AttnDownBlock2D'),
              up_block_types=('AttnUpBlock2D', 'UpBlock2D'),
              norm_num_groups=4, attention_head_dim=8),
    aid=dict(phi0_config=None, phi0_checkpoint=None,
             real_dataset=dict(train_set, pipeline=[dict(type='PackInputs')])))
train_dataloader = dict(
    batch_size=8, num_workers=0, dataset=train_set,
    sampler=dict(type='InfiniteSampler', shuffle=True))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=3)
custom_hooks = [dict(type='EMAHook', momentum=0.5),
                dict(type='TrainClassCountsHook')]
default_hooks['checkpoint'] = dict(
    type='CheckpointHook', by_epoch=False, interval=3)
log_processor = dict(by_epoch=False)
'''

CLASSIFIER = COMMON + '''
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='WeightedLinearClsHead', num_classes=10, in_channels=64))
train_dataloader = dict(
    batch_size=16, num_workers={num_workers},
    dataset=dict(type='DiffuLTDataset', dataset=train_set, target='max',
                 synthetic_weight=0.3),
    sampler=dict(type='DefaultSampler', shuffle=True))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
train_cfg = dict(by_epoch=True, max_epochs=2)
custom_hooks = [
    dict(type='DiffuLTSynthesisHook',
         phi0_config={phi0!r},
         generator_config={generator!r},
         sampler='ddim', num_steps=2, sample_batch_size=16, shard_size=8,
         filter=dict(type='DiffuLTFilter', keep=('ID', 'AID'))),
    dict(type='TrainClassCountsHook'),
]
'''


def write_pipeline_configs(folder: str, data_root: str,
                           num_workers: int = 0) -> str:
    """Write phi0.py, generator.py and diffult.py; returns diffult.py."""
    os.makedirs(folder, exist_ok=True)
    phi0 = osp.join(folder, 'phi0.py')
    generator = osp.join(folder, 'generator.py')
    main = osp.join(folder, 'diffult.py')
    with open(phi0, 'w') as f:
        f.write(PHI0.format(data_root=data_root))
    with open(generator, 'w') as f:
        f.write(GENERATOR.format(data_root=data_root))
    with open(main, 'w') as f:
        f.write(
            CLASSIFIER.format(data_root=data_root, phi0=phi0,
                              generator=generator, num_workers=num_workers))
    return main
