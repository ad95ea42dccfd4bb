"""README, "Your own dataset": the short configs of configs/examples/ train
CE and run the whole DiffuLT pipeline on a folder of unsorted, naturally
imbalanced classes of mixed image sizes, through tools/train.py, at tiny
scale (the same overrides a user gives with --cfg-options)."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from diffult_plugin.leaderboard import collect_runs
from tests.fixtures import make_image_folder

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
EXAMPLES = osp.join(ROOT, 'configs', 'examples')
# Folder order is not size order; 'bee' is the largest class.
CLASSES = ('ant', 'bee', 'cat', 'dog', 'eel')
TRAIN = (3, 12, 2, 7, 5)
SIZES = [(32, 32), (40, 36), (28, 30)]

TINY = {
    'train_cfg.max_epochs': 1,
    'train_cfg.val_interval': 1,
    'param_scheduler.0.end': 1,
    'param_scheduler.0.T_max': 1,
    'model.backbone.depth': 20,
    'default_hooks.logger.interval': 1,
    'train_dataloader.batch_size': 8,
    'train_dataloader.num_workers': 0,
    'val_dataloader.num_workers': 0,
    'test_dataloader.num_workers': 0,
}
PHI0 = {k: v for k, v in TINY.items() if not k.startswith('test_')}
GENERATOR = {
    'train_cfg.max_iters': 2,
    'train_cfg.val_interval': 2,
    'param_scheduler.0.end': 2,
    'train_dataloader.batch_size': 4,
    'train_dataloader.num_workers': 0,
    'train_dataloader.persistent_workers': False,
    'model.sample_cfg.num_steps': 2,
    'val_dataloader.dataset.max_total': 10,
    'val_dataloader.batch_size': 10,
    'custom_hooks.2.num_steps': 2,
    'custom_hooks.2.per_class': 2,
    'default_hooks.checkpoint.interval': 2,
}
SYNTHESIS = {
    'custom_hooks.0.num_steps': 2,
    'custom_hooks.0.sample_batch_size': 16,
    'custom_hooks.0.shard_size': 8,
    'custom_hooks.0.phi0_cfg_options': PHI0,
    'custom_hooks.0.generator_cfg_options': GENERATOR,
}


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('my_images'))
    make_image_folder(osp.join(root, 'train'), CLASSES, TRAIN, size=SIZES)
    make_image_folder(osp.join(root, 'test'), CLASSES, (2, ) * 5, size=SIZES,
                      seed=1)
    return root


def _tiny_config(name: str, data_root: str, out: str, extra=None) -> str:
    """The example config with the tiny overrides, written as a file."""
    os.environ['DIFFULT_DATA_ROOT'] = data_root
    try:
        cfg = Config.fromfile(osp.join(EXAMPLES, name))
    finally:
        os.environ.pop('DIFFULT_DATA_ROOT')
    cfg.merge_from_dict(dict(TINY, **(extra or {})))
    path = osp.join(out, name)
    cfg.dump(path)
    return path


def _train(config: str, work_dir: str, expect_ok: bool = True) -> str:
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', config, '--work-dir', work_dir],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == expect_ok, output[-4000:]
    return output


def _results(work_dir: str) -> dict:
    [path] = glob.glob(osp.join(work_dir, '*', 'lt_results.jsonl'))
    with open(path) as f:
        return [json.loads(line) for line in f][-1]


def test_examples_are_short():
    for name in ('diffult_resnet32_image-folder_cpu.py',
                 'ce_resnet32_image-folder_cpu.py'):
        with open(osp.join(EXAMPLES, name)) as f:
            assert len(f.read().splitlines()) < 30, name


def test_ce_on_an_image_folder(folder, tmp_path):
    config = _tiny_config('ce_resnet32_image-folder_cpu.py', folder,
                          str(tmp_path))
    work_dir = str(tmp_path / 'ce')
    _train(config, work_dir)
    state = torch.load(osp.join(work_dir, 'epoch_1.pth'), map_location='cpu',
                       weights_only=False)['state_dict']
    # num_classes='auto' became the folder's 5 classes.
    assert state['head.fc.weight'].shape == (5, 64)
    results = _results(work_dir)
    assert len(results['per_class']) == 5
    assert results['train_class_counts'] == list(TRAIN)


def test_a_wrong_class_count_stops_before_training(folder, tmp_path):
    config = _tiny_config('ce_resnet32_image-folder_cpu.py', folder,
                          str(tmp_path), {'model.head.num_classes': 10})
    output = _train(config, str(tmp_path / 'wrong'), expect_ok=False)
    assert 'the training set has 5 classes' in output
    assert 'model.head.num_classes=10' in output
    assert not glob.glob(str(tmp_path / 'wrong' / '*.pth'))


def test_diffult_on_an_image_folder(folder, tmp_path):
    config = _tiny_config('diffult_resnet32_image-folder_cpu.py', folder,
                          str(tmp_path), SYNTHESIS)
    work_dir = str(tmp_path / 'diffult')
    _train(config, work_dir)

    # phi0 trained on the classifier's data with the derived class count.
    phi0 = Config.fromfile(osp.join(work_dir, 'phi0', 'phi0_as_trained.py'))
    assert phi0.model.head.num_classes == 5
    real = phi0.train_dataloader.dataset
    assert real.type == 'LongTailDataset'
    assert real.dataset.data_root == folder
    assert phi0.data_preprocessor.mean == [127.5] * 3
    # The generator: the same images, resized to its 32 x 32, flipped since
    # the classifier flips, 5 classes.
    [dump] = glob.glob(osp.join(work_dir, 'generator', '*.py'))
    generator = Config.fromfile(dump)
    assert generator.model.num_classes == 5
    assert generator.val_dataloader.dataset.num_classes == 5
    types = [t['type'] for t in
             generator.train_dataloader.dataset.dataset.pipeline]
    assert types == ['LoadImageFromFile', 'Resize', 'RandomFlip',
                     'PackInputs']
    # The bank tops every class up to the largest (12): N_t - n_c slots.
    with open(osp.join(work_dir, 'bank', 'manifest.json')) as f:
        manifest = json.load(f)
    slots = {c['label']: c['slots'] for c in manifest['classes']}
    assert [slots.get(i, 0) for i in range(5)] == [9, 0, 10, 5, 7]
    assert osp.isfile(
        osp.join(work_dir, 'synthesis', 'samples_kept_filtered.png'))
    results = _results(work_dir)
    assert len(results['per_class']) == 5
    # The leaderboard lists the run, not its phi0 stage.
    records = collect_runs([work_dir])
    assert [r.get('stage') for r in records] == [None]
    with_stages = collect_runs([work_dir], include_stages=True)
    assert sorted(str(r.get('stage')) for r in with_stages) == [
        'None', 'phi0'
    ]
