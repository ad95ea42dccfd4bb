"""The base of the long-tail classification losses."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from ..utils.class_counts import (CLASS_WEIGHTINGS, ClassCountsMixin,
                                  effective_number_weights)


class LongTailLoss(ClassCountsMixin, nn.Module):
    """Base of the long-tail classification losses.

    Every loss takes ``(cls_score, label, weight=None, avg_factor=None)`` like
    mmpretrain's ``CrossEntropyLoss``: ``weight`` is the per-sample weight
    (DiffuLT's omega on synthetic samples, from ``WeightedLinearClsHead`` and
    the other weighted heads), ``avg_factor`` the denominator of the batch
    loss. Optional class re-weighting by the effective number of samples
    (`Cui et al., CVPR 2019 <https://arxiv.org/abs/1901.05555>`_), from epoch
    ``reweight_epoch`` on: deferred re-weighting (DRW, `Cao et al., NeurIPS
    2019 <https://arxiv.org/abs/1906.07413>`_) when that epoch is > 0.
    ``EpochStateHook`` tells the loss the epoch. With class weights, the
    denominator is scaled by the batch mean class weight, so an unweighted
    batch gives PyTorch's ``F.cross_entropy(weight=...)`` (the LDAM-DRW and
    RIDE code).

    Args:
        class_counts (Sequence[int], optional): Fixed class counts; usually
            left None and set by ``TrainClassCountsHook``.
        class_weighting (str, optional): None or 'effective_number'.
        beta (float): beta of the effective number. Defaults to 0.9999.
        reweight_epoch (int): First (0-based) epoch with class weights.
            Defaults to 0 (from the start).
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """
    #: Whether the loss reads the class counts in its forward pass.
    needs_class_counts = True

    def __init__(self,
                 class_counts: Optional[Sequence[int]] = None,
                 class_weighting: Optional[str] = None,
                 beta: float = 0.9999,
                 reweight_epoch: int = 0,
                 loss_weight: float = 1.0):
        super().__init__()
        if class_weighting not in CLASS_WEIGHTINGS:
            raise ValueError(
                f'{type(self).__name__}: class_weighting must be one of '
                f'{CLASS_WEIGHTINGS}, got {class_weighting!r}.')
        if not 0.0 <= beta < 1.0:
            raise ValueError(f'{type(self).__name__}: beta must be in [0, 1),'
                             f' got {beta}.')
        self.class_weighting = class_weighting
        self.beta = beta
        self.reweight_epoch = int(reweight_epoch)
        self.loss_weight = loss_weight
        self.epoch = 0
        self._init_class_counts(class_counts)

    def set_epoch(self, epoch: int) -> None:
        """Called by ``EpochStateHook`` before every training epoch."""
        self.epoch = int(epoch)

    def class_weights(self, num_classes: int) -> Optional[torch.Tensor]:
        """The class weights in force at the current epoch, or None."""
        if self.class_weighting is None or self.epoch < self.reweight_epoch:
            return None
        return effective_number_weights(
            self.counts_or_raise(num_classes), self.beta)

    def per_sample_loss(self, cls_score: torch.Tensor,
                        label: torch.Tensor) -> torch.Tensor:
        """The unweighted loss of each sample; subclasses define it."""
        raise NotImplementedError

    def forward(self, cls_score, label, weight=None, avg_factor=None,
                reduction_override=None, **kwargs):
        label = self.check_hard_labels(cls_score, label, type(self).__name__)
        return self.reduce(
            self.per_sample_loss(cls_score, label), label, weight,
            avg_factor, self.class_weights(cls_score.size(1)),
            reduction_override)

    def reduce(self, per_sample: torch.Tensor, label: torch.Tensor,
               weight: Optional[torch.Tensor], avg_factor: Optional[float],
               class_weights: Optional[torch.Tensor] = None,
               reduction_override: Optional[str] = None) -> torch.Tensor:
        """Weighted batch loss ``sum_i w_i cw_{y_i} l_i / Z``."""
        batch = per_sample.size(0)
        weights = per_sample.new_ones(batch) if weight is None else \
            weight.to(per_sample).reshape(-1)
        if weights.numel() != batch:
            raise ValueError(f'{type(self).__name__}: {weights.numel()} '
                             f'sample weights for a batch of {batch}.')
        denominator = float(batch) if avg_factor is None else avg_factor
        if class_weights is not None:
            per_class = class_weights.to(per_sample)[label]
            weights = weights * per_class
            denominator = denominator * per_class.mean()
        if reduction_override == 'none':
            return self.loss_weight * per_sample * weights
        if reduction_override == 'sum':
            return self.loss_weight * (per_sample * weights).sum()
        return self.loss_weight * (per_sample * weights).sum() / denominator

    @staticmethod
    def check_hard_labels(cls_score: torch.Tensor, label: torch.Tensor,
                          name: str) -> torch.Tensor:
        if label.ndim != 1:
            raise ValueError(
                f'{name} takes hard labels (one class index per sample); '
                'soft targets from Mixup/CutMix need a loss that accepts '
                'them, e.g. CrossEntropyLoss(use_soft=True).')
        if label.numel() != cls_score.size(0):
            raise ValueError(f'{name}: {label.numel()} labels for '
                             f'{cls_score.size(0)} score rows.')
        return label.long()
