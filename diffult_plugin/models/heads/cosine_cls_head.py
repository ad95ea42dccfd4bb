"""A cosine-similarity classification head."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .weighted_linear_cls_head import WeightedLinearClsHead


#: How ``NormedLinear`` scales a feature before the cosine.
FEATURE_NORMS = ('unit', 'squash')


class NormedLinear(nn.Module):
    """``scale * <g(x), w_c / ||w_c||>`` for every class c (no bias).

    ``g(x) = x / ||x||`` (``feature_norm='unit'``: a plain cosine, the
    ``NormedLinear`` of LDAM-DRW and RIDE) or
    ``g(x) = ||x|| / (1 + ||x||) * x / ||x||`` (``'squash'``: the
    ``CosNorm_Classifier`` of OLTR and of the official APA / AGLU code, which
    keeps a feature's norm as a confidence below 1).

    Args:
        in_features (int): Feature size.
        out_features (int): Number of classes.
        scale (float): s. Defaults to 30.
        feature_norm (str): 'unit' or 'squash'. Defaults to 'unit'.
    """

    def __init__(self, in_features: int, out_features: int,
                 scale: float = 30.0, feature_norm: str = 'unit'):
        super().__init__()
        if feature_norm not in FEATURE_NORMS:
            raise ValueError(f'feature_norm must be one of {FEATURE_NORMS}, '
                             f'got {feature_norm!r}.')
        self.scale = scale
        self.feature_norm = feature_norm
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        # Any direction is fine: only the normalised rows are used.
        nn.init.kaiming_uniform_(self.weight, a=5**0.5)

    def forward(self, x):
        features = F.normalize(x, dim=1)
        if self.feature_norm == 'squash':
            norm = x.norm(dim=1, keepdim=True)
            features = features * norm / (1 + norm)
        return self.scale * F.linear(features,
                                     F.normalize(self.weight, dim=1))

    def extra_repr(self):
        return (f'in_features={self.weight.size(1)}, '
                f'out_features={self.weight.size(0)}, scale={self.scale}, '
                f'feature_norm={self.feature_norm}')


@MODELS.register_module()
class CosineClsHead(WeightedLinearClsHead):
    """Cosine classifier: logits ``s * cos(f, w_c)``.

    The normalised classifier of LDAM-DRW (`Cao et al., NeurIPS 2019
    <https://arxiv.org/abs/1906.07413>`_) and RIDE (``NormedLinear``, s = 30).
    Pair it with ``LDAMLoss(scale=s)``. Per-sample weights and post-hoc logit
    adjustment as in ``WeightedLinearClsHead``; tau-normalisation does not
    apply (the rows are already unit vectors).

    With ``feature_norm='squash'`` the feature is scaled by
    ``||f|| / (1 + ||f||)`` before the cosine, as in the official APA / AGLU
    code (`Alexandridis et al., ECCV 2024
    <https://arxiv.org/abs/2407.08567>`_, ``CosNorm_Classifier``), which the
    AGLU configs use.

    Args:
        scale (float): s. Defaults to 30.
        feature_norm (str): 'unit' (a plain cosine) or 'squash'. Defaults
            to 'unit'.
        **kwargs: ``WeightedLinearClsHead`` arguments.
    """

    def __init__(self, *args, scale: float = 30.0,
                 feature_norm: str = 'unit', **kwargs):
        if kwargs.get('tau_norm') is not None:
            raise ValueError('CosineClsHead: tau_norm does not apply to a '
                             'cosine classifier (its rows are unit vectors);'
                             ' remove it.')
        kwargs.setdefault('init_cfg', None)
        super().__init__(*args, **kwargs)
        self.fc = NormedLinear(self.in_channels, self.num_classes, scale,
                               feature_norm)
