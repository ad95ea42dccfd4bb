"""The CPU P2OT clustering config trains through tools/train.py on a tiny
long-tailed image folder and reports the clustering metrics."""
import os
import os.path as osp
import subprocess
import sys

from tests.fixtures import make_image_folder

ROOT = osp.dirname(osp.abspath(__file__)).rsplit(os.sep, 1)[0]
CONFIG = osp.join(ROOT, 'configs', 'p2ot', 'p2ot_resnet32_cifar10lt-jpg_cpu.py')
CLASSES = tuple(f'c{i}' for i in range(10))


def test_p2ot_config_clusters_without_labels(tmp_path):
    root = str(tmp_path / 'jpg')
    make_image_folder(osp.join(root, 'train'), CLASSES, (20, ) * 10)
    make_image_folder(osp.join(root, 'test'), CLASSES, (2, ) * 10, seed=1)
    options = [
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'param_scheduler.0.end=1', 'param_scheduler.0.T_max=1',
        'model.backbone.depth=20', 'model.head.bank_size=64',
        'train_dataloader.batch_size=16', 'train_dataloader.num_workers=0',
        'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
        'train_dataloader.dataset.imbalance_factor=10',
        'val_dataloader.dataset.imbalance_factor=10',
        'test_dataloader.dataset.imbalance_factor=10',
        'default_hooks.logger.interval=1'
    ]
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(tmp_path / 'work'), '--cfg-options'] + options,
        cwd=ROOT, env=dict(os.environ, DIFFULT_CIFAR10_JPG=root),
        capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    for key in ('clustering/accuracy', 'clustering/nmi', 'clustering/ari',
                'clustering/tail', 'rho:'):
        assert key in output, key
