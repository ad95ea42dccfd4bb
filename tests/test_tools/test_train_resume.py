"""tools/train.py: the same command continues a stopped run, to the same
weights as an uninterrupted one; another config's checkpoints are never
overwritten."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests.fixtures import make_cifar
from tests.test_tools.test_train_test import CONFIG, ROOT, _options, _run


def _weights(path):
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('cifar')), 10, 20, 4)


def test_a_killed_run_rerun_by_the_same_command_ends_the_same(
        data_root, tmp_path):
    command = ['tools/train.py', CONFIG, '--work-dir', str(tmp_path / 'run'),
               '--cfg-options'] + _options(2)
    _run(command, data_root)
    final = str(tmp_path / 'run' / 'epoch_2.pth')
    uninterrupted = _weights(final)
    # What a kill during epoch 2 leaves: epoch 1 saved, epoch 2 not.
    with open(final, 'wb') as f:
        f.truncate(0)
    with open(str(tmp_path / 'run' / 'last_checkpoint'), 'w') as f:
        f.write(final)  # written before the kill, now dangling
    log = _run(command, data_root)
    assert 'resuming from' in log and 'epoch_1.pth' in log
    assert 'random state restored' in log
    resumed = _weights(final)
    assert resumed.keys() == uninterrupted.keys()
    for key in resumed:
        assert torch.equal(resumed[key], uninterrupted[key]), key

    # Another config's run in the same work dir is refused, nothing is
    # overwritten.
    proc = subprocess.run(
        [sys.executable] + command + ['model.backbone.depth=32'], cwd=ROOT,
        env=dict(os.environ, DIFFULT_CIFAR_ROOT=data_root),
        capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert 'another config' in proc.stderr + proc.stdout
    after = _weights(final)
    assert all(torch.equal(resumed[k], after[k]) for k in resumed)
