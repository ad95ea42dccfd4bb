"""The MetaFormer configs: the CPU ones train through tools/train.py on a
tiny image folder with simulated metadata; the iNaturalist ones build the
paper's model."""
import csv
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

import diffult_plugin  # noqa: F401
from benchmarks.simulated_metadata import (class_centre, simulate_row,
                                           write_simulated_metadata)
from tests.fixtures import make_image_folder

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(ROOT, 'configs', 'metaformer')
CLASSES = tuple(f'c{i}' for i in range(10))


def test_simulated_metadata_is_deterministic_and_per_class(tmp_path):
    root = str(tmp_path / 'jpg')
    make_image_folder(osp.join(root, 'train'), CLASSES[:2], (3, 3), size=8)
    make_image_folder(osp.join(root, 'test'), CLASSES[:2], (1, 1), size=8)
    out = str(tmp_path / 'meta.csv')
    assert write_simulated_metadata(root, out) == 8
    with open(out) as f:
        rows = list(csv.DictReader(f))
    assert rows[0]['image'] == 'train/c0/0000.jpg'
    assert rows[-1]['image'] == 'test/c1/0000.jpg'
    again = simulate_row('train/c0/0000.jpg', 0, 25.0, 0)
    assert float(rows[0]['latitude']) == again['latitude']
    # Months lie within 2 of the class's peak month.
    for row in rows:
        label = int(row['image'].split('/')[1][1:])
        peak = class_centre(label)[2]
        assert min((int(row['month']) - peak) % 12,
                   (peak - int(row['month'])) % 12) <= 2


@pytest.mark.parametrize('name', [
    'metafg-tiny_cifar10lt-jpg-simmeta_cpu.py',
    'resnet32-metafusion_cifar10lt-jpg-simmeta_cpu.py',
])
def test_cpu_config_trains_with_metadata(tmp_path, name):
    root = str(tmp_path / 'jpg')
    make_image_folder(osp.join(root, 'train'), CLASSES, (8, ) * 10)
    make_image_folder(osp.join(root, 'test'), CLASSES, (2, ) * 10, seed=1)
    meta = str(tmp_path / 'meta.csv')
    write_simulated_metadata(root, meta)
    options = [
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'train_dataloader.batch_size=16', 'train_dataloader.num_workers=0',
        'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
        'train_dataloader.dataset.dataset.imbalance_factor=10',
        'val_dataloader.dataset.dataset.imbalance_factor=10',
        'test_dataloader.dataset.dataset.imbalance_factor=10',
        'default_hooks.logger.interval=1'
    ]
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', osp.join(CONFIGS, name),
         '--work-dir', str(tmp_path / 'work'), '--cfg-options'] + options,
        cwd=ROOT, env=dict(os.environ, DIFFULT_CIFAR10_JPG=root,
                           DIFFULT_SIM_META=meta),
        capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert 'long_tail/top1' in output


def test_inaturalist_configs_build_the_papers_model():
    with_meta = Config.fromfile(osp.join(CONFIGS,
                                         'metafg-meta-0_inat2018.py'))
    vision = Config.fromfile(osp.join(CONFIGS, 'metafg-0_inat2018.py'))
    assert with_meta.model.backbone.meta_dims == (3, 4)
    assert vision.model.backbone.meta_dims == ()
    model = MODELS.build(vision.model)
    backbone = sum(p.numel() for p in model.backbone.parameters())
    assert 27.5e6 < backbone < 28.5e6  # MetaFormer-0: 28 M
    with torch.no_grad():
        feature = model.backbone.eval()(torch.randn(1, 3, 224, 224))[0]
    assert feature.shape == (1, 768)


def test_cpu_configs_pack_the_metadata_into_the_samples(tmp_path,
                                                        monkeypatch):
    from mmpretrain.registry import DATASETS
    root = str(tmp_path / 'jpg')
    make_image_folder(osp.join(root, 'train'), CLASSES, (4, ) * 10, size=8)
    make_image_folder(osp.join(root, 'test'), CLASSES, (1, ) * 10, size=8)
    meta = str(tmp_path / 'meta.csv')
    write_simulated_metadata(root, meta)
    monkeypatch.setenv('DIFFULT_CIFAR10_JPG', root)
    monkeypatch.setenv('DIFFULT_SIM_META', meta)
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'resnet32-metafusion_cifar10lt-jpg-simmeta_cpu.py'))
    cfg.train_dataloader.dataset.dataset.imbalance_factor = 4
    data = DATASETS.build(cfg.train_dataloader.dataset)
    sample = data[0]['data_samples']
    with open(meta) as f:
        row = next(r for r in csv.DictReader(f)
                   if r['image'] == osp.relpath(sample.img_path, root))
    from diffult_plugin.datasets import spatiotemporal_meta
    expected = spatiotemporal_meta(float(row['latitude']),
                                   float(row['longitude']),
                                   float(row['month']))
    assert sample.meta_mask == 1.0
    assert torch.allclose(torch.as_tensor(sample.meta),
                          torch.as_tensor(expected))
