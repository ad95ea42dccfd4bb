"""Does meta-information help, and does the model still work without it?
CIFAR-10-LT IF100 with SIMULATED metadata (benchmarks/simulated_metadata.py:
CIFAR has none; each class is given its own place and season).

    python benchmarks/metadata_fusion.py                  # every arm, seed 0
    python benchmarks/metadata_fusion.py --arms metafg metafg-meta --seeds 0 1 2
    python benchmarks/metadata_fusion.py --dry-run

Arms (configs/metaformer/), each against its vision-only pair on the same
schedule:

- ``resnet32-metafusion``: ResNet-32 + MetaFusionClsHead on the CPU protocol
  v2 schedule; its pair is the CPU protocol's CE arm (its records in
  benchmarks/results/train_protocol.jsonl, run by benchmarks/cpu_protocol.py);
- ``metafg`` / ``metafg-meta``: MetaFormer's hybrid backbone at CPU size
  without / with meta tokens (AdamW, 30 epochs);
- ``diffult+resnet32-metafusion``: the fusion model on the DiffuLT proxy of
  the CPU protocol's DiffuLT arm (its stages; synthetic samples carry no
  metadata).

Each run trains through benchmarks/train_protocol.py (its record in
train_protocol.jsonl, protocol 'v2-simulated-meta'), then is tested again
with every sample's metadata masked (a metadata file without rows and
``allow_missing=True``): the accuracy the model keeps without metadata, which
MetaFormer's masking schedule is there to preserve. One record per run in
benchmarks/results/metadata_fusion.jsonl.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cpu_protocol import V2_STAGES  # noqa: E402
from benchmarks.simulated_metadata import \
    write_simulated_metadata  # noqa: E402
from benchmarks.train_protocol import machine  # noqa: E402

CONFIGS = 'configs/metaformer'
ARMS = {
    'resnet32-metafusion':
    (f'{CONFIGS}/resnet32-metafusion_cifar10lt-jpg-simmeta_cpu.py', ()),
    'metafg': (f'{CONFIGS}/metafg-tiny_cifar10lt-jpg_cpu.py', ()),
    'metafg-meta': (f'{CONFIGS}/metafg-tiny_cifar10lt-jpg-simmeta_cpu.py',
                    ()),
    'diffult+resnet32-metafusion':
    (f'{CONFIGS}/diffult+resnet32-metafusion_cifar10lt-jpg-simmeta_cpu.py',
     (f'custom_hooks.0.stages_dir={V2_STAGES}', )),
}
META = 'work_dirs/simulated_meta/cifar10-jpg.csv'
NO_ROWS = 'work_dirs/simulated_meta/no-rows.csv'
RECORDS = osp.join(ROOT, 'benchmarks', 'results', 'metadata_fusion.jsonl')


def tag_of(arm: str) -> str:
    return f'simmeta_{arm}'


def train(arm: str, seed: int, env: dict) -> dict:
    config, options = ARMS[arm]
    cmd = [sys.executable, osp.join(ROOT, 'benchmarks', 'train_protocol.py'),
           config, '--seeds', str(seed), '--tag', tag_of(arm), '--resume',
           '--cfg-options', 'default_hooks.checkpoint.interval=1', *options]
    print('+', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    with open(osp.join(ROOT, 'benchmarks', 'results',
                       'train_protocol.jsonl')) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r for r in records
            if r['arm'] == tag_of(arm) and r['seed'] == seed][-1]


def test_without_metadata(arm: str, seed: int, record: dict,
                          env: dict) -> float:
    """Top-1 of the run's last checkpoint with every sample's metadata
    masked."""
    work_dir = osp.join(ROOT, record['work_dir'])
    checkpoint = osp.join(work_dir, 'epoch_30.pth')
    if not osp.exists(checkpoint):
        checkpoint = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')),
                            key=osp.getmtime)[-1]
    out = osp.join(work_dir, 'test_without_metadata')
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'test.py'),
           ARMS[arm][0], checkpoint, '--work-dir', out, '--cfg-options',
           'test_dataloader.dataset.allow_missing=True']
    print('+', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=dict(env, DIFFULT_SIM_META=osp.join(
        ROOT, NO_ROWS)), check=True)
    logs = sorted(glob.glob(osp.join(out, '*', '2*.json')),
                  key=osp.getmtime)
    with open(logs[-1]) as f:
        return json.load(f)['long_tail/top1']


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--arms', nargs='+', default=list(ARMS),
                        choices=list(ARMS))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--dry-run', action='store_true')
    args = parser.parse_args()
    root = os.environ.get('DIFFULT_CIFAR10_JPG')
    if not root:
        raise SystemExit('DIFFULT_CIFAR10_JPG is not set: point it at the '
                         'CIFAR-10 JPEG folder (README, "Data").')
    for arm in args.arms:
        for seed in args.seeds:
            print(f'{arm} seed {seed}: {ARMS[arm][0]}')
    if args.dry_run:
        return
    meta = osp.join(ROOT, META)
    if not osp.exists(meta):
        print(f'{write_simulated_metadata(root, meta)} rows -> {meta}')
    with open(osp.join(ROOT, NO_ROWS), 'w') as f:
        f.write('image,latitude,longitude,month\n')
    env = dict(os.environ, DIFFULT_SIM_META=meta)
    for arm in args.arms:
        for seed in args.seeds:
            record = train(arm, seed, env)
            masked = test_without_metadata(arm, seed, record, env) \
                if arm != 'metafg' else None
            row = dict(benchmark='metadata_fusion', arm=arm, seed=seed,
                       config=ARMS[arm][0], simulated_metadata=True,
                       top1=record['top1'], few=record['few'],
                       top1_without_metadata=masked,
                       date=datetime.datetime.now().isoformat(
                           timespec='seconds'),
                       machine=machine(), wall_s=record['wall_s'])
            with open(RECORDS, 'a') as f:
                f.write(json.dumps(row) + '\n')
            print(json.dumps(row), flush=True)


if __name__ == '__main__':
    main()
