"""MDCS's loss: prior-shifted diverse experts plus consistency
self-distillation between a weak and a strong view."""
from typing import Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


@MODELS.register_module()
class MDCSLoss(LongTailLoss):
    """``L = L_DL + w(t) * L_CS`` over E experts and two views.

    `MDCS: More Diverse Experts with Consistency Self-distillation for
    Long-tailed Recognition <https://arxiv.org/abs/2308.09922>`_ (Zhao et
    al., ICCV 2023), Sec. 3:

    - diversity loss ``L_DL = sum_k CE(z_k + lambda_k log pi, y)`` on both
      views, with ``lambda = (-0.5, 1, 2.5)``: a head-, a uniform- and a
      tail-biased expert;
    - consistency self-distillation ``L_CS = sum_k T^2 KL(sg p_k^weak ||
      p_k^strong)`` with ``p = softmax((z_k + lambda_k log pi) / T)``, only on
      the samples whose weak-view adjusted prediction of expert k is right
      (confident instance sampling), averaged over those samples;
    - ``w(t) = consistency_weight * min(epoch / consistency_warmup, 1)``.

    Takes the stacked expert logits ``(E, V * B, C)`` of
    ``MultiExpertClsHead`` for V views of B samples, view-major (all weak
    views, then all strong views; ``MultiViewClsDataPreprocessor`` makes that
    batch). With one view only ``L_DL`` is used. Per-sample weights
    (DiffuLT's omega) weight both terms. Predict with the mean of the raw
    expert logits (the head's default).

    Args:
        prior_factors (Sequence[float]): lambda_k per expert.
            Defaults to (-0.5, 1.0, 2.5).
        consistency_weight (float): Final weight of ``L_CS``. Defaults to
            0.6.
        consistency_warmup (int): Epochs of the linear ramp of the weight.
            Defaults to 20.
        temperature (float): T. Defaults to 1.
        **kwargs: ``LongTailLoss`` arguments (``class_counts``,
            ``loss_weight``).
    """
    multi_expert = True

    def __init__(self,
                 prior_factors: Sequence[float] = (-0.5, 1.0, 2.5),
                 consistency_weight: float = 0.6,
                 consistency_warmup: int = 20,
                 temperature: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        if temperature <= 0 or consistency_warmup < 0:
            raise ValueError('MDCSLoss: temperature must be positive and '
                             'consistency_warmup non-negative.')
        self.prior_factors = tuple(float(f) for f in prior_factors)
        self.consistency_weight = float(consistency_weight)
        self.consistency_warmup = int(consistency_warmup)
        self.temperature = float(temperature)

    def consistency_factor(self) -> float:
        """w(t) at the current epoch."""
        if self.consistency_warmup == 0:
            return self.consistency_weight
        return self.consistency_weight * min(
            self.epoch / self.consistency_warmup, 1.0)

    def adjusted_logits(self, expert_logits: torch.Tensor) -> torch.Tensor:
        """``z_k + lambda_k log pi`` for every expert k."""
        num_experts, _, num_classes = expert_logits.shape
        if num_experts != len(self.prior_factors):
            raise ValueError(
                f'MDCSLoss has {len(self.prior_factors)} prior_factors for '
                f'{num_experts} experts; give one lambda per expert.')
        factors = expert_logits.new_tensor(self.prior_factors)[:, None, None]
        return expert_logits + factors * self.log_prior(num_classes).to(
            expert_logits)

    def forward(self, expert_logits, label, weight=None, avg_factor=None,
                reduction_override=None, **kwargs):
        if expert_logits.ndim != 3:
            raise ValueError('MDCSLoss takes stacked expert logits (E, N, C);'
                             ' use it in MultiExpertClsHead.')
        batch = label.numel()
        if batch == 0 or expert_logits.size(1) % batch:
            raise ValueError(
                f'MDCSLoss: {expert_logits.size(1)} logits rows are not a '
                f'whole number of views of {batch} samples.')
        views = expert_logits.size(1) // batch
        if views > 2:
            raise ValueError(f'MDCSLoss takes one or two views, got {views}.')
        label = self.check_hard_labels(expert_logits[0, :batch], label,
                                       'MDCSLoss')
        weight = label.new_ones(batch, dtype=expert_logits.dtype) \
            if weight is None else weight.to(expert_logits).reshape(-1)
        denominator = float(batch) if avg_factor is None else avg_factor
        adjusted = self.adjusted_logits(expert_logits)

        labels_all, weights_all = label.repeat(views), weight.repeat(views)
        loss = 0.0
        for logits in adjusted:
            ce = F.cross_entropy(logits, labels_all, reduction='none')
            loss = loss + (ce * weights_all).sum() / (views * denominator)

        factor = self.consistency_factor()
        if views == 2 and factor > 0:
            weak = adjusted[:, :batch] / self.temperature
            strong = adjusted[:, batch:] / self.temperature
            with torch.no_grad():
                target = F.softmax(weak, dim=2)
                confident = (weak.argmax(dim=2) == label).to(weak)  # (E, B)
            kl = (target * (target.clamp_min(1e-12).log() -
                            F.log_softmax(strong, dim=2))).sum(2)
            selected = confident.sum(1).clamp_min(1.0)
            consistency = ((kl * confident * weight).sum(1) /
                           selected).sum() * self.temperature**2
            loss = loss + factor * consistency
        return self.loss_weight * loss
