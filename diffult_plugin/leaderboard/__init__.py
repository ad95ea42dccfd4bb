"""Leaderboard: collect finished runs, aggregate seeds, compare with
published numbers (from the plugin manager), render Markdown / CSV / HTML."""
from .collect import collect_run, collect_runs
from .report import aggregate, select_published, to_csv, to_html, to_markdown

__all__ = [
    'collect_run', 'collect_runs', 'aggregate', 'select_published',
    'to_markdown', 'to_csv', 'to_html'
]
