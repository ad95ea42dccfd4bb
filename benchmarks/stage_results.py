"""What the stages of a DiffuLT protocol run reached: phi0's accuracy and
the filter's split, as records.

    python benchmarks/stage_results.py \
        work_dirs/benchmarks/cpu-v2_diffult-latent_resnet32_cifar10lt-jpg/seed0

A DiffuLT run trains its own phi0 (a CE classifier on the long-tailed set)
unless one is given, and its filter judges every candidate by phi0's
features, so phi0's accuracy belongs next to the arm's. For each run folder
(``<work_dirs>/benchmarks/<arm>/seed<k>``) with stages, one record goes to
benchmarks/results/pipeline_stages.jsonl: phi0's last validation (top-1,
many / medium / few, per class; from its ``lt_results.json``) when the
run trained it, the filter's ID / AID / OOD counts and the accepted and
slot counts (``synthesis/filter_stats.json``), and which stages are done.
benchmarks/train_protocol.py writes the same record after each run.
"""
import argparse
import datetime
import glob
import json
import os.path as osp
import re
import sys
from typing import Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

RECORDS = osp.join(ROOT, 'benchmarks', 'results', 'pipeline_stages.jsonl')
STAGES = ('phi0', 'autoencoder', 'generator', 'bank')


def _latest(pattern: str) -> Optional[str]:
    files = sorted(glob.glob(pattern), key=osp.getmtime)
    return files[-1] if files else None


def stage_results(work_dir: str) -> Optional[dict]:
    """The stages' results of one run folder, or None when it has none."""
    done = [s for s in STAGES
            if osp.exists(osp.join(work_dir, s, 'stage_done.json'))]
    phi0_path = _latest(osp.join(work_dir, 'phi0', '*', 'lt_results.json'))
    filter_path = osp.join(work_dir, 'synthesis', 'filter_stats.json')
    if not done and phi0_path is None and not osp.exists(filter_path):
        return None
    out = dict(stages_done=done)
    if phi0_path is not None:
        with open(phi0_path) as f:
            phi0 = json.load(f)
        out['phi0'] = {k: phi0.get(k) for k in
                       ('epoch', 'top1', 'many', 'medium', 'few',
                        'per_class', 'train_class_counts')}
    if osp.exists(filter_path):
        with open(filter_path) as f:
            totals = json.load(f)['totals']
        out['filter'] = {k: totals[k] for k in
                         ('slots', 'generated', 'accepted', 'categories',
                          'filled_with_rejected')}
    return out


def record_of(work_dir: str) -> Optional[dict]:
    """The record of a run folder ``.../<arm>/seed<k>`` (None: no stages)."""
    results = stage_results(work_dir)
    if results is None:
        return None
    from benchmarks.train_protocol import machine
    work_dir = osp.abspath(work_dir)
    match = re.fullmatch(r'seed(\d+)', osp.basename(work_dir))
    return dict(
        benchmark='pipeline_stages',
        arm=osp.basename(osp.dirname(work_dir)),
        seed=int(match.group(1)) if match else None,
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(),
        work_dir=osp.relpath(work_dir, ROOT),
        **results)


def _already_recorded(record: dict, path: str) -> bool:
    """Whether ``record`` says nothing new: it trained no stage and
    ``path`` already holds the same filter split for the same arm (a seed
    that reused another run's bank)."""
    if record['stages_done'] or 'phi0' in record or not osp.exists(path):
        return False
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            other = json.loads(line)
            if other.get('arm') == record['arm'] and other.get(
                    'filter') == record.get('filter'):
                return True
    return False


def append_record(work_dir: str, path: str = RECORDS) -> Optional[dict]:
    """Append the record of a run folder; returns it, or None when the folder
    has no stages or its record repeats one the file holds (a seed that
    reused another run's stages and bank)."""
    record = record_of(work_dir)
    if record is None or _already_recorded(record, path):
        return None
    with open(path, 'a') as f:
        f.write(json.dumps(record) + '\n')
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('work_dirs', nargs='+',
                        help='run folders <arm>/seed<k>')
    parser.add_argument('--out', default=RECORDS)
    args = parser.parse_args()
    for work_dir in args.work_dirs:
        record = append_record(work_dir, args.out)
        if record is None:
            print(f'{work_dir}: no stages, or the same as a record in '
                  f'{args.out}')
            continue
        phi0 = record.get('phi0') or {}
        split = (record.get('filter') or {}).get('categories')
        print(f"{record['arm']} seed {record['seed']}: stages "
              f"{record['stages_done']}, phi0 top-1 {phi0.get('top1')}, "
              f'filter {split}')


if __name__ == '__main__':
    main()
