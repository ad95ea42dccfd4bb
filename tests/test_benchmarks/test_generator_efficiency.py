"""The bookkeeping of benchmarks/generator_efficiency.py: training time from
logs and checkpoints, finished runs found again, budgeted configs."""
import json
import os

import torch
from mmengine.config import Config

from benchmarks.generator_efficiency import (budget_spent, budgeted_config,
                                             iterations_of, last_checkpoint,
                                             log_wall_seconds,
                                             median_iteration_seconds,
                                             train_seconds)


def _log(folder, name, lines):
    os.makedirs(folder / name, exist_ok=True)
    with open(folder / name / f'{name}.log', 'w') as f:
        f.write('\n'.join(lines) + '\n')


def test_log_wall_sums_the_span_of_each_part(tmp_path):
    # Two parts (a run and its resume): 90 s + 30 s; the gap between them
    # and lines without a time stamp do not count.
    _log(tmp_path, '20261128_100000', [
        '2026/11/28 10:00:00 - mmengine - INFO - start',
        'a continuation line',
        '2026/11/28 10:01:30 - mmengine - INFO - Iter(train) [20/100]'])
    _log(tmp_path, '20261128_110000', [
        '2026/11/28 11:00:00 - mmengine - INFO - resumed',
        '2026/11/28 11:00:30 - mmengine - INFO - Iter(train) [40/100]'])
    assert log_wall_seconds(str(tmp_path)) == 120.0


def test_median_iteration_time_ignores_paused_windows(tmp_path):
    folder = tmp_path / '20261128_100000' / 'vis_data'
    os.makedirs(folder)
    rows = [dict(time=t, loss=1.0, step=20 * (i + 1))
            for i, t in enumerate([2.0, 2.1, 75.0, 1.9, 2.2])]
    rows.append({'gen/fd': 3.0, 'step': 100})  # a validation row
    with open(folder / 'scalars.json', 'w') as f:
        f.write('\n'.join(json.dumps(r) for r in rows))
    assert median_iteration_seconds(str(tmp_path)) == 2.1


def test_budget_is_read_from_the_checkpoint(tmp_path):
    checkpoint = tmp_path / 'iter_350.pth'
    torch.save(dict(message_hub=dict(runtime_info=dict(train_wall_s=610.0))),
               checkpoint)
    (tmp_path / 'last_checkpoint').write_text(str(checkpoint))
    assert last_checkpoint(str(tmp_path)) == str(checkpoint)
    assert iterations_of(str(checkpoint)) == 350
    assert train_seconds(str(checkpoint)) == 610.0
    assert budget_spent(str(tmp_path), 10.0)       # 610 s >= 600 s
    assert not budget_spent(str(tmp_path), 10.5)   # 610 s < 630 s
    assert not budget_spent(str(tmp_path / 'none'), 1.0)


def test_budgeted_config_adds_the_hook_and_drops_validation(tmp_path):
    out = budgeted_config(
        'configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py',
        str(tmp_path / 'generator_config.py'), 17.5, '/x/ae.pth')
    cfg = Config.fromfile(out)
    hooks = [h['type'] for h in cfg.custom_hooks]
    assert hooks[-1] == 'TrainTimeBudgetHook'
    assert cfg.custom_hooks[-1]['max_minutes'] == 17.5
    assert 'EMAHook' in hooks and 'TrainClassCountsHook' in hooks
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.model.autoencoder.checkpoint == '/x/ae.pth'
    assert cfg.train_cfg.max_iters == 10**6
