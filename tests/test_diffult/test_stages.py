"""The stage runner: resume from what is readable, children that die with
their parent, and failure messages that only promise what helps."""
import json
import os
import os.path as osp
import subprocess
import sys
import time

import pytest
import torch

from diffult_plugin.diffult.stages import (resume_checkpoint,
                                           run_training_stage)
from diffult_plugin.utils.safe_loading import (check_checkpoint,
                                               readable_checkpoint)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _save(path):
    torch.save(dict(state_dict=dict(w=torch.ones(3))), path)
    return path


def test_a_truncated_or_empty_checkpoint_is_not_readable(tmp_path):
    good = _save(str(tmp_path / 'epoch_1.pth'))
    assert readable_checkpoint(good)
    with open(good, 'rb') as f:
        data = f.read()
    truncated = str(tmp_path / 'epoch_2.pth')
    with open(truncated, 'wb') as f:
        f.write(data[:len(data) // 2])
    empty = str(tmp_path / 'epoch_3.pth')
    open(empty, 'wb').close()
    assert not readable_checkpoint(truncated)
    assert not readable_checkpoint(empty)
    assert not readable_checkpoint(str(tmp_path / 'missing.pth'))
    # Loading one names the file and the setting (torch says EOFError).
    with pytest.raises(ValueError, match='phi0 checkpoint: .*epoch_3.pth is '
                       'not a complete checkpoint'):
        check_checkpoint(empty, 'phi0 checkpoint')
    with pytest.raises(FileNotFoundError, match='missing.pth does not'):
        check_checkpoint(str(tmp_path / 'missing.pth'))
    assert check_checkpoint(good) == good


@pytest.mark.parametrize('named', ['', 'epoch_2.pth', 'gone.pth'])
def test_resume_falls_back_to_the_newest_readable_checkpoint(tmp_path, named):
    older = _save(str(tmp_path / 'epoch_1.pth'))
    broken = tmp_path / 'epoch_2.pth'
    broken.write_bytes(b'')  # what a kill during saving leaves
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text(str(tmp_path / named) if named else '')
    assert resume_checkpoint(str(tmp_path)) == older
    # mmengine resumes from what last_checkpoint names: it was rewritten.
    assert pointer.read_text() == older


def test_resume_starts_over_when_nothing_is_readable(tmp_path):
    (tmp_path / 'epoch_1.pth').write_bytes(b'\x00' * 10)
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text(str(tmp_path / 'epoch_1.pth'))
    assert resume_checkpoint(str(tmp_path)) is None
    assert not pointer.exists()
    assert resume_checkpoint(str(tmp_path)) is None  # no pointer at all


def test_a_good_pointer_is_kept(tmp_path):
    good = _save(str(tmp_path / 'epoch_3.pth'))
    (tmp_path / 'last_checkpoint').write_text(good)
    assert resume_checkpoint(str(tmp_path)) == good


def _alive(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='the parent-death signal is Linux only')
def test_a_stage_child_dies_with_its_killed_parent():
    parent = subprocess.Popen(
        [sys.executable, '-c',
         'import subprocess, sys, time\n'
         'from diffult_plugin.diffult.stages import child_process_kwargs\n'
         'child = subprocess.Popen([sys.executable, "-c", '
         '"import time; time.sleep(120)"], **child_process_kwargs())\n'
         'print(child.pid, flush=True)\n'
         'time.sleep(120)\n'],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()  # SIGKILL: no handler of the parent runs
    parent.wait()
    deadline = time.time() + 10
    while _alive(child) and time.time() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


def test_a_stage_that_wrote_no_checkpoint_does_not_promise_a_resume(
        tmp_path):
    config = tmp_path / 'broken.py'
    config.write_text("model = dict(type='NoSuchModel')\n")
    with pytest.raises(RuntimeError) as error:
        run_training_stage('phi0', str(config), str(tmp_path / 'phi0'))
    message = str(error.value)
    assert 'wrote no checkpoint' in message
    assert 'resumes' not in message
    assert osp.isfile(tmp_path / 'phi0' / 'stage_failed.json')
    # The folder is marked as a stage (not a run of the leaderboard).
    assert osp.isfile(tmp_path / 'phi0' / 'stage.json')


def _hold_lock(folder):
    """A live process that holds the lock of ``folder``."""
    # The same flock on <folder>/.lock that folder_lock takes (without
    # importing the package: the holder starts in a fraction of a second).
    os.makedirs(folder, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, '-c',
         'import fcntl, os, sys, time\n'
         'fd = os.open(os.path.join(sys.argv[1], ".lock"), '
         'os.O_RDWR | os.O_CREAT)\n'
         'fcntl.flock(fd, fcntl.LOCK_EX)\n'
         'print("locked", flush=True)\n'
         'time.sleep(60)\n', folder],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == 'locked'
    return holder


def test_a_second_writer_of_a_stage_folder_is_refused(tmp_path):
    from diffult_plugin.utils.folder_lock import FolderBusyError
    folder = str(tmp_path / 'phi0')
    holder = _hold_lock(folder)
    try:
        with pytest.raises(FolderBusyError, match='another run is writing'):
            run_training_stage('phi0', str(tmp_path / 'any.py'), folder)
        # Nothing of the holder's folder was touched.
        assert os.listdir(folder) == ['.lock']
    finally:
        holder.kill()
        holder.wait()
    # Its death released the lock: the next run gets it (and fails on its
    # missing config, not on the lock).
    with pytest.raises(RuntimeError, match='wrote no checkpoint'):
        run_training_stage('phi0', str(tmp_path / 'any.py'), folder)


def test_a_second_writer_of_a_bank_is_refused(tmp_path):
    from diffult_plugin.utils.folder_lock import FolderBusyError
    from tests.test_diffult.test_bank.test_builder import _builder
    bank_dir = str(tmp_path / 'bank')
    holder = _hold_lock(bank_dir)
    try:
        with pytest.raises(FolderBusyError, match='synthetic bank'):
            _builder(bank_dir).build()
    finally:
        holder.kill()
        holder.wait()
    bank = _builder(bank_dir).build()
    # A complete bank is read without the lock, even while one is held.
    holder = _hold_lock(bank_dir)
    try:
        assert len(_builder(bank_dir).build()) == len(bank)
    finally:
        holder.kill()
        holder.wait()


def test_a_stage_continues_from_a_checkpoint_only_before_it_started(
        tmp_path):
    from diffult_plugin.diffult.stages import CONTINUED, continue_stage_from
    from diffult_plugin.utils.atomic_io import sha256_file
    source = _save(str(tmp_path / 'iter_4.pth'))
    folder = tmp_path / 'generator'
    assert continue_stage_from(str(folder), source)
    copied = str(folder / 'iter_4.pth')
    # A copy the stage resumes from (mmengine reads last_checkpoint).
    assert (folder / 'last_checkpoint').read_text() == copied
    assert resume_checkpoint(str(folder)) == copied
    assert sha256_file(copied) == sha256_file(source)
    provenance = json.loads((folder / CONTINUED).read_text())
    assert provenance == dict(checkpoint=source, sha256=sha256_file(source))
    assert not [p for p in os.listdir(folder) if '.tmp-' in p]
    # The folder has a run of its own now (a later checkpoint): it goes on
    # from there, the source is not copied over it again.
    later = _save(str(folder / 'iter_6.pth'))
    (folder / 'last_checkpoint').write_text(later)
    assert not continue_stage_from(str(folder), source)
    assert (folder / 'last_checkpoint').read_text() == later
