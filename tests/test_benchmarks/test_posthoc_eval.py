"""posthoc_eval: the correction's prior reaches the head as a setting that
the evaluated checkpoint cannot replace."""
import json
import os

from benchmarks import posthoc_eval


def test_the_real_prior_is_a_setting_the_checkpoint_cannot_replace(
        tmp_path, monkeypatch):
    calls = []

    def fake_test(cmd, cwd, check):
        calls.append(cmd)
        run_dir = tmp_path / 'work' / '20261124_000000'
        os.makedirs(run_dir, exist_ok=True)
        (run_dir / '20261124_000000.json').write_text(
            json.dumps({'long_tail/top1': 50.0, 'calibration/ece': 3.0}))

    monkeypatch.setattr(posthoc_eval.subprocess, 'run', fake_test)
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
