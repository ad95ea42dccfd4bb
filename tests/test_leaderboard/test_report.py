import os.path as osp

import pytest

from diffult_plugin.leaderboard import (aggregate, select_published, to_csv,
                                        to_html, to_markdown)


def _record(seed, top1, many, test_selected=False):
    return dict(
        method='CE', dataset='CIFAR-10-LT', imbalance_factor=100,
        backbone='ResNet-32', epochs=20, selection='last', seed=seed,
        top1=top1, many=many, medium=10.0, few=None, ece=5.0,
        wall_s=600.0, device='cpu', test_selected=test_selected,
        per_class=[90.0, 10.0], train_class_counts=[100, 1],
        work_dir=f'w{seed}')


def test_seeds_are_aggregated():
    rows = aggregate([_record(0, 40.0, 50.0), _record(1, 44.0, 54.0)])
    assert len(rows) == 1
    row = rows[0]
    assert row['seeds'] == [0, 1] and row['num_runs'] == 2
    assert row['top1'] == pytest.approx(42.0)
    assert row['top1_std'] == pytest.approx(2.8284271, rel=1e-6)  # ddof=1
    assert row['few'] is None
    assert row['per_class'] == [90.0, 10.0]


def test_published_rows_follow_measured_settings():
    rows = aggregate([_record(0, 40.0, 50.0)])
    published = [
        dict(method='A', dataset='CIFAR-10-LT', imbalance_factor=100,
             top1=70.4, source='paper A'),
        dict(method='B', dataset='CIFAR-100-LT', imbalance_factor=100,
             top1=38.3, source='paper B'),
    ]
    chosen = select_published(published, rows)
    assert [p['method'] for p in chosen] == ['A']
    assert len(select_published(published, rows, include_all=True)) == 2
    md = to_markdown(rows, chosen)
    assert '| measured | CE | CIFAR-10-LT | 100 |' in md
    assert '40.00' in md and '70.4' in md and 'paper A' in md
    csv_text = to_csv(rows, chosen)
    assert csv_text.splitlines()[0].startswith('source,method,dataset')
    page = to_html(rows, chosen, images={'plot': 'AAAA'},
                   recipes=[dict(method='CE', config='ce.py')])
    assert 'data:image/png;base64,AAAA' in page and '<table>' in page
    assert '<td>ce.py</td>' in page
    assert '| CE | - | ce.py |' in to_markdown(
        rows, chosen, [dict(method='CE', config='ce.py')])


def test_test_selected_runs_are_flagged():
    rows = aggregate([_record(0, 40.0, 50.0, test_selected=True)])
    md = to_markdown(rows, [])
    assert 'CE ⚠' in md and 'best epoch chosen on the test set' in md
    assert to_csv(rows, []).strip().endswith('True')


def test_published_metaformer_rows_name_the_configs_that_reproduce_them():
    from mmengine.config import Config

    from diffult_plugin.plugins.manager import collect
    published = [r for r in collect('diffult_published_results')
                 if r['method'].startswith('MetaFormer-0') and
                 r['dataset'] == 'iNaturalist-2018']
    assert sorted((r['method'], r['top1']) for r in published) == [
        ('MetaFormer-0', 79.5), ('MetaFormer-0 + meta', 85.4)]
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    for row in published:
        cfg = Config.fromfile(osp.join(root, row['config']))
        # A run of the config lands in the row's dataset and method.
        assert cfg.leaderboard.dataset == row['dataset']
        assert cfg.leaderboard.method == row['method']
        md = to_markdown([], [row])
        assert f"reproduced by {row['config']}" in md
