"""Collect finished runs into a leaderboard beside published numbers.

    python tools/leaderboard.py work_dirs/ [more dirs ...] \
        [--out-dir work_dirs/leaderboard] [--select last|best] [--all-published]

Writes leaderboard.md, leaderboard.csv, leaderboard.html (self-contained,
plots embedded) and the plots as PNG into --out-dir. Published numbers come
from the plugin manager (built-in: diffult_plugin/plugins/
published_results.json; other packages add theirs through the
``diffult_plugin`` entry points).
"""
import argparse
import os
import os.path as osp

import diffult_plugin  # noqa: E402,F401
from diffult_plugin.leaderboard import (aggregate, collect_runs,  # noqa: E402
                                        select_published, to_csv, to_html,
                                        to_markdown)
from diffult_plugin.leaderboard.plots import save_plots  # noqa: E402
from diffult_plugin.leaderboard.test_agnostic import (  # noqa: E402
    collect_test_agnostic, shifted_test_markdown, shifted_test_plot)
from diffult_plugin.plugins import collect  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('paths', nargs='+', help='work dirs or their parents')
    parser.add_argument('--out-dir', default='work_dirs/leaderboard')
    parser.add_argument(
        '--select',
        choices=['last', 'best'],
        default='last',
        help="'last' (default): final evaluation; 'best': best evaluation, "
        'flagged because CIFAR-LT picks it on the test set')
    parser.add_argument(
        '--all-published',
        action='store_true',
        help='list every published row, not only the measured settings')
    parser.add_argument(
        '--include-stages',
        action='store_true',
        help="also list the stages of DiffuLT runs (their phi0 CE "
        'classifier), marked as stages; left out by default')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    records = collect_runs(args.paths, args.select, args.include_stages)
    if not records:
        raise SystemExit(
            f'no finished runs (lt_results.jsonl) under {args.paths}; '
            'train with a config that evaluates with LongTailAccuracy.')
    rows = aggregate(records)
    published = select_published(
        collect('diffult_published_results'), rows, args.all_published)
    recipes = collect('diffult_method_recipes')
    os.makedirs(args.out_dir, exist_ok=True)
    images = save_plots(rows, published, args.out_dir)
    outputs = {
        'leaderboard.md': to_markdown(rows, published, recipes),
        'leaderboard.csv': to_csv(rows, published),
        'leaderboard.html': to_html(rows, published, images, recipes=recipes),
    }
    for name, text in outputs.items():
        with open(osp.join(args.out_dir, name), 'w') as f:
            f.write(text)
    shifted = collect_test_agnostic(args.paths)
    if shifted:
        # Runs evaluated with tools/test.py --test-distributions.
        with open(osp.join(args.out_dir, 'test_agnostic.md'), 'w') as f:
            f.write(shifted_test_markdown(shifted))
        with open(osp.join(args.out_dir, 'test_agnostic.png'), 'wb') as f:
            f.write(shifted_test_plot(shifted))
        print(f'{len(shifted)} runs on the shifted test distributions -> '
              f'{osp.join(args.out_dir, "test_agnostic.md")}')
    print(outputs['leaderboard.md'])
    print(f'{len(records)} runs in {len(rows)} groups, '
          f'{len(published)} published rows -> {args.out_dir}')


if __name__ == '__main__':
    main()
