"""The CPU P2OT clustering config trains through tools/train.py on a tiny
long-tailed image folder and reports the clustering metrics."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.fixtures import make_image_folder

ROOT = osp.dirname(osp.abspath(__file__)).rsplit(os.sep, 1)[0]
CONFIG = osp.join(ROOT, 'configs', 'p2ot', 'p2ot_resnet32_cifar10lt-jpg_cpu.py')
CLASSES = tuple(f'c{i}' for i in range(10))


def test_p2ot_config_clusters_without_labels(tmp_path):
    """Trains through tools/train.py; then benchmarks/clustering_probe.py
    scores the trained head on the same images as the run's last
    validation (``trained-head``: the same accuracy)."""
    import json
    import re
    root = str(tmp_path / 'jpg')
    make_image_folder(osp.join(root, 'train'), CLASSES, (20, ) * 10)
    make_image_folder(osp.join(root, 'test'), CLASSES, (2, ) * 10, seed=1)
    # The overrides in a config of their own, which the probe reads too.
    config = tmp_path / 'p2ot_tiny.py'
    config.write_text(
        f'_base_ = [{CONFIG!r}]\n'
        'train_cfg = dict(max_epochs=1, val_interval=1)\n'
        'param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=True, '
        'begin=0, end=1, T_max=1, convert_to_iter_based=True)]\n'
        'model = dict(backbone=dict(depth=20), head=dict(bank_size=64))\n'
        'train_dataloader = dict(batch_size=16, num_workers=0, '
        'dataset=dict(imbalance_factor=10))\n'
        'val_dataloader = dict(num_workers=0, '
        'dataset=dict(imbalance_factor=10))\n'
        'test_dataloader = val_dataloader\n'
        'default_hooks = dict(logger=dict(interval=1))\n')
    env = dict(os.environ, DIFFULT_CIFAR10_JPG=root)
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(config), '--work-dir',
         str(tmp_path / 'work')],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    for key in ('clustering/accuracy', 'clustering/nmi', 'clustering/ari',
                'clustering/tail', 'rho:'):
        assert key in output, key
    logged = float(re.findall(r'clustering/accuracy: ([\d.]+)', output)[-1])

    records = tmp_path / 'probe.jsonl'
    proc = subprocess.run(
        [sys.executable, 'benchmarks/clustering_probe.py', '--config',
         str(config), '--checkpoint', str(tmp_path / 'work' / 'epoch_1.pth'),
         '--methods', 'kmeans', '--seeds', '0', '--iterations', '2',
         '--out', str(records)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    rows = {r['method']: r for r in map(json.loads,
                                        records.read_text().splitlines())}
    assert set(rows) == {'kmeans', 'trained-head'}
    assert rows['trained-head']['accuracy'] == pytest.approx(logged,
                                                             abs=0.01)
    assert sum(rows['trained-head']['cluster_sizes']) == sum(
        rows['trained-head']['class_counts'])


def test_dino_recipe_trains_the_last_block_and_the_heads_only():
    """As the P2OT code (grad_from_block=11): of the ViT only block 11
    learns; the final norm, trainable under frozen_stages, gets lr 0."""
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmpretrain.registry import MODELS
    import diffult_plugin  # noqa: F401 (registers the components)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'p2ot',
                                   'p2ot_vit-base-p16-dino_cifar100lt.py'))
    cfg.model.backbone.update(
        arch=dict(embed_dims=16, num_layers=12, num_heads=2,
                  feedforward_channels=32), img_size=32, init_cfg=None)
    cfg.model.head.in_channels = 16
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    learning = sorted(
        names[id(p)] for group in wrapper.optimizer.param_groups
        for p in group['params'] if p.requires_grad and group['lr'] > 0)
    assert learning and all(
        n.startswith(('backbone.layers.11.', 'head.heads.')) for n in learning)
    assert any(n.startswith('head.heads.1.') for n in learning)
    assert 'backbone.layers.11.attn.qkv.weight' in learning
