"""Train a generator config through tools/train.py and record how its
validation metrics (phi0-FD, per-class FD, CAS) move over training.

    DIFFULT_PHI0_CHECKPOINT=... python benchmarks/generator_training.py \
        configs/diffusion/diffult-tiny_unet_cifar10lt-jpg_cpu.py

Appends a record to benchmarks/results/generator_training.jsonl and prints a
Markdown table (one row per validation).
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks.train_protocol import machine  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def validation_history(work_dir: str) -> list:
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')), key=osp.getmtime)
    rows = []
    for path in files:
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'gen/fd' in record:
                    rows.append({
                        k: record[k]
                        for k in ('step', 'gen/fd', 'gen/fd_class_mean',
                                  'gen/phi0_agreement', 'gen/cas')
                        if k in record
                    })
                    # Logs from before the rename call it 'gen/cas'.
                    if 'gen/cas' in rows[-1]:
                        rows[-1]['gen/phi0_agreement'] = rows[-1].pop(
                            'gen/cas')
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('--work-dir', default=None)
    parser.add_argument('--cfg-options', nargs='*', default=[])
    args = parser.parse_args()
    name = osp.splitext(osp.basename(args.config))[0]
    work_dir = args.work_dir or osp.join(ROOT, 'work_dirs', 'benchmarks',
                                         name)
    cmd = [
        sys.executable,
        osp.join(ROOT, 'tools', 'train.py'), args.config, '--work-dir',
        work_dir
    ]
    if args.cfg_options:
        cmd += ['--cfg-options'] + args.cfg_options
    print('+', ' '.join(cmd), flush=True)
    start = time.time()
    subprocess.run(cmd, cwd=ROOT, check=True)
    wall = time.time() - start
    history = validation_history(work_dir)
    record = dict(
        benchmark='generator_training',
        config=args.config,
        cfg_options=args.cfg_options,
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(),
        # Runs side by side with OMP_NUM_THREADS=1 share the cores.
        omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
        wall_s=round(wall, 1),
        phi0_checkpoint=os.environ.get('DIFFULT_PHI0_CHECKPOINT'),
        history=history,
        work_dir=osp.relpath(work_dir, ROOT))
    out = osp.join(ROOT, 'benchmarks', 'results')
    os.makedirs(out, exist_ok=True)
    with open(osp.join(out, 'generator_training.jsonl'), 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(f'wall time {wall / 60:.1f} min')
    print('| iteration | phi0-FD | per-class FD (mean) | phi0 agreement '
          '(%) |')
    print('|---|---|---|---|')
    for row in history:
        print(f"| {row['step']} | {row['gen/fd']:.2f} | "
              f"{row.get('gen/fd_class_mean', float('nan')):.2f} | "
              f"{row.get('gen/phi0_agreement', float('nan')):.1f} |")


if __name__ == '__main__':
    main()
