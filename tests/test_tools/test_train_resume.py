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
    command = ['tools/train.py', CONFIG, '--cfg-options'] + _options(2)
    reference = str(tmp_path / 'reference')
    _run(command[:2] + ['--work-dir', reference] + command[2:], data_root)
    stopped = str(tmp_path / 'stopped')
    _run(command[:2] + ['--work-dir', stopped] + command[2:], data_root)
    # What a kill during epoch 2 leaves: epoch 1 saved, epoch 2 not.
    final = osp.join(stopped, 'epoch_2.pth')
    with open(final, 'wb') as f:
        f.truncate(0)
    with open(osp.join(stopped, 'last_checkpoint'), 'w') as f:
        f.write(final)  # written before the kill, now dangling
    log = _run(command[:2] + ['--work-dir', stopped] + command[2:],
               data_root)
    assert 'resuming from' in log and 'epoch_1.pth' in log
    assert 'random state restored' in log
    ours, theirs = _weights(final), _weights(
        osp.join(reference, 'epoch_2.pth'))
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert torch.equal(ours[key], theirs[key]), key


def test_checkpoints_of_another_config_are_not_overwritten(data_root,
                                                           tmp_path):
    work_dir = str(tmp_path / 'run')
    _run(['tools/train.py', CONFIG, '--work-dir', work_dir,
          '--cfg-options'] + _options(1), data_root)
    before = _weights(osp.join(work_dir, 'epoch_1.pth'))
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir', work_dir,
         '--cfg-options'] + _options(1) + ['model.backbone.depth=32'],
        cwd=ROOT, env=dict(os.environ, DIFFULT_CIFAR_ROOT=data_root),
        capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert 'another config' in proc.stderr + proc.stdout
    after = _weights(osp.join(work_dir, 'epoch_1.pth'))
    assert all(torch.equal(before[k], after[k]) for k in before)
