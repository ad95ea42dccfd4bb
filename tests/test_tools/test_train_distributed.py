"""tools/train.py --launcher pytorch on a machine without a GPU: two gloo
ranks train one model, each on its half of every global batch."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests.fixtures import make_cifar
from tests.test_tools.test_train_test import CONFIG, ROOT, _options


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='the CPU path of the launcher')
def test_two_cpu_ranks_train_one_model(tmp_path):
    data_root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 4)
    work_dir = str(tmp_path / 'ddp')
    env = dict(os.environ, DIFFULT_CIFAR_ROOT=data_root, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         '--master_port=29517', 'tools/train.py', CONFIG, '--launcher',
         'pytorch', '--work-dir', work_dir, '--cfg-options'] + _options(1) +
        ['train_dataloader.batch_size=8'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    # One run on two ranks: 78 training images in global batches of 2 x 8
    # make 5 iterations per epoch (one rank with batch 8 would make 10);
    # rank 0 wrote the one checkpoint and the results.
    [log] = glob.glob(osp.join(work_dir, '*', '*.log'))
    text = open(log).read()
    assert 'Distributed training: True' in text
    assert 'Epoch(train) [1][5/5]' in text
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    [results] = glob.glob(osp.join(work_dir, '*', 'lt_results.jsonl'))
    with open(results) as f:
        assert len([json.loads(line) for line in f]) == 1
