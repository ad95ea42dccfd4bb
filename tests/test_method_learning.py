"""Each method's training path learns from the images it is given.

The config tests check that a method trains (finite loss, weights that
move); that passes even when images reach the loss with the wrong labels,
which is how a view / label misalignment in the multi-view preprocessor once
made MDCS train at chance on real data. Here each method trains 3 short
epochs on a tiny balanced set whose labels are readable from the pixels
(tests/fixtures.py) and must reach 3x chance on held-out images; with the
misaligned preprocessor MDCS stays at exactly 10 %, after the fix it reaches
about 50 %.
"""
import pytest
from mmengine.runner import Runner

from tests.fixtures import make_cifar
from tests.test_method_configs import _config, _on_the_oracle_proxy

BALANCED = dict(n_max=40, imbalance_factor=1)
CHANCE = 10.0  # 10 balanced classes


@pytest.fixture(scope='module')
def learnable_cifar(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('cifar')), num_classes=10,
                      train_per_class=40, test_per_class=10)


@pytest.mark.parametrize('name', [
    'baselines/ce_resnet32_cifar10lt.py',
    'baselines/balanced-softmax_resnet32_cifar10lt.py',
    'baselines/ride_resnet32_cifar10lt.py',
    'baselines/mdcs_resnet32_cifar10lt.py',
    'diffult_resnet32_cifar10lt.py',
    'diffult+mdcs_resnet32_cifar10lt.py',
])
def test_method_beats_chance(name, learnable_cifar, tmp_path, monkeypatch):
    cfg = _config(name, learnable_cifar, tmp_path, monkeypatch)
    train_set = cfg.train_dataloader.dataset
    if train_set.type == 'DiffuLTDataset':
        _on_the_oracle_proxy(cfg)
        train_set.dataset.update(BALANCED)
        train_set.target = BALANCED['n_max']
    else:
        train_set.update(BALANCED)
    cfg.val_dataloader.dataset.update(BALANCED)
    cfg.val_dataloader.batch_size = 100
    cfg.test_dataloader = cfg.val_dataloader
    # A constant lr: the recipes' warm-up would spend the 3 epochs.
    cfg.param_scheduler = []
    cfg.optim_wrapper.optimizer.lr = 0.05
    cfg.train_cfg.update(max_epochs=3, val_interval=10)
    cfg.default_hooks.checkpoint.interval = 3
    cfg.default_hooks.logger.interval = 10
    cfg.randomness = dict(seed=0)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val()
    assert metrics['long_tail/top1'] >= 3 * CHANCE, metrics
