"""What a person looks at after synthesis: statistics, counts, sample grids."""
import io
import json
import os.path as osp
from typing import Sequence

import numpy as np

from diffult_plugin.diffult.bank import SHARDS, shard_name
from diffult_plugin.utils.atomic_io import atomic_write_bytes, atomic_write_json


def filter_statistics(manifest: dict, real_counts: Sequence[int]) -> dict:
    """Per-class and total counts: real, slots, generated, per category,
    accepted, slots filled with accepted / rejected candidates."""
    classes = []
    totals = dict(real=0, slots=0, generated=0, accepted=0,
                  filled_with_accepted=0, filled_with_rejected=0,
                  categories={})
    for stats, real in zip(manifest['classes'], real_counts):
        row = dict(stats, real=int(real))
        classes.append(row)
        for key in ('real', 'slots', 'generated', 'accepted',
                    'filled_with_accepted', 'filled_with_rejected'):
            totals[key] += row[key]
        for category, count in row['categories'].items():
            totals['categories'][category] = totals['categories'].get(
                category, 0) + count
    return dict(classes=classes, totals=totals)


def write_reports(out_dir: str, bank_dir: str, manifest: dict,
                  real_counts: Sequence[int], per_class: int = 8) -> dict:
    """Write ``filter_stats.json``, ``class_counts.png`` and
    ``samples_kept_filtered.png`` (``_page2.png`` ... past 20 classes) into
    ``out_dir``; returns the statistics."""
    stats = filter_statistics(manifest, real_counts)
    atomic_write_json(osp.join(out_dir, 'filter_stats.json'), stats)
    _class_count_chart(osp.join(out_dir, 'class_counts.png'), stats)
    _sample_grid(osp.join(out_dir, 'samples_kept_filtered.png'), bank_dir,
                 manifest, per_class)
    return stats


def _save_figure(fig, path: str) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=110, bbox_inches='tight')
    atomic_write_bytes(path, buffer.getvalue())


def _class_count_chart(path: str, stats: dict) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    rows = stats['classes']
    x = np.arange(len(rows))
    real = np.array([r['real'] for r in rows])
    synthetic = np.array([r['slots'] for r in rows])
    fig, ax = plt.subplots(figsize=(max(6, len(rows) * 0.08 + 4), 3.5))
    ax.bar(x, real, width=0.9, label='real (long-tailed)', color='#4c72b0')
    ax.bar(x, synthetic, width=0.9, bottom=real, label='synthetic (proxy)',
           color='#dd8452', alpha=0.8)
    ax.set_xlabel('class')
    ax.set_ylabel('training images')
    ax.set_title('Class counts before / after DiffuLT synthesis')
    ax.legend()
    _save_figure(fig, path)
    plt.close(fig)


#: Classes per page of the kept / rejected sample grid.
GRID_CLASSES_PER_PAGE = 20


def grid_page_paths(path: str, num_classes: int,
                    per_page: int = GRID_CLASSES_PER_PAGE) -> list:
    """The pages of a class grid: ``path`` for classes 0-19, then
    ``<stem>_page2.png`` for 20-39 and so on, so every class is shown."""
    stem, ext = osp.splitext(path)
    pages = max(1, -(-num_classes // per_page))
    return [path] + [f'{stem}_page{i}{ext}' for i in range(2, pages + 1)]


def _class_samples(bank_dir: str, label: int, per_class: int) -> tuple:
    """The first ``per_class`` kept and rejected candidates of a class."""
    kept, dropped = [], []
    shard = 0
    while len(kept) < per_class or len(dropped) < per_class:
        name = shard_name(label, shard)
        images_path = osp.join(bank_dir, SHARDS, name + '.npy')
        record_path = osp.join(bank_dir, SHARDS, name + '.json')
        if not osp.isfile(record_path):
            break
        with open(record_path) as f:
            record = json.load(f)
        images = np.load(images_path, mmap_mode='r', allow_pickle=False)
        for row, keep in enumerate(record['keep']):
            target = kept if keep else dropped
            if len(target) < per_class:
                target.append(np.array(images[row]))
        shard += 1
    return kept, dropped


def _sample_grid(path: str, bank_dir: str, manifest: dict,
                 per_class: int) -> None:
    """One row per class, kept samples left, rejected right, separated by a
    white gap; 20 classes per page (:func:`grid_page_paths`), every class
    with candidates shown."""
    from PIL import Image
    classes = manifest['classes']
    paths = grid_page_paths(path, len(classes))
    for page, page_path in enumerate(paths):
        rows = []
        chunk = classes[page * GRID_CLASSES_PER_PAGE:(page + 1) *
                        GRID_CLASSES_PER_PAGE]
        for stats in chunk:
            kept, dropped = _class_samples(bank_dir, stats['label'],
                                           per_class)
            if not kept and not dropped:
                continue
            size = (kept or dropped)[0].shape
            blank = np.full(size, 255, np.uint8)
            cells = (kept + [blank] * (per_class - len(kept)) + [blank] +
                     dropped + [blank] * (per_class - len(dropped)))
            rows.append(np.concatenate(cells, axis=1))
        if not rows:
            continue
        grid = np.concatenate(rows, axis=0)
        buffer = io.BytesIO()
        Image.fromarray(grid).save(buffer, format='PNG')
        atomic_write_bytes(page_path, buffer.getvalue())
