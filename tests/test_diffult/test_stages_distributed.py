"""A DiffuLT stage launched from a distributed run trains with DDP on every
rank, each on half of the config's global batch, and ends with the weights
one process gets from the whole batch."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests.fixtures import make_cifar

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# No batch statistics (LayerNorm, no dropout) and no augmentation: the
# gradient of a global batch is the mean of its samples', however the batch
# is split over ranks, so 2 ranks of 4 must match 1 process of 8.
STAGE = '''
custom_imports = dict(imports=['diffult_plugin'], allow_failed_imports=False)
default_scope = 'mmpretrain'
model = dict(
    type='ImageClassifier',
    backbone=dict(type='VisionTransformer',
                  arch=dict(embed_dims=16, num_layers=1, num_heads=2,
                            feedforward_channels=32),
                  img_size=32, patch_size=8),
    head=dict(type='VisionTransformerClsHead', num_classes=10,
              in_channels=16))
data_preprocessor = dict(num_classes=10, mean=[125.3, 123.0, 113.9],
                         std=[51.6, 50.8, 51.3])
train_dataloader = dict(
    batch_size=8, num_workers=0,
    dataset=dict(type='CIFAR10LT', data_root={root!r}, split='train',
                 n_max=20, imbalance_factor=10, verify_md5=False,
                 pipeline=[dict(type='PackInputs')]),
    sampler=dict(type='DefaultSampler', shuffle=True))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.5, momentum=0.9))
train_cfg = dict(by_epoch=True, max_epochs=1)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)
'''

# The run that launches the stage: one process, or each torchrun rank.
LAUNCH = '''
import sys
import torch.distributed as dist
from mmengine.logging import MMLogger
from diffult_plugin.diffult.stages import run_training_stage
if len(sys.argv) > 3:
    dist.init_process_group('gloo')
MMLogger.get_instance('stage-test')
print('CHECKPOINT', run_training_stage('phi0', sys.argv[1], sys.argv[2],
                                       poll_seconds=0.5))
'''


def _weights(checkpoint):
    return torch.load(checkpoint, map_location='cpu',
                      weights_only=False)['state_dict']


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='the CPU (gloo) path of the stage launch')
def test_two_ranks_train_a_stage_as_one_process_does(tmp_path):
    root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 2)
    config = str(tmp_path / 'stage.py')
    with open(config, 'w') as f:
        f.write(STAGE.format(root=root))
    launch = str(tmp_path / 'launch.py')
    with open(launch, 'w') as f:
        f.write(LAUNCH)
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join(
                   [ROOT] + [p for p in [os.environ.get('PYTHONPATH')]
                             if p]))
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_PORT'):
        env.pop(key, None)
    one = subprocess.run(
        [sys.executable, launch, config, str(tmp_path / 'one')],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, (one.stdout + one.stderr)[-3000:]
    two = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run',
         '--nproc_per_node=2', '--master_port=29531', launch, config,
         str(tmp_path / 'two'), 'distributed'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = two.stdout + two.stderr
    assert two.returncode == 0, output[-4000:]
    # Both ranks return the checkpoint rank 0 recorded.
    reported = [line.split()[-1] for line in output.splitlines()
                if line.startswith('CHECKPOINT')]
    assert len(reported) == 2 and reported[0] == reported[1]
    assert 'on 2 ranks' in output
    logs = open(next(
        osp.join(dp, f) for dp, _, fs in os.walk(tmp_path / 'two')
        for f in fs if f.endswith('.log'))).read()
    assert 'Distributed training: True' in logs
    # 78 images in global batches of 8 (4 per rank): 10 iterations, as one
    # process makes.
    assert 'Epoch(train) [1][10/10]' in logs
    single = _weights(osp.join(tmp_path / 'one', 'epoch_1.pth'))
    split = _weights(reported[0])
    assert single.keys() == split.keys()
    for key in single:
        assert torch.allclose(single[key], split[key], atol=1e-5), key
    # The batch was split: the ranks' loaders had 4 images each.
    assert 'batch_size=4' in logs or "'batch_size': 4" in logs
