"""A cosine-similarity classification head."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .weighted_linear_cls_head import WeightedLinearClsHead


class NormedLinear(nn.Module):
    """``scale * cos(x, w_c)`` for every class c (no bias).

    Args:
        in_features (int): Feature size.
        out_features (int): Number of classes.
        scale (float): s. Defaults to 30.
    """

    def __init__(self, in_features: int, out_features: int,
                 scale: float = 30.0):
        super().__init__()
        self.scale = scale
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        # Any direction is fine: only the normalised rows are used.
        nn.init.kaiming_uniform_(self.weight, a=5**0.5)

    def forward(self, x):
        return self.scale * F.linear(
            F.normalize(x, dim=1), F.normalize(self.weight, dim=1))

    def extra_repr(self):
        return (f'in_features={self.weight.size(1)}, '
                f'out_features={self.weight.size(0)}, scale={self.scale}')


@MODELS.register_module()
class CosineClsHead(WeightedLinearClsHead):
    """Cosine classifier: logits ``s * cos(f, w_c)``.

    The normalised classifier of LDAM-DRW (`Cao et al., NeurIPS 2019
    <https://arxiv.org/abs/1906.07413>`_) and RIDE (``NormedLinear``, s = 30).
    Pair it with ``LDAMLoss(scale=s)``. Per-sample weights and post-hoc logit
    adjustment as in ``WeightedLinearClsHead``; tau-normalisation does not
    apply (the rows are already unit vectors).

    Args:
        scale (float): s. Defaults to 30.
        **kwargs: ``WeightedLinearClsHead`` arguments.
    """

    def __init__(self, *args, scale: float = 30.0, **kwargs):
        if kwargs.get('tau_norm') is not None:
            raise ValueError('CosineClsHead: tau_norm does not apply to a '
                             'cosine classifier (its rows are unit vectors);'
                             ' remove it.')
        kwargs.setdefault('init_cfg', None)
        super().__init__(*args, **kwargs)
        self.fc = NormedLinear(self.in_channels, self.num_classes, scale)
