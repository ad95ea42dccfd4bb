import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from benchmarks import train_protocol
from benchmarks.train_protocol import (ATTEMPTS, DONE, AttemptClock,
                                       load_attempts, train_command)


def test_resume_only_continues_a_stopped_run(tmp_path):
    work_dir = str(tmp_path / 'seed0')
    os.makedirs(work_dir)
    fresh = train_command('cfg.py', work_dir, 0, ['a=1'], resume=True)
    assert '--resume' not in fresh  # nothing to continue from yet
    assert fresh[-2:] == ['randomness.seed=0', 'a=1']
    (tmp_path / 'seed0' / 'last_checkpoint').write_text('epoch_5.pth')
    assert '--resume' in train_command('cfg.py', work_dir, 0, [], True)
    assert '--resume' not in train_command('cfg.py', work_dir, 0, [], False)
    (tmp_path / 'seed0' / DONE).write_text('{}')
    with pytest.raises(SystemExit, match='finished run'):
        train_command('cfg.py', work_dir, 0, [], resume=True)


def test_clock_adds_this_attempt_to_the_earlier_ones(tmp_path):
    work_dir = str(tmp_path)
    (tmp_path / ATTEMPTS).write_text(json.dumps([100.0]))
    with AttemptClock(work_dir, tick=0.01) as clock:
        # The running attempt is on disk already (a kill keeps it).
        assert len(load_attempts(work_dir)) == 2
    attempts = clock.attempts
    assert attempts[0] == 100.0 and 0.0 <= attempts[1] < 60.0
    assert not osp.exists(osp.join(work_dir, ATTEMPTS + '.tmp'))


def test_clock_leaves_out_a_pause_between_ticks(tmp_path):
    clock = AttemptClock(str(tmp_path), tick=10.0)
    start = clock.start
    clock.note_tick(start + 10.5)  # on time
    clock.note_tick(start + 25.0)  # late, but by less than a tick
    assert clock.paused == 0.0
    clock.note_tick(start + 25.0 + 10.0 + 300.0)  # stopped for 300 s
    assert clock.paused == pytest.approx(300.0)
    assert clock.elapsed(start + 345.0) == pytest.approx(45.0)


def _fake_training(kill_first: bool):
    """A stand-in for tools/train.py: the first call saves a checkpoint and
    dies when ``kill_first``; a call that finishes writes lt_results.json."""
    calls = []
    real_run = subprocess.run

    def run(cmd, **kwargs):
        if '--work-dir' not in cmd:  # platform's own calls
            return real_run(cmd, **kwargs)
        calls.append(cmd)
        work_dir = cmd[cmd.index('--work-dir') + 1]
        os.makedirs(work_dir, exist_ok=True)
        with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
            f.write('epoch_1.pth')
        if kill_first and len(calls) == 1:
            raise subprocess.CalledProcessError(-9, cmd)
        os.makedirs(osp.join(work_dir, 'run'), exist_ok=True)
        with open(osp.join(work_dir, 'run', 'lt_results.json'), 'w') as f:
            json.dump(dict(epoch=2, iter=194, top1=50.0, many=60.0,
                           medium=20.0, few=None, per_class=[50.0] * 10,
                           train_class_counts=[100] * 5 + [10] * 5), f)

    return run, calls


def test_a_killed_run_resumes_and_is_recorded_once(tmp_path, monkeypatch):
    monkeypatch.setattr(train_protocol, 'ROOT', str(tmp_path))
    fake, calls = _fake_training(kill_first=True)
    monkeypatch.setattr(train_protocol.subprocess, 'run', fake)
    config = tmp_path / 'cfg.py'
    config.write_text("cpu_protocol = 'v2'\n")
    argv = ['train_protocol.py', str(config), '--tag', 'arm', '--tick',
            '0.01']
    monkeypatch.setattr(sys, 'argv', argv)
    with pytest.raises(subprocess.CalledProcessError):
        train_protocol.main()
    records = tmp_path / 'benchmarks' / 'results' / 'train_protocol.jsonl'
    assert not records.exists()
    monkeypatch.setattr(sys, 'argv', argv + ['--resume'])
    train_protocol.main()
    assert '--resume' not in calls[0] and '--resume' in calls[1]
    (record, ) = [json.loads(line) for line in records.read_text().splitlines()]
    assert record['attempts'] == 2 and record['top1'] == 50.0
    # The record says its protocol, its iterations and the training counts.
    assert record['protocol'] == 'v2' and record['iterations'] == 194
    assert record['train_class_counts'] == [100] * 5 + [10] * 5
    work_dir = tmp_path / 'work_dirs' / 'benchmarks' / 'arm' / 'seed0'
    assert record['wall_s'] == pytest.approx(
        sum(load_attempts(str(work_dir))), abs=0.1)
    # Finished: resuming again would re-record the same run.
    with pytest.raises(SystemExit, match='finished run'):
        train_protocol.main()
    # A fresh run starts its clock again.
    monkeypatch.setattr(sys, 'argv', argv)
    train_protocol.main()
    assert json.loads(records.read_text().splitlines()[-1])['attempts'] == 1


def test_configs_without_a_protocol_are_v1(tmp_path):
    config = tmp_path / 'old.py'
    config.write_text('x = 1\n')
    assert train_protocol.protocol_of(str(config)) == 'v1'
