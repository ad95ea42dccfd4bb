"""Peak memory of the synthesis stage as the number of generated images
grows: tools/synthesize.py on the CPU DiffuLT config with trained phi0 and
generator checkpoints, for several targets N_t (more slots to fill), each in
a fresh process whose peak resident set size is read back.

    export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
    python benchmarks/synthesis_memory.py \\
        --phi0-checkpoint work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/phi0/epoch_10.pth \\
        --generator-checkpoint work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/generator/iter_750.pth \\
        --targets 300 600 1000 --num-steps 5

The bank streams shard by shard to disk, so the peak should not grow with
the number of images. Appends records to
benchmarks/results/synthesis_memory.jsonl and prints a Markdown table.
"""
import argparse
import datetime
import json
import os.path as osp
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks.train_protocol import machine  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/diffult_resnet32_cifar10lt-jpg_cpu.py'
# Runs the command and prints its peak RSS (KiB on Linux).
PEAK = ('import resource, subprocess, sys; '
        'subprocess.run(sys.argv[1:], check=True); '
        'print("PEAK_KIB", resource.getrusage('
        'resource.RUSAGE_CHILDREN).ru_maxrss)')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--generator-checkpoint', required=True)
    parser.add_argument('--targets', type=int, nargs='+',
                        default=[300, 600, 1000])
    parser.add_argument('--num-steps', type=int, default=5)
    args = parser.parse_args()
    rows = []
    for target in args.targets:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [
                sys.executable, osp.join(ROOT, 'tools', 'synthesize.py'),
                CONFIG, '--work-dir', tmp, '--bank-dir',
                osp.join(tmp, 'bank'), '--phi0-checkpoint',
                args.phi0_checkpoint, '--generator-checkpoint',
                args.generator_checkpoint, '--cfg-options',
                f'train_dataloader.dataset.target={target}',
                f'custom_hooks.0.num_steps={args.num_steps}'
            ]
            start = time.time()
            out = subprocess.run([sys.executable, '-c', PEAK] + cmd,
                                 cwd=ROOT, check=True, capture_output=True,
                                 text=True).stdout
            wall = time.time() - start
            peak = int(out.rsplit('PEAK_KIB', 1)[1].split()[0])
            with open(osp.join(tmp, 'bank', 'manifest.json')) as f:
                manifest = json.load(f)
            images = sum(manifest['slots_per_class'])
        record = dict(
            benchmark='synthesis_memory',
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine(), config=CONFIG, target=target,
            num_steps=args.num_steps, images=images,
            peak_rss_mib=round(peak / 1024, 1), wall_s=round(wall, 1))
        rows.append(record)
        out_path = osp.join(ROOT, 'benchmarks', 'results',
                            'synthesis_memory.jsonl')
        with open(out_path, 'a') as f:
            f.write(json.dumps(record) + '\n')
        print(json.dumps(record), flush=True)
    print('| N_t | images | peak RSS (MiB) | wall (s) |\n|---|---|---|---|')
    for r in rows:
        print(f"| {r['target']} | {r['images']} | {r['peak_rss_mib']} | "
              f"{r['wall_s']} |")


if __name__ == '__main__':
    main()
