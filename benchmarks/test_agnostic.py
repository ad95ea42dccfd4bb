"""The CPU protocol's checkpoints on SADE's shifted test distributions.

    python benchmarks/test_agnostic.py --arms ce diffult-control diffult

For each (arm, seed) with a finished run under work_dirs/benchmarks/, runs
``tools/test.py --test-distributions`` once (one pass over the test set;
forward / backward long-tailed IF 2-50 and uniform; the model's own
prediction, the training prior removed, and the test prior (oracle)). The
training prior is the one the model was trained with: the real long-tailed
counts for a model of the long-tailed set, the omega-weighted counts
``n_real + omega n_syn`` for a model of a DiffuLT proxy (what its loss
saw). One JSON record per run is appended to
benchmarks/results/test_agnostic.jsonl; the table at the end (top-1) comes
from the records.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cpu_protocol import ARMS, WORK  # noqa: E402
from benchmarks.train_protocol import machine  # noqa: E402

RECORDS = osp.join(ROOT, 'benchmarks', 'results', 'test_agnostic.jsonl')
#: Columns of the summary table.
COLUMNS = ('forward50', 'forward10', 'uniform', 'backward10', 'backward50')


def training_prior(config: str) -> list:
    """The class counts the model's loss saw: the proxy's omega-weighted
    counts on a DiffuLT proxy, else the long-tailed set's counts."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS

    import diffult_plugin  # noqa: F401  registers the datasets
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    meta = DATASETS.build(cfg.train_dataloader.dataset).metainfo
    counts = meta.get('weighted_class_counts') or meta['class_counts']
    return [float(c) for c in counts]


def checkpoint_of(work_dir: str) -> str:
    with open(osp.join(ROOT, work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def evaluate(arm: str, seed: int) -> dict:
    config = ARMS[arm].config
    work_dir = f'{WORK}/{ARMS[arm].tag}/seed{seed}'
    checkpoint = checkpoint_of(work_dir)
    prior = training_prior(osp.join(ROOT, config))
    out = osp.join(ROOT, WORK, 'test_agnostic', f'{ARMS[arm].tag}_seed{seed}')
    command = [
        sys.executable, osp.join(ROOT, 'tools', 'test.py'), config,
        checkpoint, '--work-dir', out, '--test-distributions',
        '--train-class-counts'
    ] + [f'{c:g}' for c in prior]
    subprocess.run(command, cwd=ROOT, check=True)
    with open(osp.join(out, 'test_agnostic.json')) as f:
        result = json.load(f)
    return dict(
        benchmark='test_agnostic', arm=ARMS[arm].tag, seed=seed,
        config=config, checkpoint=checkpoint, training_prior=prior,
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(), metrics=result['metrics'])


def load_records(path: str = RECORDS) -> list:
    from diffult_plugin.leaderboard.stats import read_records
    return read_records(path)


def table(records: list) -> str:
    """Top-1 per arm and prior handling (latest record of each arm and
    seed; seeds averaged)."""
    latest = {}
    for record in records:
        latest[(record['arm'], record['seed'])] = record
    rows = {}
    for (arm, _), record in sorted(latest.items()):
        for mode in ('none', 'train', 'test'):
            values = [record['metrics'].get(
                f'test_agnostic/{d}/{mode}/top1') for d in COLUMNS]
            rows.setdefault((arm, mode), []).append(values)
    lines = ['| arm | prior | ' + ' | '.join(COLUMNS) + ' | seeds |',
             '|---|---|' + '---:|' * (len(COLUMNS) + 1)]
    for (arm, mode), runs in rows.items():
        cells = []
        for column in zip(*runs):
            column = [v for v in column if v is not None]
            cells.append(f'{sum(column) / len(column):.2f}' if column else '')
        lines.append(f'| {arm} | {mode} | ' + ' | '.join(cells) +
                     f' | {len(runs)} |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--arms', nargs='+', default=['ce'],
                        help=f'CPU protocol v2 arms ({", ".join(ARMS)})')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--table-only', action='store_true')
    args = parser.parse_args()
    if not args.table_only:
        if not os.environ.get('DIFFULT_CIFAR10_JPG'):
            raise SystemExit('DIFFULT_CIFAR10_JPG is not set: point it at '
                             'the CIFAR-10 JPEG folder (README, "Data").')
        for arm in args.arms:
            if arm not in ARMS:
                raise SystemExit(f'unknown arm {arm}; known: {list(ARMS)}')
            for seed in args.seeds:
                record = evaluate(arm, seed)
                with open(RECORDS, 'a') as f:
                    f.write(json.dumps(record) + '\n')
    print(table(load_records()))


if __name__ == '__main__':
    main()
