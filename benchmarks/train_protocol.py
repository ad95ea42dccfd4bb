"""Train a config with several seeds through tools/train.py, time each run
and record its final long-tail results.

    python benchmarks/train_protocol.py \
        configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py --seeds 0 1

Each run goes to work_dirs/benchmarks/<config>/seed<k>; the script appends
one JSON record per run to benchmarks/results/train_protocol.jsonl and prints
a Markdown table (mean +- std over seeds).
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return f'{cpu}, {os.cpu_count()} cores'


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--cfg-options', nargs='*', default=[])
    parser.add_argument('--tag', default=None,
                        help='name of the arm (default: config name)')
    args = parser.parse_args()
    name = args.tag or osp.splitext(osp.basename(args.config))[0]
    out_dir = osp.join(ROOT, 'benchmarks', 'results')
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for seed in args.seeds:
        work_dir = osp.join(ROOT, 'work_dirs', 'benchmarks', name,
                            f'seed{seed}')
        start = time.time()
        cmd = [
            sys.executable,
            osp.join(ROOT, 'tools', 'train.py'), args.config, '--work-dir',
            work_dir, '--cfg-options', f'randomness.seed={seed}'
        ] + args.cfg_options
        print('+', ' '.join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)
        wall = time.time() - start
        result = final_results(work_dir)
        record = dict(
            benchmark='train_protocol',
            arm=name,
            config=args.config,
            cfg_options=args.cfg_options,
            seed=seed,
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine(),
            # Runs side by side with OMP_NUM_THREADS=1 share the cores.
            omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
            wall_s=round(wall, 1),
            epoch=result['epoch'],
            top1=result['top1'],
            many=result['many'],
            medium=result['medium'],
            few=result['few'],
            ece=ece_of(work_dir),
            per_class=result['per_class'],
            work_dir=osp.relpath(work_dir, ROOT))
        with open(osp.join(out_dir, 'train_protocol.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')
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
