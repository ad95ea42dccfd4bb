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

Test-time corrections of trained checkpoints (benchmarks/posthoc_eval.py,
benchmarks/results/posthoc_eval.jsonl) are rows of their own,
``<run> + post-hoc <correction>``, with the seed read from the checkpoint's
``seed<k>`` folder: on short protocols "CE + post-hoc logit adjustment" is
the bar every long-tail method has to clear.
"""
import argparse
import json
import os.path as osp
import re
from collections import OrderedDict

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_RECORDS = osp.join(ROOT, 'benchmarks', 'results',
                           'train_protocol.jsonl')
DEFAULT_POSTHOC = osp.join(ROOT, 'benchmarks', 'results',
                           'posthoc_eval.jsonl')
METRICS = ('top1', 'many', 'medium', 'few', 'ece')


def _records(path: str):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}:{number} is not a JSON record '
                                 f'({error}); fix or delete that line.')
            if not record.get('invalid'):
                yield record


def _keep_latest(arms, name, seed, record):
    seeds = arms.setdefault(name, {})
    previous = seeds.get(seed)
    if previous is None or record['date'] >= previous['date']:
        seeds[seed] = record


def load_arms(path: str) -> 'OrderedDict[str, dict]':
    """{arm: {seed: latest valid record}}, arms in order of first
    appearance; records with an ``invalid`` reason are left out."""
    arms = OrderedDict()
    for record in _records(path):
        _keep_latest(arms, record['arm'], record['seed'], record)
    return arms


def load_posthoc(path: str) -> 'OrderedDict[str, dict]':
    """{'<run> + post-hoc <correction>': {seed: latest record}} of the
    corrected evaluations; the seed comes from the checkpoint's folder."""
    arms = OrderedDict()
    for record in _records(path):
        if record['correction'] == 'none':
            continue  # the run's own row already says it
        match = re.search(r'seed(\d+)', record['checkpoint'])
        if match is None:
            raise ValueError(
                f'{path}: checkpoint {record["checkpoint"]} is not in a '
                'seed<k> folder, so its seed is unknown; evaluate the '
                'checkpoints of benchmarks/train_protocol.py runs.')
        name = f'{record["run"]} + post-hoc {record["correction"]}'
        if record.get('prior', 'real') != 'real':
            name += f' ({record["prior"]} prior)'
        seed = int(match.group(1))
        _keep_latest(arms, name, seed, dict(record, seed=seed))
    return arms


def with_posthoc(arms, posthoc_path: str):
    """``arms`` followed by the post-hoc rows, when that file exists."""
    if posthoc_path and osp.exists(posthoc_path):
        arms.update(load_posthoc(posthoc_path))
    return arms


def summarise(records) -> dict:
    """Mean, std (ddof 1; None for one seed) and seeds of each metric."""
    walls = [r['wall_s'] for r in records if r.get('wall_s') is not None]
    out = dict(seeds=sorted(r['seed'] for r in records),
               wall_min=float(np.mean(walls)) / 60 if walls else None)
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


def _fmt(value, std=None, precision=2):
    if value is None:
        return '-'
    text = f'{value:.{precision}f}'
    return text if std is None else f'{text} ± {std:.{precision}f}'


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
            + f' | {_fmt(s["wall_min"], precision=1)} |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--records', default=DEFAULT_RECORDS)
    parser.add_argument('--posthoc', default=DEFAULT_POSTHOC,
                        help='posthoc_eval records to add as rows')
    parser.add_argument('--baseline',
                        default='ce_resnet32_cifar10lt-jpg_cpu-20e',
                        help='arm whose top-1 is 0 %% of the gap')
    parser.add_argument('--ceiling',
                        default='ce_resnet32_cifar10-jpg_cpu-20e',
                        help='arm whose top-1 is 100 %% of the gap')
    args = parser.parse_args()
    print(table(with_posthoc(load_arms(args.records), args.posthoc),
                args.baseline, args.ceiling))


if __name__ == '__main__':
    main()
