"""Logit-adjusted cross-entropy."""
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


@MODELS.register_module()
class LogitAdjustedLoss(LongTailLoss):
    """``CE(z + tau log pi, y)``.

    `Long-tail learning via logit adjustment
    <https://arxiv.org/abs/2007.07314>`_ (Menon et al., ICLR 2021), Eq. 10.
    ``tau = 1`` is Balanced Softmax. The post-hoc variant (``argmax z -
    tau log pi`` on a CE model) is the ``posthoc_tau`` option of the heads.
    Honours per-sample weights.

    Args:
        tau (float): Scale of the log prior. Defaults to 1.0.
        **kwargs: ``LongTailLoss`` arguments.
    """

    def __init__(self, tau: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.tau = tau

    def per_sample_loss(self, cls_score, label):
        shifted = cls_score + self.tau * self.log_prior(
            cls_score.size(1)).to(cls_score)
        return F.cross_entropy(shifted, label, reduction='none')
