"""Train a config with several seeds through tools/train.py, time each run
and record its final long-tail results.

    python benchmarks/train_protocol.py \
        configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py --seeds 0 1

Each run goes to work_dirs/benchmarks/<config>/seed<k>; the script appends
one JSON record per run to benchmarks/results/train_protocol.jsonl and prints
a Markdown table (mean +- std over seeds).

``--resume`` continues a run that was stopped (a killed session, a reboot)
from the last checkpoint in its work dir, so an arm longer than one sitting
still finishes. Its wall time is the sum of all attempts: each attempt keeps
its elapsed time in ``<work_dir>/protocol_attempts.json`` (rewritten every
``--tick`` seconds, atomically), and the record says how many attempts ran.
A finished run leaves ``protocol_done.json`` and is not resumed again.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import threading
import time
from typing import List

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# Run as a script, the repository root is not on the path; the stage records
# (benchmarks/stage_results.py) are imported from it.
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def machine() -> str:
    """The machine of a record (one definition, in the package)."""
    from diffult_plugin.utils.machine import machine_name
    return machine_name()


def final_results(work_dir: str):
    files = sorted(glob.glob(osp.join(work_dir, '*', 'lt_results.json')),
                   key=osp.getmtime)
    if not files:
        return None
    with open(files[-1]) as f:
        return json.load(f)


def ece_of(work_dir: str):
    """The last validation ECE from mmengine's scalars log."""
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')), key=osp.getmtime)
    ece = None
    for path in files[-1:]:
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'calibration/ece' in record:
                    ece = record['calibration/ece']
    return ece


ATTEMPTS = 'protocol_attempts.json'
DONE = 'protocol_done.json'


def _write_json(path: str, data) -> None:
    """Write through a temporary file so a kill never leaves half a file."""
    from diffult_plugin.utils.atomic_io import atomic_write_json
    atomic_write_json(path, data)


def load_attempts(work_dir: str) -> List[float]:
    path = osp.join(work_dir, ATTEMPTS)
    if not osp.exists(path):
        return []
    with open(path) as f:
        return [float(s) for s in json.load(f)]


class AttemptClock:
    """Keeps the elapsed time of this attempt in the work dir while a run
    goes on, after the attempts before it.

    A run stopped for a while (``kill -STOP`` on its process group, to free
    the cores) stops this clock's thread too; a gap between two ticks longer
    than twice the tick is taken as such a pause and left out of the time.

    Args:
        work_dir (str): the run's work dir.
        tick (float): seconds between two writes.
    """

    def __init__(self, work_dir: str, tick: float = 30.0):
        self.path = osp.join(work_dir, ATTEMPTS)
        self.before = load_attempts(work_dir)
        self.tick = tick
        self.start = time.time()
        self.paused = 0.0
        self._last_tick = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def note_tick(self, now: float) -> None:
        """Counts the part of a late tick's delay beyond one tick as paused
        when the tick is more than a whole tick late."""
        late = now - self._last_tick - self.tick
        if late > self.tick:
            self.paused += late
        self._last_tick = now

    def elapsed(self, now: float) -> float:
        return now - self.start - self.paused

    def _save(self) -> None:
        _write_json(self.path, self.before + [self.elapsed(time.time())])

    def _loop(self) -> None:
        while not self._stop.wait(self.tick):
            self.note_tick(time.time())
            self._save()

    def __enter__(self):
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        self._save()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.note_tick(time.time())
        self._save()

    @property
    def attempts(self) -> List[float]:
        return load_attempts(osp.dirname(self.path))


def train_command(config: str, work_dir: str, seed: int,
                  cfg_options: List[str], resume: bool) -> List[str]:
    """The tools/train.py command of one run; with ``resume`` it continues
    from the work dir's last checkpoint when there is one."""
    done = osp.join(work_dir, DONE)
    if resume and osp.exists(done):
        raise SystemExit(
            f'{work_dir} holds a finished run ({DONE}); its record is in '
            'benchmarks/results/train_protocol.jsonl. Move that work dir '
            'away to run it again.')
    cmd = [
        sys.executable,
        osp.join(ROOT, 'tools', 'train.py'), config, '--work-dir', work_dir
    ]
    if resume and osp.exists(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    return cmd + ['--cfg-options', f'randomness.seed={seed}'] + cfg_options


def protocol_of(config: str) -> str:
    """The CPU protocol a config belongs to: its ``cpu_protocol`` variable
    (set by the v2 schedule base), 'v1' for the configs that predate it."""
    from mmengine.config import Config
    return str(Config.fromfile(config).get('cpu_protocol', 'v1'))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--cfg-options', nargs='*', default=[])
    parser.add_argument('--tag', default=None,
                        help='name of the arm (default: config name)')
    parser.add_argument('--resume', action='store_true',
                        help='continue a stopped run from its last '
                        'checkpoint')
    parser.add_argument('--tick', type=float, default=30.0,
                        help='seconds between two saves of the elapsed '
                        'time')
    args = parser.parse_args()
    name = args.tag or osp.splitext(osp.basename(args.config))[0]
    protocol = protocol_of(args.config)
    out_dir = osp.join(ROOT, 'benchmarks', 'results')
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for seed in args.seeds:
        work_dir = osp.join(ROOT, 'work_dirs', 'benchmarks', name,
                            f'seed{seed}')
        cmd = train_command(args.config, work_dir, seed, args.cfg_options,
                            args.resume)
        if not args.resume:
            # A fresh run does not add the time of an earlier one.
            for stale in (ATTEMPTS, DONE):
                if osp.exists(osp.join(work_dir, stale)):
                    os.remove(osp.join(work_dir, stale))
        print('+', ' '.join(cmd), flush=True)
        with AttemptClock(work_dir, args.tick) as clock:
            subprocess.run(cmd, cwd=ROOT, check=True)
        attempts = clock.attempts
        wall = sum(attempts)
        result = final_results(work_dir)
        record = dict(
            benchmark='train_protocol',
            arm=name,
            protocol=protocol,
            config=args.config,
            cfg_options=args.cfg_options,
            seed=seed,
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine(),
            # Runs side by side with OMP_NUM_THREADS=1 share the cores.
            omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
            wall_s=round(wall, 1),
            attempts=len(attempts),
            epoch=result['epoch'],
            top1=result['top1'],
            many=result['many'],
            medium=result['medium'],
            few=result['few'],
            ece=ece_of(work_dir),
            per_class=result['per_class'],
            # Training iterations at the last validation: arms on the same
            # schedule differ in it only through the size of their set.
            iterations=result.get('iter'),
            train_class_counts=result.get('train_class_counts'),
            work_dir=osp.relpath(work_dir, ROOT))
        with open(osp.join(out_dir, 'train_protocol.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')
        _write_json(osp.join(work_dir, DONE), dict(date=record['date']))
        # A DiffuLT run's own phi0 and filter split, beside the arm's record.
        from benchmarks.stage_results import append_record
        append_record(work_dir)
        rows.append(record)

    def fmt(key):
        values = [r[key] for r in rows if r[key] is not None]
        if not values:
            return '-'
        if len(values) == 1:
            return f'{values[0]:.2f}'
        return f'{np.mean(values):.2f} +- {np.std(values, ddof=1):.2f}'

    print('| arm | seeds | top1 | many | medium | few | ECE | wall (min) |')
    print('|---|---|---|---|---|---|---|---|')
    print(f'| {name} | {len(rows)} | {fmt("top1")} | {fmt("many")} | '
          f'{fmt("medium")} | {fmt("few")} | {fmt("ece")} | '
          f'{np.mean([r["wall_s"] for r in rows]) / 60:.1f} |')


if __name__ == '__main__':
    main()
