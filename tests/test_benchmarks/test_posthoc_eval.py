"""posthoc_eval: the correction's prior reaches the head as a setting that
the evaluated checkpoint cannot replace."""
import json
import os

from benchmarks import posthoc_eval


def _fake_tools_test(tmp_path, monkeypatch):
    """Record tools/test.py's command lines; each call 'evaluates' to 50.0
    top-1 and ECE 3.0."""
    calls = []

    def fake_test(cmd, cwd, check):
        calls.append(cmd)
        run_dir = tmp_path / 'work' / '20261124_000000'
        os.makedirs(run_dir, exist_ok=True)
        (run_dir / '20261124_000000.json').write_text(
            json.dumps({'long_tail/top1': 50.0, 'calibration/ece': 3.0}))

    monkeypatch.setattr(posthoc_eval.subprocess, 'run', fake_test)
    return calls


def test_the_real_prior_is_a_setting_the_checkpoint_cannot_replace(
        tmp_path, monkeypatch):
    calls = _fake_tools_test(tmp_path, monkeypatch)
    result = posthoc_eval.evaluate('cfg.py', 'epoch_20.pth', 'logit_adjust',
                                   1.0, [9, 1], 'WeightedLinearClsHead',
                                   str(tmp_path / 'work'))
    options = calls[0][calls[0].index('--cfg-options') + 1:]
    # Not model.head.class_counts: a DiffuLT checkpoint's buffer (the
    # proxy's counts) would overwrite it when loaded.
    assert 'model.head.posthoc_class_counts=[9,1]' in options
    assert not any(o.startswith('model.head.class_counts') for o in options)
    assert 'model.head.posthoc_type=logit_adjust' in options
    assert result['top1'] == 50.0 and result['ece'] == 3.0
    posthoc_eval.evaluate('cfg.py', 'epoch_20.pth', 'none', 1.0, [9, 1],
                          'WeightedLinearClsHead', str(tmp_path / 'work'))
    assert 'model.head.posthoc_tau=0.0' in calls[1]


def test_real_counts_of_a_two_view_config_outside_a_runner(tmp_path):
    """MultiView pipelines build their transforms through the default
    scope; a fresh interpreter has none until posthoc_eval sets it."""
    import subprocess
    import sys

    from tests.fixtures import make_image_folder
    root = make_image_folder(str(tmp_path / 'images'), per_class=(4, 4, 4),
                             size=8)
    config = tmp_path / 'two_view.py'
    config.write_text(f'''
default_scope = 'mmpretrain'
crop = [dict(type='RandomCrop', crop_size=8, padding=1), dict(type='PackInputs')]
train_dataloader = dict(dataset=dict(
    type='LongTailDataset', imbalance_factor=4,
    dataset=dict(type='CustomDataset', data_root={root!r},
                 pipeline=[dict(type='LoadImageFromFile'),
                           dict(type='MultiView', num_views=[1, 1],
                                transforms=[crop, crop])])))
''')
    code = ('from benchmarks.posthoc_eval import real_class_counts; '
            f'print(real_class_counts({str(config)!r}))')
    root_dir = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, '-c', code], cwd=root_dir,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == '[4, 2, 1]'


def test_the_prior_left_by_a_proxy_balanced_method(tmp_path):
    """real-over-train: n_real / n_proxy, scaled so the smallest is 1."""
    from tests.fixtures import make_image_folder
    root = make_image_folder(str(tmp_path / 'images'), per_class=(4, 4, 4),
                             size=8)
    long_tail = dict(type='LongTailDataset', imbalance_factor=4,
                     dataset=dict(type='CustomDataset', data_root=root,
                                  pipeline=[dict(type='LoadImageFromFile')]))
    config = tmp_path / 'proxy.py'
    config.write_text(
        "default_scope = 'mmpretrain'\n"
        f'train_dataloader = dict(dataset=dict(type="DiffuLTDataset", '
        f'target=2, dataset={long_tail!r}))\n')
    # Real counts 4, 2, 1; N_t = 2 tops class 2 up to 2: proxy 4, 2, 2.
    assert posthoc_eval.real_class_counts(str(config)) == [4, 2, 1]
    assert posthoc_eval.real_class_counts(
        str(config), 'real-over-train') == [2.0, 2.0, 1.0]


def test_a_prior_other_than_the_real_one_is_passed_and_named(
        tmp_path, monkeypatch):
    calls = _fake_tools_test(tmp_path, monkeypatch)
    posthoc_eval.evaluate('cfg.py', 'e.pth', 'logit_adjust', 1.0, [2, 1],
                          'WeightedLinearClsHead', str(tmp_path / 'work'),
                          prior='real-over-train')
    assert 'leaderboard.posthoc_prior=real-over-train' in calls[0]
    posthoc_eval.evaluate('cfg.py', 'e.pth', 'logit_adjust', 1.0, [2, 1],
                          'WeightedLinearClsHead', str(tmp_path / 'work'))
    assert not any('posthoc_prior' in c for c in calls[1])
