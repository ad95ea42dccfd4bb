"""Balanced Softmax: cross-entropy on logits shifted by the log class
counts."""
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .class_prior import LongTailLoss


@MODELS.register_module()
class BalancedSoftmaxLoss(LongTailLoss):
    """``CE(z + log n, y)`` in training; plain logits at test time.

    `Balanced Meta-Softmax for Long-Tailed Visual Recognition
    <https://arxiv.org/abs/2007.10740>`_ (Ren et al., NeurIPS 2020), Eq. 4.
    The counts are the training set's (the proxy's when DiffuLT is on, where
    the shift is close to zero for a fully balanced proxy). Honours
    per-sample weights.

    Args:
        **kwargs: ``LongTailLoss`` arguments.
    """

    def forward(self, cls_score, label, weight=None, avg_factor=None,
                reduction_override=None, **kwargs):
        label = self.check_hard_labels(cls_score, label, type(self).__name__)
        # log n and log pi differ by a constant, which softmax ignores.
        shifted = cls_score + self.log_prior(cls_score.size(1)).to(cls_score)
        per_sample = F.cross_entropy(shifted, label, reduction='none')
        return self.reduce(per_sample, label, weight, avg_factor,
                           self.class_weights(cls_score.size(1)),
                           reduction_override)
