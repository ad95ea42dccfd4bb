"""The leaderboard's test-agnostic table and plot: every run evaluated with
``tools/test.py --test-distributions`` (its ``test_agnostic.json``), one row
per run, one column per shifted test distribution."""
import glob
import io
import json
import os.path as osp
from typing import List

from diffult_plugin.datasets.test_distributions import SADE_DISTRIBUTIONS

#: Prior handlings, in table order, with their names in the table.
PRIORS = (('none', 'own prediction'), ('train', 'train prior removed'),
          ('test', 'test prior (oracle)'),
          ('sade', "SADE's test-time aggregation of experts"))


def collect_test_agnostic(paths: List[str]) -> List[dict]:
    """The ``test_agnostic.json`` records under ``paths`` (recursively),
    each named by its folder relative to the path it was found under."""
    records = []
    for path in paths:
        for hit in sorted(glob.glob(osp.join(path, '**', 'test_agnostic.json'),
                                    recursive=True)):
            with open(hit) as f:
                record = json.load(f)
            folder = osp.relpath(osp.dirname(hit), path)
            record['name'] = folder if folder != '.' else osp.basename(
                osp.abspath(path))
            records.append(record)
    return records


def _value(record: dict, distribution: str, prior: str):
    for key, value in record['metrics'].items():
        if key.endswith(f'{distribution}/{prior}/top1'):
            return value
    return None


def shifted_test_markdown(records: List[dict]) -> str:
    """One table per prior handling: runs by distributions, top-1 (%)."""
    names = list(SADE_DISTRIBUTIONS)
    parts = ['## Shifted test distributions (top-1 %)', '',
             'Forward = the training order, backward = reversed; the number '
             'is the test set\'s imbalance factor (SADE, NeurIPS 2022).', '']
    for prior, title in PRIORS:
        rows = [(r['name'], [_value(r, d, prior) for d in names])
                for r in records]
        if not any(v is not None for _, values in rows for v in values):
            continue
        parts += [f'### {title}', '',
                  '| run | ' + ' | '.join(names) + ' |',
                  '|---|' + '---:|' * len(names)]
        for name, values in rows:
            parts.append(f'| {name} | ' + ' | '.join(
                '' if v is None else f'{v:.2f}' for v in values) + ' |')
        parts.append('')
    return '\n'.join(parts)


def _position(distribution: str) -> float:
    """x of a distribution: +log(IF) forward, -log(IF) backward, 0 uniform."""
    import math
    imbalance_factor, reverse = SADE_DISTRIBUTIONS[distribution]
    if imbalance_factor is None:
        return 0.0
    return (-1 if reverse else 1) * math.log(imbalance_factor)


def shifted_test_plot(records: List[dict]) -> bytes:
    """PNG: top-1 against the test imbalance, a line per run and prior
    handling (own prediction solid, train prior removed dashed)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = list(SADE_DISTRIBUTIONS)
    xs = [_position(d) for d in names]
    fig, ax = plt.subplots(figsize=(7, 4))
    for record in records:
        for prior, style in (('none', '-'), ('train', '--')):
            ys = [_value(record, d, prior) for d in names]
            if any(y is None for y in ys):
                continue
            ax.plot(xs, ys, style, marker='o', markersize=3,
                    label=f'{record["name"]} ({dict(PRIORS)[prior]})')
    ax.set_xticks(xs)
    ax.set_xticklabels([d.replace('forward', 'F').replace('backward', 'B')
                        for d in names], fontsize=7)
    ax.set_xlabel('test label distribution (F = forward LT, B = backward LT, '
                  'imbalance factor)')
    ax.set_ylabel('top-1 (%)')
    ax.legend(fontsize=6)
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=110, bbox_inches='tight')
    plt.close(fig)
    return buffer.getvalue()
