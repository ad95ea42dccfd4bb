"""tools/train.py and tools/test.py end to end (subprocesses) on tiny data:
training, resume from the latest and from a given checkpoint, evaluation of
a saved checkpoint, all with ``torch.load(weights_only=True)``."""
import glob
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

import pytest

from tests.fixtures import make_cifar

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs/baselines/ce_resnet32_cifar10lt.py')


def _options(max_epochs):
    opts = [
        'model.backbone.depth=20',
        f'train_cfg.max_epochs={max_epochs}',
        'train_cfg.val_interval=1',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1',
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [
            f'{loader}.batch_size=16', f'{loader}.num_workers=0',
            f'{loader}.dataset.verify_md5=False',
            f'{loader}.dataset.download=False',
            f'{loader}.dataset.n_max=20',
            f'{loader}.dataset.imbalance_factor=10'
        ]
    return opts


def _run(args, data_root):
    env = dict(os.environ, DIFFULT_CIFAR_ROOT=data_root)
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    env.pop('TORCH_FORCE_WEIGHTS_ONLY_LOAD', None)
    proc = subprocess.run([sys.executable] + args,
                          cwd=ROOT,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    data_root = make_cifar(str(tmp_path_factory.mktemp('cifar')), 10, 20, 4)
    work_dir = str(tmp_path_factory.mktemp('work'))
    log = _run([
        'tools/train.py', CONFIG, '--work-dir', work_dir, '--cfg-options'
    ] + _options(2), data_root)
    return data_root, work_dir, log


def test_train_writes_checkpoints_and_results(trained):
    _, work_dir, log = trained
    assert 'Epoch(val) [2]' in log
    assert osp.isfile(osp.join(work_dir, 'epoch_2.pth'))
    results = glob.glob(osp.join(work_dir, '*', 'lt_results.json'))
    assert len(results) == 1
    record = json.load(open(results[0]))
    assert record['epoch'] == 2
    assert record['train_class_counts'] == [
        int(20 * 0.1**(c / 9)) for c in range(10)
    ]
    assert len(record['per_class']) == 10
    history = open(results[0].replace('.json', '.jsonl')).read().splitlines()
    assert [json.loads(line)['epoch'] for line in history] == [1, 2]


def test_resume_latest_with_safe_loading(trained, tmp_path):
    data_root, work_dir, _ = trained
    resume_dir = str(tmp_path / 'resume')
    os.makedirs(resume_dir)
    # Resume from the copy of epoch 2 into a fresh work dir (keeps the
    # module fixture intact for the other tests).
    with open(osp.join(work_dir, 'epoch_2.pth'), 'rb') as src, open(
            osp.join(resume_dir, 'epoch_2.pth'), 'wb') as dst:
        dst.write(src.read())
    with open(osp.join(resume_dir, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(resume_dir, 'epoch_2.pth'))
    log = _run([
        'tools/train.py', CONFIG, '--work-dir', resume_dir, '--resume',
        '--cfg-options'
    ] + _options(3), data_root)
    assert 'resumed epoch: 2' in log
    assert 'Epoch(train) [1]' not in log
    assert 'Epoch(train) [3]' in log
    assert osp.isfile(osp.join(resume_dir, 'epoch_3.pth'))


def test_resume_from_given_checkpoint(trained, tmp_path):
    data_root, work_dir, _ = trained
    log = _run([
        'tools/train.py', CONFIG, '--work-dir',
        str(tmp_path), '--resume',
        osp.join(work_dir, 'epoch_1.pth'), '--cfg-options'
    ] + _options(2), data_root)
    assert 'resumed epoch: 1' in log
    assert 'Epoch(train) [2]' in log


def test_test_tool_evaluates_checkpoint(trained, tmp_path):
    data_root, work_dir, _ = trained
    out = str(tmp_path / 'preds.pkl')
    log = _run([
        'tools/test.py', CONFIG,
        osp.join(work_dir, 'epoch_2.pth'), '--work-dir',
        str(tmp_path), '--out', out, '--cfg-options'
    ] + _options(2), data_root)
    assert 'long_tail/top1' in log and 'calibration/ece' in log
    with open(out, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 40  # the balanced test split: 4 x 10
    assert glob.glob(str(tmp_path / '*' / 'lt_results.json'))


def test_test_tool_scores_the_shifted_test_distributions(trained, tmp_path):
    data_root, work_dir, _ = trained
    checkpoint = osp.join(work_dir, 'epoch_2.pth')
    log = _run([
        'tools/test.py', CONFIG, checkpoint, '--work-dir', str(tmp_path),
        '--test-distributions', '--cfg-options'
    ] + _options(2), data_root)
    assert '| prior | forward50 |' in log
    with open(tmp_path / 'test_agnostic.json') as f:
        record = json.load(f)
    metrics = record['metrics']
    tops = [k for k in metrics if k.endswith('/top1')]
    assert len(tops) == 11 * 3  # distributions x prior handlings
    # 'uniform' with the model's own prediction is the plain test top-1 of
    # the same checkpoint (the training run's last evaluation).
    [results] = glob.glob(osp.join(work_dir, '*', 'lt_results.json'))
    with open(results) as f:
        top1 = json.load(f)['top1']
    assert metrics['test_agnostic/uniform/none/top1'] == pytest.approx(top1)
    assert (tmp_path / 'test_agnostic.md').read_text().startswith('| prior')


def test_checkpoint_needs_the_registered_safe_globals(trained):
    """Without diffult_plugin, weights-only loading refuses the checkpoint;
    with it, the same call works. Shows the allow-list is what makes resume
    work, not a global opt-out."""
    _, work_dir, _ = trained
    ckpt = osp.join(work_dir, 'epoch_2.pth')
    code = ('import sys, torch\n'
            'try:\n'
            f'    torch.load({ckpt!r}, weights_only=True)\n'
            '    print("LOADED")\n'
            'except Exception as e:\n'
            '    print("REFUSED", type(e).__name__)\n')
    plain = subprocess.run([sys.executable, '-c', code],
                           capture_output=True,
                           text=True,
                           timeout=120).stdout
    assert 'REFUSED' in plain
    with_plugin = subprocess.run(
        [sys.executable, '-c', 'import diffult_plugin\n' + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120).stdout
    assert 'LOADED' in with_plugin


def test_test_tool_refuses_lists_without_distributions(capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'diffult_test_tool', osp.join(ROOT, 'tools', 'test.py'))
    test_tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(test_tool)
    args = test_tool.parse_args([
        CONFIG, 'ckpt.pth', '--test-distributions',
        '--test-distribution-lists', 'lists', 'ImageNet_LT_{name}.txt'])
    assert args.test_distribution_lists == ['lists', 'ImageNet_LT_{name}.txt']
    with pytest.raises(SystemExit):
        test_tool.parse_args([CONFIG, 'ckpt.pth',
                              '--test-distribution-lists', 'lists'])
    assert 'needs --test-distributions' in capsys.readouterr().err
