"""Render the accuracy-protocol table from the train_protocol records.

    python benchmarks/protocol_table.py                 # CPU protocol v2
    python benchmarks/protocol_table.py --protocol v1   # the first protocol

Reads benchmarks/results/train_protocol.jsonl (written by
benchmarks/train_protocol.py), keeps the latest record of each (arm, seed),
skips records marked ``"invalid": "<why>"`` (a run later found broken keeps
its line and says why, so the record stays honest), and prints one Markdown row per arm: mean +- std over its seeds of top-1,
many / medium / few and ECE, and the share of the baseline-to-ceiling top-1
gap the arm closes, ``(arm - baseline) / (ceiling - baseline)`` on the seed
means ('-' until the ceiling arm has a record), and the top-1 and tail gain
over the oversampling control (v2: the arm that has the DiffuLT proxy's
size, omega and iterations with copies of real images in its slots).
"tail" is the mean accuracy of the three classes with the fewest training
images (CIFAR-10-LT has no class under 20 images, so "few" is empty there);
"iterations" are the training steps at the last validation. Records carry
their protocol (``protocol``; records from before v2 are v1) and only the
chosen protocol's records are shown.

Test-time corrections of trained checkpoints (benchmarks/posthoc_eval.py,
benchmarks/results/posthoc_eval.jsonl) are rows of their own,
``<run> + post-hoc <correction>``, with the seed read from the checkpoint's
``seed<k>`` folder: on short protocols "CE + post-hoc logit adjustment" is
the bar every long-tail method has to clear.
"""
import argparse
import os.path as osp
import re
from collections import OrderedDict
from typing import Optional

import numpy as np

from diffult_plugin.leaderboard.stats import (format_value, mean_std,
                                              read_records)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_RECORDS = osp.join(ROOT, 'benchmarks', 'results',
                           'train_protocol.jsonl')
DEFAULT_POSTHOC = osp.join(ROOT, 'benchmarks', 'results',
                           'posthoc_eval.jsonl')
METRICS = ('top1', 'many', 'medium', 'few', 'tail', 'ece')
#: baseline, ceiling and control arm of each protocol.
PROTOCOL_ARMS = {
    'v1': dict(baseline='ce_resnet32_cifar10lt-jpg_cpu-20e',
               ceiling='ce_resnet32_cifar10-jpg_cpu-20e', control=None),
    'v2': dict(baseline='cpu-v2_ce_resnet32_cifar10lt-jpg',
               ceiling='cpu-v2_ce_resnet32_cifar10-jpg',
               control='cpu-v2_diffult-control_resnet32_cifar10lt-jpg'),
}
#: Classes that make up the "tail" column.
TAIL_CLASSES = 3


def _records(path: str):
    return read_records(path)


def _keep_latest(arms, name, seed, record):
    seeds = arms.setdefault(name, {})
    previous = seeds.get(seed)
    if previous is None or record['date'] >= previous['date']:
        seeds[seed] = record


def load_arms(path: str,
              protocol: Optional[str] = None) -> 'OrderedDict[str, dict]':
    """{arm: {seed: latest valid record}}, arms in order of first
    appearance; records with an ``invalid`` reason are left out, and with
    ``protocol`` those of other protocols (a record without one is v1)."""
    arms = OrderedDict()
    for record in _records(path):
        if protocol is not None and record.get('protocol',
                                               'v1') != protocol:
            continue
        _keep_latest(arms, record['arm'], record['seed'], record)
    return arms


def tail_accuracy(record: dict, classes: int = TAIL_CLASSES):
    """Mean accuracy of the ``classes`` classes with the fewest training
    images (ties by class index); None without the training counts."""
    counts = record.get('train_class_counts')
    per_class = record.get('per_class')
    if not counts or not per_class or len(counts) != len(per_class):
        return None
    order = sorted(range(len(counts)), key=lambda c: (counts[c], c))
    values = [per_class[c] for c in order[:classes]
              if per_class[c] is not None]
    return float(np.mean(values)) if values else None


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
    """``arms`` followed by the post-hoc rows of their runs, when that file
    exists."""
    if posthoc_path and osp.exists(posthoc_path):
        runs = set(arms)
        for name, seeds in load_posthoc(posthoc_path).items():
            if name.split(' + post-hoc ')[0] in runs:
                arms[name] = seeds
    return arms


def summarise(records) -> dict:
    """Mean, std (ddof 1; None for one seed) and seeds of each metric."""
    records = sorted(records, key=lambda r: r['seed'])
    # Per seed, not a mean: a DiffuLT arm's seed 0 trains the stages that
    # its other seeds reuse, so its wall is of another kind.
    walls = [r['wall_s'] / 60 for r in records if r.get('wall_s') is not None]
    iterations = [r['iterations'] for r in records
                  if r.get('iterations') is not None]
    out = dict(seeds=sorted(r['seed'] for r in records),
               wall_min=walls or None,
               iterations=int(np.mean(iterations)) if iterations else None)
    records = [r if 'tail' in r else dict(r, tail=tail_accuracy(r))
               for r in records]
    for key in METRICS:
        out[key] = mean_std(r.get(key) for r in records)
    return out


def gap_closed(arm: float, baseline: float, ceiling: float):
    """Share (%) of the baseline-to-ceiling gap an arm closes."""
    if ceiling is None or baseline is None or ceiling <= baseline:
        return None
    return 100.0 * (arm - baseline) / (ceiling - baseline)


def _signed(value):
    return '-' if value is None else f'{value:+.2f}'


def _walls(minutes) -> str:
    return '-' if not minutes else ', '.join(f'{m:.0f}' for m in minutes)


def table(arms, baseline: str, ceiling: str,
          control: Optional[str] = None) -> str:
    """The Markdown table; ``control`` adds the gain over that arm (top-1
    and tail, on the seed means)."""
    summaries = OrderedDict(
        (name, summarise(list(seeds.values()))) for name, seeds in arms.items())
    if baseline not in summaries:
        raise ValueError(f'no record of the baseline arm {baseline!r} in the '
                         f'records; arms: {", ".join(summaries)}.')
    base_top1 = summaries[baseline]['top1'][0]
    ceil_top1 = summaries[ceiling]['top1'][0] if ceiling in summaries \
        else None
    ref = summaries.get(control) if control else None
    lines = [
        '| arm | seeds | top-1 | many | medium | few | tail | ECE | '
        'iterations | gap closed | vs control (top-1 / tail) | '
        'wall per seed (min) |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|'
    ]
    for name, s in summaries.items():
        share = gap_closed(s['top1'][0], base_top1, ceil_top1)
        if ref is None:
            gain = '-'
        else:
            top1_gain = s['top1'][0] - ref['top1'][0]
            tail_gain = (s['tail'][0] - ref['tail'][0]
                         if None not in (s['tail'][0], ref['tail'][0])
                         else None)
            gain = f'{_signed(top1_gain)} / {_signed(tail_gain)}'
        lines.append(
            f'| {name} | {",".join(map(str, s["seeds"]))} | '
            + ' | '.join(format_value(*s[key]) for key in METRICS)
            + f' | {"-" if s["iterations"] is None else s["iterations"]}'
            + f' | {"-" if share is None else f"{share:.1f} %"}'
            + f' | {gain}'
            + f' | {_walls(s["wall_min"])} |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--records', default=DEFAULT_RECORDS)
    parser.add_argument('--posthoc', default=DEFAULT_POSTHOC,
                        help='posthoc_eval records to add as rows')
    parser.add_argument('--protocol', choices=sorted(PROTOCOL_ARMS),
                        default='v2', help='records of this protocol only '
                        '(default: v2)')
    parser.add_argument('--baseline', default=None,
                        help="arm whose top-1 is 0 %% of the gap (default: "
                        "the protocol's CE arm)")
    parser.add_argument('--ceiling', default=None,
                        help='arm whose top-1 is 100 %% of the gap')
    parser.add_argument('--control', default=None,
                        help='arm the gains are read against (default: the '
                        "protocol's oversampling control)")
    args = parser.parse_args()
    defaults = PROTOCOL_ARMS[args.protocol]
    print(table(
        with_posthoc(load_arms(args.records, args.protocol), args.posthoc),
        args.baseline or defaults['baseline'],
        args.ceiling or defaults['ceiling'],
        args.control or defaults['control']))


if __name__ == '__main__':
    main()
