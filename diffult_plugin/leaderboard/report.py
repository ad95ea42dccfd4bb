"""Aggregate run records over seeds and render the leaderboard."""
import csv
import html
import io
from collections import OrderedDict
from typing import List, Optional

import numpy as np

from .stats import format_value, mean_std

GROUP_KEYS = ('method', 'dataset', 'imbalance_factor', 'backbone', 'epochs',
              'selection')
METRICS = ('top1', 'many', 'medium', 'few', 'ece')

COLUMNS = ('source', 'method', 'dataset', 'IF', 'backbone', 'epochs', 'seeds',
           'top1', 'many', 'medium', 'few', 'ECE', 'wall', 'device', 'note')


def aggregate(records: List[dict]) -> List[dict]:
    """Group runs that differ only by seed; mean and std of each metric."""
    groups = OrderedDict()
    for record in records:
        key = tuple(record.get(k) for k in GROUP_KEYS)
        groups.setdefault(key, []).append(record)
    rows = []
    for key, runs in groups.items():
        row = dict(zip(GROUP_KEYS, key))
        row['seeds'] = sorted(
            {r.get('seed')
             for r in runs}, key=lambda s: (s is None, s))
        row['num_runs'] = len(runs)
        for metric in METRICS:
            row[metric], row[f'{metric}_std'] = mean_std(
                [r.get(metric) for r in runs])
        row['wall_s'] = mean_std([r.get('wall_s') for r in runs])[0]
        row['device'] = ', '.join(
            sorted({r.get('device') or '?'
                    for r in runs}))
        row['test_selected'] = any(r.get('test_selected') for r in runs)
        counts = runs[0].get('train_class_counts')
        per_class = [r.get('per_class') for r in runs if r.get('per_class')]
        if per_class and counts:
            stacked = np.array([[np.nan if v is None else v for v in pc]
                                for pc in per_class], dtype=float)
            row['per_class'] = np.nanmean(stacked, axis=0).tolist()
            row['train_class_counts'] = counts
        row['work_dirs'] = [r['work_dir'] for r in runs]
        rows.append(row)
    return rows


def _table_rows(measured: List[dict], published: List[dict]) -> List[dict]:
    rows = []
    for row in measured:
        note = []
        if row.get('test_selected'):
            note.append('best epoch chosen on the test set')
        rows.append({
            'source': 'measured',
            'method': row['method'],
            'dataset': row['dataset'] or '-',
            'IF': format_value(row['imbalance_factor'], digits=0),
            'backbone': row['backbone'] or '-',
            'epochs': row['epochs'] if row['epochs'] is not None else '-',
            'seeds': f"{row['num_runs']} ({', '.join(map(str, row['seeds']))})",
            'top1': format_value(row['top1'], row['top1_std']),
            'many': format_value(row['many'], row['many_std']),
            'medium': format_value(row['medium'], row['medium_std']),
            'few': format_value(row['few'], row['few_std']),
            'ECE': format_value(row['ece'], row['ece_std']),
            'wall': ('-' if row['wall_s'] is None else
                     f"{row['wall_s'] / 60:.1f} min"),
            'device': row['device'],
            'note': '; '.join(note),
            '_flag': bool(row.get('test_selected')),
        })
    for pub in published:
        rows.append({
            'source': 'published',
            'method': pub['method'],
            'dataset': pub.get('dataset', '-'),
            'IF': format_value(pub.get('imbalance_factor'), digits=0),
            'backbone': pub.get('backbone', '-'),
            'epochs': pub.get('epochs', '-'),
            'seeds': '-',
            'top1': format_value(pub.get('top1'), digits=1),
            'many': format_value(pub.get('many'), digits=1),
            'medium': format_value(pub.get('medium'), digits=1),
            'few': format_value(pub.get('few'), digits=1),
            'ECE': '-',
            'wall': '-',
            'device': '-',
            'note': '; '.join(
                filter(None, [pub.get('note'), pub.get('source'),
                              pub.get('config') and
                              f"reproduced by {pub['config']}"])),
            '_flag': 'test set' in (pub.get('note') or ''),
        })
    return rows


def select_published(published: List[dict],
                     measured: List[dict],
                     include_all: bool = False) -> List[dict]:
    """Published rows for the (dataset, IF) pairs that were measured."""
    if include_all:
        return list(published)
    keys = {(r['dataset'], r['imbalance_factor']) for r in measured}
    return [
        p for p in published
        if (p.get('dataset'), p.get('imbalance_factor')) in keys
    ]


def _recipe_cells(recipe: dict) -> list:
    return [
        recipe.get('method', '-'),
        recipe.get('dataset', '-'),
        recipe.get('config', '-'),
        recipe.get('description', '') or recipe.get('source', '')
    ]


def to_markdown(measured, published, recipes=None) -> str:
    rows = _table_rows(measured, published)
    lines = [
        '| ' + ' | '.join(COLUMNS) + ' |',
        '|' + '---|' * len(COLUMNS),
    ]
    for row in rows:
        cells = [str(row[c]) for c in COLUMNS]
        if row['_flag']:
            cells[1] += ' ⚠'
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.append('Measured numbers are last-epoch values unless flagged ⚠ '
                 '(best epoch chosen on the test set). Mean ± std over seeds.')
    if recipes:
        lines += ['', '## Method recipes', '',
                  '| method | dataset | config | description |',
                  '|---|---|---|---|']
        lines += ['| ' + ' | '.join(map(str, _recipe_cells(r))) + ' |'
                  for r in recipes]
    return '\n'.join(lines) + '\n'


def to_csv(measured, published) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(COLUMNS) + ['test_selected'])
    writer.writeheader()
    for row in _table_rows(measured, published):
        out = {c: row[c] for c in COLUMNS}
        out['test_selected'] = row['_flag']
        writer.writerow(out)
    return buffer.getvalue()


def to_html(measured,
            published,
            images: Optional[dict] = None,
            title: str = 'diffult-plugin leaderboard',
            recipes: Optional[list] = None) -> str:
    """A self-contained page: the table plus plots embedded as base64 PNG."""
    head = ''.join(f'<th>{html.escape(c)}</th>' for c in COLUMNS)
    body = []
    for row in _table_rows(measured, published):
        cls = row['source'] + (' flagged' if row['_flag'] else '')
        cells = ''.join(f'<td>{html.escape(str(row[c]))}</td>'
                        for c in COLUMNS)
        body.append(f'<tr class="{cls}">{cells}</tr>')
    recipe_rows = ''.join(
        '<tr>' + ''.join(f'<td>{html.escape(str(c))}</td>'
                         for c in _recipe_cells(r)) + '</tr>'
        for r in recipes or [])
    recipe_table = (
        '<h2>Method recipes</h2><table><thead><tr><th>method</th>'
        '<th>dataset</th><th>config</th><th>description</th></tr></thead>'
        f'<tbody>{recipe_rows}</tbody></table>' if recipe_rows else '')
    figures = ''.join(
        f'<figure><img alt="{html.escape(name)}" '
        f'src="data:image/png;base64,{data}"><figcaption>'
        f'{html.escape(name)}</figcaption></figure>'
        for name, data in (images or {}).items())
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; }}
tr.measured {{ background: #eef6ff; }}
tr.published {{ background: #f8f8f8; color: #333; }}
tr.flagged td:nth-child(2)::after {{ content: " \\26A0"; color: #b00; }}
figure {{ display: inline-block; margin: 1em; }}
img {{ max-width: 640px; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<table><thead><tr>{head}</tr></thead><tbody>
{''.join(body)}
</tbody></table>
<p>Measured numbers are last-epoch values unless flagged &#9888; (best epoch
chosen on the test set). Mean &plusmn; std over seeds.</p>
{figures}
{recipe_table}
</body></html>
"""
