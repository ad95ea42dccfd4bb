"""tools/train.py --seeds and tools/leaderboard.py over tiny runs."""
import csv
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch

from diffult_plugin.evaluation.metrics import TestAgnosticAccuracy

from tests.fixtures import make_cifar
from tests.test_tools.test_train_test import CONFIG, ROOT, _options, _run


@pytest.fixture(scope='module')
def seeded_runs(tmp_path_factory):
    data_root = make_cifar(str(tmp_path_factory.mktemp('cifar')), 10, 20, 4)
    work_dir = str(tmp_path_factory.mktemp('runs') / 'ce')
    log = _run(['tools/train.py', CONFIG, '--seeds', '0', '1', '--work-dir',
                work_dir, '--cfg-options'] + _options(2), data_root)
    return data_root, work_dir, log


def test_seeds_run_in_their_own_dirs(seeded_runs):
    _, work_dir, log = seeded_runs
    for seed in (0, 1):
        assert osp.isfile(osp.join(work_dir, f'seed{seed}', 'epoch_2.pth'))
    assert "'seed': 1" in log or 'seed: 1' in log


def _shifted_test_record(folder):
    """A test_agnostic.json as tools/test.py --test-distributions writes it
    (its own test: tests/test_tools/test_train_test.py)."""
    metric = TestAgnosticAccuracy(train_class_counts=[20, 10, 5, 2])
    rng = np.random.RandomState(0)
    metric.process(None, [
        dict(pred_score=torch.tensor(rng.dirichlet(np.ones(4)),
                                     dtype=torch.float32),
             gt_label=torch.tensor([c])) for c in [0, 1, 2, 3] * 10
    ])
    metrics = {f'test_agnostic/{k}': v
               for k, v in metric.compute_metrics(metric.results).items()}
    os.makedirs(folder, exist_ok=True)
    with open(osp.join(folder, 'test_agnostic.json'), 'w') as f:
        json.dump(dict(metrics=metrics), f)


def test_leaderboard_writes_three_outputs(seeded_runs, tmp_path):
    _, work_dir, _ = seeded_runs
    _shifted_test_record(osp.join(work_dir, 'seed0', 'shifted'))
    out = str(tmp_path / 'board')
    log = _run(['tools/leaderboard.py', work_dir, '--out-dir', out], '')
    # Runs evaluated on the shifted test distributions get their table.
    assert '1 runs on the shifted test distributions' in log
    table = open(osp.join(out, 'test_agnostic.md')).read()
    assert '| run | forward50 |' in table and '| seed0/shifted |' in table
    for title in ('own prediction', 'train prior removed',
                  'test prior (oracle)'):
        assert f'### {title}' in table
    assert open(osp.join(out, 'test_agnostic.png'), 'rb').read(4) == \
        b'\x89PNG'
    for name in ('leaderboard.md', 'leaderboard.csv', 'leaderboard.html',
                 'per_class_accuracy.png', 'many_medium_few.png'):
        assert osp.isfile(osp.join(out, name)), name
    rows = list(csv.DictReader(open(osp.join(out, 'leaderboard.csv'))))
    measured = [r for r in rows if r['source'] == 'measured']
    published = [r for r in rows if r['source'] == 'published']
    assert len(measured) == 1 and measured[0]['seeds'] == '2 (0, 1)'
    assert measured[0]['dataset'] == 'CIFAR-10-LT' and measured[0]['IF'] == '10'
    # DiffuLT Table 7, CIFAR-10-LT IF10 rows sit beside the measured one.
    assert any(r['method'] == 'DiffuLT' and r['top1'] == '90.7'
               for r in published)
    assert 'data:image/png;base64,' in open(
        osp.join(out, 'leaderboard.html')).read()
    assert '2 runs in 1 groups' in log


def test_best_selection_is_flagged(seeded_runs, tmp_path):
    _, work_dir, _ = seeded_runs
    out = str(tmp_path / 'best')
    _run(['tools/leaderboard.py', work_dir, '--out-dir', out, '--select',
          'best'], '')
    md = open(osp.join(out, 'leaderboard.md')).read()
    assert '| measured | CE ⚠' in md  # 2 evaluations: the best is flagged


def test_no_runs_is_a_clear_error(tmp_path):
    import subprocess
    import sys
    proc = subprocess.run(
        [sys.executable, 'tools/leaderboard.py', str(tmp_path)], cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and 'no finished runs' in proc.stderr
