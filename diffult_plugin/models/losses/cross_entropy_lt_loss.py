"""Cross-entropy with class-balanced / deferred re-weighting."""
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


@MODELS.register_module()
class ClassBalancedCrossEntropyLoss(LongTailLoss):
    """Softmax cross-entropy weighted by the effective number of samples.

    `Class-Balanced Loss Based on Effective Number of Samples
    <https://arxiv.org/abs/1901.05555>`_ (Cui et al., CVPR 2019):
    ``w_c = (1 - beta) / (1 - beta ** n_c)``. With ``reweight_epoch > 0`` it
    is CE-DRW (`Cao et al., NeurIPS 2019 <https://arxiv.org/abs/1906.07413>`_):
    plain CE until that epoch. Honours per-sample weights.

    Args:
        **kwargs: ``LongTailLoss`` arguments; ``class_weighting`` defaults to
            'effective_number'.
    """

    def __init__(self, class_weighting='effective_number', **kwargs):
        super().__init__(class_weighting=class_weighting, **kwargs)

    def per_sample_loss(self, cls_score, label):
        return F.cross_entropy(cls_score, label, reduction='none')
