"""Crash-safe writes: temporaries of live writers survive the clean-up, and
a failed write names its file."""
import errno
import os
import subprocess
import sys

import pytest

from diffult_plugin.utils import atomic_io
from diffult_plugin.utils.atomic_io import (atomic_write_bytes,
                                            remove_stale_temporaries)


def test_only_temporaries_of_dead_writers_are_removed(tmp_path):
    live = subprocess.Popen([sys.executable, '-c',
                             'import time; time.sleep(30)'])
    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    try:
        (tmp_path / f'a.npy.tmp-{live.pid}').write_bytes(b'x')
        (tmp_path / f'b.npy.tmp-{dead.pid}').write_bytes(b'x')
        (tmp_path / 'c.json').write_bytes(b'{}')
        assert remove_stale_temporaries(str(tmp_path)) == 1
        assert sorted(os.listdir(tmp_path)) == [
            'a.npy.tmp-%d' % live.pid, 'c.json']
    finally:
        live.kill()
        live.wait()


def test_a_full_disk_names_the_file_and_leaves_no_temporary(tmp_path,
                                                             monkeypatch):
    target = tmp_path / 'shard.npy'
    target.write_bytes(b'old')

    def full(fd):
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(atomic_io.os, 'fsync', full)
    with pytest.raises(OSError) as error:
        atomic_write_bytes(str(target), b'new')
    assert str(target) in str(error.value)
    assert 'disk is full' in str(error.value)
    assert error.value.errno == errno.ENOSPC
    assert target.read_bytes() == b'old'  # the old file is intact
    assert os.listdir(tmp_path) == ['shard.npy']
