"""tools/test.py --test-distributions --test-time-aggregation on a trained
multi-expert model (RIDE, tiny)."""
import json
import os.path as osp

from tests.fixtures import make_cifar
from tests.test_tools.test_train_test import ROOT, _options, _run

RIDE = osp.join(ROOT, 'configs/baselines/ride_resnet32_cifar10lt.py')


def test_sade_rows_for_a_multi_expert_model(tmp_path):
    data_root = make_cifar(str(tmp_path / 'cifar'), 10, 20, 4)
    work_dir = str(tmp_path / 'ride')
    _run(['tools/train.py', RIDE, '--work-dir', work_dir, '--cfg-options'] +
         _options(1), data_root)
    out = str(tmp_path / 'shifted')
    log = _run(['tools/test.py', RIDE, osp.join(work_dir, 'epoch_1.pth'),
                '--work-dir', out, '--test-distributions',
                '--test-time-aggregation', '--cfg-options'] + _options(1),
               data_root)
    assert '| sade |' in log
    with open(osp.join(out, 'test_agnostic.json')) as f:
        metrics = json.load(f)['metrics']
    for name in ('forward50', 'uniform', 'backward50'):
        weights = [metrics[f'test_agnostic/{name}/sade/weight{k}']
                   for k in range(3)]
        assert abs(sum(weights) - 1) < 1e-5
        assert 0 <= metrics[f'test_agnostic/{name}/sade/top1'] <= 100
