"""The two-token head of DeiT-LT: class token on the labels, distillation
token on the teacher's predictions."""
import warnings
from typing import Optional

import torch
from mmpretrain.models.heads import DeiTClsHead
from mmpretrain.registry import MODELS

from ..losses import ClassBalancedCrossEntropyLoss
from ..utils.class_counts import ClassCountsMixin, check_posthoc_kind
from ..utils.sample_weights import sample_weights_of, weighted_average_factor


@MODELS.register_module()
class DeiTLTClsHead(ClassCountsMixin, DeiTClsHead):
    """``(1 - alpha) L_cls(z_cls, y) + alpha CE(z_dist, argmax f_T(x); w)``.

    `DeiT-LT <https://arxiv.org/abs/2404.02900>`_ (Rangwani et al., CVPR
    2024), Eq. 3-5: the class token learns the (mixed, smoothed) labels with
    ``loss``; the distillation token learns the teacher's hard predictions
    on the same augmented images (``DeiTLTClassifier`` passes them as
    ``teacher_logits``); from ``reweight_epoch`` on the distillation CE is
    weighted by the class-balanced weights (effective number, beta) of the
    teacher's predicted class (the re-weighted distillation of the paper's
    DRW phase). Prediction: the mean of both tokens' logits (``DeiTClsHead``),
    optionally corrected at test for the class prior like the other heads
    (``posthoc_tau``). Per-sample weights (DiffuLT's omega) weight both
    terms.

    Args:
        distill_weight (float): alpha. Defaults to 0.5.
        reweight_epoch (int, optional): First epoch of the re-weighted
            distillation; None never re-weights. Defaults to None.
        beta (float): Effective-number beta. Defaults to 0.9999.
        sample_weight_norm (str): 'batch' or 'weight_sum'.
        class_counts (Sequence[int], optional): Fixed training counts for
            the re-weighting and the test-time correction (else
            ``TrainClassCountsHook`` sets them on the head and on the
            distillation loss, a ``ClassBalancedCrossEntropyLoss``).
        posthoc_tau (float): tau of the test-time prior correction of the
            prediction; 0 (default) turns it off.
        posthoc_type (str): 'logit_adjust' or 'iif', as in
            ``WeightedLinearClsHead``. Defaults to 'logit_adjust'.
        posthoc_class_counts (Sequence[int], optional): The prior that the
            correction removes when it is not the training counts (e.g. the
            real counts of a model trained on a DiffuLT proxy); not
            overridden by a checkpoint. Defaults to None.
        **kwargs: ``DeiTClsHead`` arguments (``num_classes``,
            ``in_channels``, ``loss`` of the class token, ...).
    """

    def __init__(self,
                 *args,
                 distill_weight: float = 0.5,
                 reweight_epoch: Optional[int] = None,
                 beta: float = 0.9999,
                 sample_weight_norm: str = 'batch',
                 class_counts=None,
                 posthoc_tau: float = 0.0,
                 posthoc_type: str = 'logit_adjust',
                 posthoc_class_counts=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.posthoc_tau = float(posthoc_tau)
        self.posthoc_type = check_posthoc_kind(posthoc_type)
        self._init_class_counts(class_counts, posthoc_class_counts)
        if not 0 <= distill_weight <= 1:
            raise ValueError('DeiTLTClsHead.distill_weight must lie in '
                             f'[0, 1], got {distill_weight}.')
        weighted_average_factor(None, 1, sample_weight_norm)  # validates
        self.distill_weight = float(distill_weight)
        self.reweight_epoch = reweight_epoch
        self.sample_weight_norm = sample_weight_norm
        self.epoch = 0
        self.distill_loss_module = ClassBalancedCrossEntropyLoss(
            class_weighting=None
            if reweight_epoch is None else 'effective_number',
            beta=beta,
            reweight_epoch=reweight_epoch or 0,
            class_counts=class_counts)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)
        self.distill_loss_module.set_epoch(epoch)

    def token_logits(self, feats):
        """Logits of the class token and of the distillation token."""
        cls_token, dist_token = self.pre_logits(feats)
        return self.layers.head(cls_token), self.layers.head_dist(dist_token)

    def forward(self, feats) -> torch.Tensor:
        with warnings.catch_warnings():
            # DeiTClsHead warns that mmpretrain cannot train it; this can.
            warnings.simplefilter('ignore', UserWarning)
            return super().forward(feats)

    def loss(self, feats, data_samples, teacher_logits=None, **kwargs):
        if teacher_logits is None:
            raise ValueError('DeiTLTClsHead needs the teacher\'s logits: use '
                             "it in model=dict(type='DeiTLTClassifier').")
        cls_score, dist_score = self.token_logits(feats)
        if 'gt_score' in data_samples[0]:
            target = torch.stack([s.gt_score for s in data_samples])
        else:
            target = torch.cat([s.gt_label for s in data_samples])
        weights = sample_weights_of(data_samples, cls_score.device)
        avg_factor = weighted_average_factor(weights, cls_score.size(0),
                                             self.sample_weight_norm)
        loss_cls = self.loss_module(
            cls_score, target, weight=weights, avg_factor=avg_factor)

        loss_dist = self.distill_loss_module(
            dist_score, teacher_logits.argmax(dim=1), weight=weights,
            avg_factor=avg_factor)
        return dict(
            loss_cls=(1 - self.distill_weight) * loss_cls,
            loss_dist=self.distill_weight * loss_dist)

    def predict(self, feats, data_samples=None):
        cls_score = self.posthoc_adjust(self(feats), self.posthoc_tau,
                                        self.posthoc_type)
        return self._get_predictions(cls_score, data_samples)
