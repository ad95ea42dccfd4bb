"""Focal loss on the softmax probability of the true class."""
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


@MODELS.register_module()
class SoftmaxFocalLoss(LongTailLoss):
    """``-(1 - p_y) ** gamma * log p_y`` with a softmax over classes.

    `Focal Loss for Dense Object Detection <https://arxiv.org/abs/1708.02002>`_
    (Lin et al., ICCV 2017) in the multi-class form the long-tail literature
    uses (mmpretrain's ``FocalLoss`` is the sigmoid, one-vs-all form). With
    ``class_weighting='effective_number'`` it is CB-Focal (Cui et al., CVPR
    2019); the class weight multiplies the focal term. Honours per-sample
    weights.

    Args:
        gamma (float): Focusing parameter. Defaults to 1.0 (the LDAM-DRW
            code's choice for CIFAR).
        **kwargs: ``LongTailLoss`` arguments.
    """
    needs_class_counts = False

    def __init__(self, gamma: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if gamma < 0:
            raise ValueError(f'SoftmaxFocalLoss: gamma must be >= 0, got '
                             f'{gamma}.')
        self.gamma = gamma

    def per_sample_loss(self, cls_score, label):
        log_p = F.log_softmax(cls_score, dim=1).gather(1, label[:, None])[:, 0]
        return -torch.pow(1.0 - log_p.exp(), self.gamma) * log_p
