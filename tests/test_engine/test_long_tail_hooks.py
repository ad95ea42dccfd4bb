"""EpochStateHook and ClassifierRetrainHook on a stand-in runner."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn

from diffult_plugin.engine.hooks import ClassifierRetrainHook, EpochStateHook


class _Loss(nn.Module):

    def __init__(self):
        super().__init__()
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)


class _Model(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        self.head = nn.Module()
        self.head.fc = nn.Linear(2, 2)
        self.head.loss_module = _Loss()


def _runner(model, epoch):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    return SimpleNamespace(
        model=model, epoch=epoch,
        optim_wrapper=SimpleNamespace(param_groups=optimizer.param_groups),
        logger=SimpleNamespace(info=lambda *_: None))


def test_epoch_state_hook_reaches_nested_modules():
    model = _Model()
    hook = EpochStateHook()
    for epoch in (0, 1, 5):
        hook.before_train_epoch(_runner(model, epoch))
    assert model.head.loss_module.epochs == [0, 1, 5]


def test_retrain_hook_freezes_and_restarts_lr():
    model = _Model()
    hook = ClassifierRetrainHook(
        begin_epoch=2, trainable=('head.fc', ), lr=0.05, frozen_bn_eval=True)
    runner = _runner(model, 1)
    hook.before_train_epoch(runner)
    assert all(p.requires_grad for p in model.parameters())
    runner.epoch = 2
    hook.before_train_epoch(runner)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {'head.fc.weight', 'head.fc.bias'}
    assert runner.optim_wrapper.param_groups[0]['lr'] == 0.05
    model.train()
    hook.before_train_iter(runner, 0)
    assert not model.backbone[1].training
    # Later epochs (or a resumed run) keep the freeze, not the lr reset.
    runner.epoch, runner.optim_wrapper.param_groups[0]['lr'] = 3, 0.07
    hook.before_train_epoch(runner)
    assert runner.optim_wrapper.param_groups[0]['lr'] == 0.07
    assert not model.backbone[0].weight.requires_grad


def test_retrain_hook_names_a_bad_prefix():
    with pytest.raises(ValueError, match='no parameter'):
        ClassifierRetrainHook(begin_epoch=0, trainable=('head.router', )
                              ).before_train_epoch(_runner(_Model(), 0))
    with pytest.raises(ValueError, match='prefixes'):
        ClassifierRetrainHook(begin_epoch=0, trainable='head.fc')
