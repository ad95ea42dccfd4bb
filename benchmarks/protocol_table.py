"""Render the accuracy-protocol table from the train_protocol records.

    python benchmarks/protocol_table.py \
        --baseline ce_resnet32_cifar10lt-jpg_cpu-20e \
        --ceiling ce_resnet32_cifar10-jpg_cpu-20e

Reads benchmarks/results/train_protocol.jsonl (written by
benchmarks/train_protocol.py), keeps the latest record of each (arm, seed),
skips records marked ``"invalid": "<why>"`` (a run later found broken keeps
its line and says why, so the record stays honest), and prints one Markdown row per arm: mean +- std over its seeds of top-1,
many / medium / few and ECE, and the share of the baseline-to-ceiling top-1
gap the arm closes, ``(arm - baseline) / (ceiling - baseline)`` on the seed
means (issue 7's "gap closed"; '-' until the ceiling arm has a record).
"""
import argparse
import json
import os.path as osp
from collections import OrderedDict

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_RECORDS = osp.join(ROOT, 'benchmarks', 'results',
                           'train_protocol.jsonl')
METRICS = ('top1', 'many', 'medium', 'few', 'ece')


def load_arms(path: str) -> 'OrderedDict[str, dict]':
    """{arm: {seed: latest valid record}}, arms in order of first
    appearance; records with an ``invalid`` reason are left out."""
    arms = OrderedDict()
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}:{number} is not a JSON record '
                                 f'({error}); fix or delete that line.')
            if record.get('invalid'):
                continue
            seeds = arms.setdefault(record['arm'], {})
            previous = seeds.get(record['seed'])
            if previous is None or record['date'] >= previous['date']:
                seeds[record['seed']] = record
    return arms


def summarise(records) -> dict:
    """Mean, std (ddof 1; None for one seed) and seeds of each metric."""
    out = dict(seeds=sorted(r['seed'] for r in records),
               wall_min=float(np.mean([r['wall_s'] for r in records])) / 60)
    for key in METRICS:
        values = [r[key] for r in records if r.get(key) is not None]
        out[key] = (float(np.mean(values)) if values else None,
                    float(np.std(values, ddof=1)) if len(values) > 1 else None)
    return out


def gap_closed(arm: float, baseline: float, ceiling: float):
    """Share (%) of the baseline-to-ceiling gap an arm closes."""
    if ceiling is None or baseline is None or ceiling <= baseline:
        return None
    return 100.0 * (arm - baseline) / (ceiling - baseline)


def _fmt(value, std=None):
    if value is None:
        return '-'
    return f'{value:.2f}' if std is None else f'{value:.2f} ± {std:.2f}'


def table(arms, baseline: str, ceiling: str) -> str:
    summaries = OrderedDict(
        (name, summarise(list(seeds.values()))) for name, seeds in arms.items())
    if baseline not in summaries:
        raise ValueError(f'no record of the baseline arm {baseline!r} in the '
                         f'records; arms: {", ".join(summaries)}.')
    base_top1 = summaries[baseline]['top1'][0]
    ceil_top1 = summaries[ceiling]['top1'][0] if ceiling in summaries \
        else None
    lines = [
        '| arm | seeds | top-1 | many | medium | few | ECE | gap closed | '
        'wall (min) |', '|---|---|---|---|---|---|---|---|---|'
    ]
    for name, s in summaries.items():
        share = gap_closed(s['top1'][0], base_top1, ceil_top1)
        lines.append(
            f'| {name} | {",".join(map(str, s["seeds"]))} | '
            + ' | '.join(_fmt(*s[key]) for key in METRICS)
            + f' | {"-" if share is None else f"{share:.1f} %"}'
            + f' | {s["wall_min"]:.1f} |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--records', default=DEFAULT_RECORDS)
    parser.add_argument('--baseline',
                        default='ce_resnet32_cifar10lt-jpg_cpu-20e',
                        help='arm whose top-1 is 0 %% of the gap')
    parser.add_argument('--ceiling',
                        default='ce_resnet32_cifar10-jpg_cpu-20e',
                        help='arm whose top-1 is 100 %% of the gap')
    args = parser.parse_args()
    print(table(load_arms(args.records), args.baseline, args.ceiling))


if __name__ == '__main__':
    main()
