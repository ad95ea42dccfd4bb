"""Label-distribution-aware margin loss."""
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


def ldam_margins(counts: torch.Tensor, max_margin: float) -> torch.Tensor:
    """``Delta_c proportional to n_c ** (-1/4)``, the largest = max_margin."""
    margins = counts.clamp_min(1.0).pow(-0.25)
    return margins * (max_margin / margins.max())


def ldam_margin_shift(cls_score: torch.Tensor, label: torch.Tensor,
                      counts: torch.Tensor, max_margin: float,
                      scale: float) -> torch.Tensor:
    """``s * Delta_y e_y`` per sample: what LDAM subtracts from the logits."""
    margins = scale * ldam_margins(counts, max_margin).to(cls_score)
    one_hot = F.one_hot(label, cls_score.size(1)).to(cls_score)
    return one_hot * margins[label][:, None]


@MODELS.register_module()
class LDAMLoss(LongTailLoss):
    """LDAM with optional deferred re-weighting (LDAM-DRW).

    `Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss
    <https://arxiv.org/abs/1906.07413>`_ (Cao et al., NeurIPS 2019), Eq. 13:
    ``CE(z - s Delta_y e_y, y)`` with ``Delta_c = C / n_c ** (1/4)``. The
    logits are expected to be ``s * cos`` already (``CosineClsHead`` with
    ``scale=s``), so the margin subtracted is ``s * Delta_y``, as in the RIDE
    code. DRW: ``class_weighting='effective_number'``, ``reweight_epoch=160``
    (of 200). Honours per-sample weights.

    Args:
        max_margin (float): The largest margin (the rarest class). Defaults
            to 0.5.
        scale (float): s, the scale of the cosine logits. Defaults to 30.
        **kwargs: ``LongTailLoss`` arguments.
    """

    def __init__(self, max_margin: float = 0.5, scale: float = 30.0,
                 **kwargs):
        super().__init__(**kwargs)
        if max_margin <= 0 or scale <= 0:
            raise ValueError('LDAMLoss: max_margin and scale must be > 0, '
                             f'got {max_margin} and {scale}.')
        self.max_margin = max_margin
        self.scale = scale

    def margin_logits(self, cls_score, label):
        """The logits with the true class's margin subtracted."""
        return cls_score - ldam_margin_shift(
            cls_score, label, self.counts_or_raise(cls_score.size(1)),
            self.max_margin, self.scale)

    def per_sample_loss(self, cls_score, label):
        return F.cross_entropy(
            self.margin_logits(cls_score, label), label, reduction='none')
