"""Freeze all but some parameters from an epoch on (decoupled stages)."""
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class ClassifierRetrainHook(Hook):
    """From epoch ``begin_epoch`` on, train only the parameters whose names
    start with one of ``trainable``; optionally restart the learning rate.

    For second stages inside one run: SHIKE's classifier re-training
    (``trainable=('head.rt_classifiers',)``) and RIDE's router
    (``trainable=('head.router',)``, ``begin_epoch=0``). Frozen parameters
    get no gradient, so SGD leaves them (and their weight decay) alone. The
    learning rate is set to ``lr`` at ``begin_epoch`` itself; param
    schedulers with ``begin=begin_epoch`` then shape the new stage (mmengine
    schedulers are multiplicative, so they cannot restart from 0 alone).
    ``frozen_bn_eval`` keeps BatchNorm layers whose parameters are frozen in
    eval mode (RIDE's router stage; SHIKE keeps them in train mode).

    Args:
        begin_epoch (int): First (0-based) epoch of the stage.
        trainable (Sequence[str]): Name prefixes of the parameters to train
            (without a model wrapper's ``module.``).
        lr (float, optional): Learning rate of every parameter group at
            ``begin_epoch``. Defaults to None (unchanged).
        frozen_bn_eval (bool): Put fully frozen BatchNorm layers in eval
            mode. Defaults to False.
    """
    priority = 'HIGH'

    def __init__(self,
                 begin_epoch: int,
                 trainable: Sequence[str],
                 lr: Optional[float] = None,
                 frozen_bn_eval: bool = False):
        if isinstance(trainable, str) or not trainable:
            raise ValueError('ClassifierRetrainHook: trainable must be a '
                             "non-empty list of name prefixes, e.g. "
                             "('head.rt_classifiers',).")
        self.begin_epoch = begin_epoch
        self.trainable = tuple(trainable)
        self.lr = lr
        self.frozen_bn_eval = frozen_bn_eval
        self._frozen_bns = []

    def _model(self, runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def before_train_epoch(self, runner) -> None:
        if runner.epoch < self.begin_epoch:
            return
        model = self._model(runner)
        trained = []
        for name, param in model.named_parameters():
            keep = name.startswith(self.trainable)
            param.requires_grad_(keep)
            if keep:
                trained.append(name)
        if not trained:
            raise ValueError(
                f'ClassifierRetrainHook: no parameter name starts with '
                f'{self.trainable}; check the prefixes against the model.')
        self._frozen_bns = [
            m for m in model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and not any(
                p.requires_grad for p in m.parameters())
        ] if self.frozen_bn_eval else []
        if runner.epoch == self.begin_epoch:
            if self.lr is not None:
                for group in runner.optim_wrapper.param_groups:
                    group['lr'] = self.lr
            runner.logger.info(
                f'ClassifierRetrainHook: epoch {runner.epoch}: training '
                f'{len(trained)} tensors under {self.trainable} only'
                + (f', lr {self.lr}' if self.lr is not None else ''))

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        for module in self._frozen_bns:
            module.eval()
