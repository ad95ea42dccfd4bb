"""Balanced Softmax: cross-entropy on logits shifted by the log class
counts."""
from mmpretrain.registry import MODELS

from .logit_adjusted_loss import LogitAdjustedLoss


@MODELS.register_module()
class BalancedSoftmaxLoss(LogitAdjustedLoss):
    """``CE(z + log n, y)`` in training; plain logits at test time.

    `Balanced Meta-Softmax for Long-Tailed Visual Recognition
    <https://arxiv.org/abs/2007.10740>`_ (Ren et al., NeurIPS 2020), Eq. 4.
    The counts are the training set's (the proxy's when DiffuLT is on, where
    the shift is close to zero for a fully balanced proxy). Honours
    per-sample weights.

    Args:
        **kwargs: ``LongTailLoss`` arguments.
    """

    def __init__(self, **kwargs):
        # log n and log pi differ by a constant, which softmax ignores:
        # Balanced Softmax is logit adjustment with tau = 1.
        super().__init__(tau=1.0, **kwargs)
