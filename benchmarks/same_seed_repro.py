"""Is a training run reproducible from its seed on this machine?

    python benchmarks/same_seed_repro.py                       # CE v2, seed 0
    python benchmarks/same_seed_repro.py --against \
        work_dirs/benchmarks/<arm>/seed0/phi0/<stamp>/<stamp>.log

Trains ``config`` (default: the CPU protocol v2's CE arm) ``--runs`` times
with the same seed for its first ``--iters`` iterations (then stops the run)
and compares the losses mmengine logged (the mean over each logging window,
4 decimals). ``--against`` adds an earlier run's mmengine log (for instance
the same recipe trained elsewhere, or as a pipeline stage) to the
comparison. One record goes to benchmarks/results/same_seed_repro.jsonl.

Why: the CPU protocol's arms differ by a few points while its CE recipe has
given 44.4 to 58.7 top-1 over four runs, two of them with the same config
and seed on two kinds of CPU (records in train_protocol.jsonl and
pipeline_stages.jsonl). If runs are identical on one machine, the seed fixes
the run there and the spread between machines is the recipe's sensitivity
to the last bits of the floating-point arithmetic (other CPU kernels), i.e.
run-to-run noise of the same size as a seed change.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import tempfile
from typing import List, Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
RECORDS = osp.join(ROOT, 'benchmarks', 'results', 'same_seed_repro.jsonl')
# mmengine's training log line: "Epoch(train) [e][i/n] ... loss: x".
TRAIN_LINE = re.compile(
    r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\].*?\sloss: ([0-9.]+)')


def logged_losses(lines, max_iters: Optional[int] = None) -> List[tuple]:
    """(global iteration, logged loss) of mmengine training log lines, up
    to ``max_iters``."""
    out = []
    for line in lines:
        match = TRAIN_LINE.search(line)
        if not match:
            continue
        epoch, it, per_epoch, loss = match.groups()
        step = (int(epoch) - 1) * int(per_epoch) + int(it)
        if max_iters is not None and step > max_iters:
            break
        out.append((step, float(loss)))
    return out


def train_prefix(config: str, seed: int, iters: int, work_dir: str,
                 options: List[str]) -> List[tuple]:
    """Train ``config`` until its log reaches ``iters``; the logged
    losses."""
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), config,
           '--work-dir', work_dir, '--cfg-options',
           f'randomness.seed={seed}', *options]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            losses = logged_losses(lines)
            if losses and losses[-1][0] >= iters:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    # Logging windows restart each epoch: the trace ends at the first logged
    # iteration at or past ``iters``.
    losses = logged_losses(lines)
    if not losses or losses[-1][0] < iters:
        tail = ''.join(lines[-20:])
        raise RuntimeError(f'{config} stopped before iteration {iters}:\n'
                           f'{tail}')
    return losses


def compare(traces: List[List[tuple]]) -> dict:
    """Largest difference of the logged losses at the iterations all traces
    share."""
    shared = set.intersection(*[{s for s, _ in t} for t in traces])
    if not shared:
        raise ValueError('the traces share no logged iteration.')
    values = [{s: v for s, v in t} for t in traces]
    diff = max(
        max(v[s] for v in values) - min(v[s] for v in values)
        for s in shared)
    return dict(iterations=sorted(shared), max_abs_diff=round(diff, 6),
                identical=diff == 0.0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--iters', type=int, default=60,
                        help='iterations per run (a multiple of the '
                        'logging interval)')
    parser.add_argument('--runs', type=int, default=2)
    parser.add_argument('--against', default=None,
                        help='an earlier mmengine log of the same config '
                        'and seed to compare with')
    parser.add_argument('--cfg-options', nargs='*', default=[])
    parser.add_argument('--records', default=RECORDS)
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.runs < 2 and not args.against):
        parser.error('--runs must be >= 2, or >= 1 with --against LOG.')
    if args.against and not osp.isfile(args.against):
        parser.error(f'--against: {args.against} does not exist.')
    from diffult_plugin.utils.machine import machine_name

    traces = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work_dir:
            print(f'run {run + 1}/{args.runs}: {args.config} seed '
                  f'{args.seed}, {args.iters} iterations', flush=True)
            traces.append(
                train_prefix(args.config, args.seed, args.iters, work_dir,
                             args.cfg_options))
    record = dict(
        benchmark='same_seed_repro',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine_name(),
        config=args.config,
        seed=args.seed,
        iters=args.iters,
        runs=[[v for _, v in t] for t in traces],
        same_machine=compare(traces) if len(traces) > 1 else None)
    if args.against:
        with open(args.against) as f:
            earlier = logged_losses(f, traces[0][-1][0])
        record['against'] = dict(
            log=osp.relpath(osp.abspath(args.against), ROOT),
            losses=[v for _, v in earlier],
            **compare([traces[0], earlier]))
    os.makedirs(osp.dirname(args.records), exist_ok=True)
    with open(args.records, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(json.dumps(record, indent=1))


if __name__ == '__main__':
    main()
