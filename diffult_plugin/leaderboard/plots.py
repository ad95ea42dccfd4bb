"""Leaderboard plots (matplotlib, no display needed)."""
import base64
import io
import os.path as osp
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _label(row: dict) -> str:
    return (f"{row['method']} ({row['dataset']}, IF {row['imbalance_factor']}"
            f", {row['num_runs']} run{'s' if row['num_runs'] > 1 else ''})")


def per_class_plot(rows: List[dict]):
    """Per-class accuracy against the class's training size, per run group."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for row in rows:
        if not row.get('per_class'):
            continue
        counts = np.asarray(row['train_class_counts'], dtype=float)
        acc = np.asarray(row['per_class'], dtype=float)
        order = np.argsort(-counts)
        ax.plot(counts[order], acc[order], marker='o', ms=3, lw=1,
                label=_label(row))
    ax.set_xscale('log')
    ax.set_xlabel('training images of the class')
    ax.set_ylabel('test accuracy of the class (%)')
    ax.set_ylim(-2, 102)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def group_bars(rows: List[dict], published: List[dict]):
    """Many / Medium / Few bars of measured groups and published rows."""
    entries = [(_label(r), r) for r in rows] + [
        (f"{p['method']} (published)", p) for p in published
        if p.get('many') is not None
    ]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    width = 0.8 / max(len(entries), 1)
    groups = ('many', 'medium', 'few')
    for i, (name, entry) in enumerate(entries):
        values = [entry.get(g) if entry.get(g) is not None else 0.0
                  for g in groups]
        ax.bar(np.arange(3) + i * width, values, width, label=name)
    ax.set_xticks(np.arange(3) + 0.4 - width / 2)
    ax.set_xticklabels(['Many', 'Medium', 'Few'])
    ax.set_ylabel('top-1 accuracy (%)')
    ax.legend(fontsize=7)
    ax.grid(axis='y', alpha=0.3)
    fig.tight_layout()
    return fig


def save_plots(rows: List[dict], published: List[dict],
               out_dir: str) -> Dict[str, str]:
    """Write the plots as PNG files; return them base64-encoded by name."""
    encoded = {}
    for name, fig in (('per_class_accuracy', per_class_plot(rows)),
                      ('many_medium_few', group_bars(rows, published))):
        buffer = io.BytesIO()
        fig.savefig(buffer, format='png', dpi=110)
        plt.close(fig)
        data = buffer.getvalue()
        with open(osp.join(out_dir, f'{name}.png'), 'wb') as f:
            f.write(data)
        encoded[name] = base64.b64encode(data).decode('ascii')
    return encoded
