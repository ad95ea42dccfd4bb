from .balanced_softmax_loss import BalancedSoftmaxLoss
from ..utils.class_counts import ClassCountsMixin, effective_number_weights
from .base import LongTailLoss
from .cross_entropy_lt_loss import ClassBalancedCrossEntropyLoss
from .ldam_loss import LDAMLoss, ldam_margins
from .logit_adjusted_loss import LogitAdjustedLoss
from .mdcs_loss import MDCSLoss
from .ride_loss import RIDELoss
from .shike_loss import SHIKELoss
from .softmax_focal_loss import SoftmaxFocalLoss

__all__ = [
    'LongTailLoss', 'ClassCountsMixin', 'effective_number_weights',
    'ClassBalancedCrossEntropyLoss', 'BalancedSoftmaxLoss',
    'LogitAdjustedLoss', 'SoftmaxFocalLoss', 'LDAMLoss', 'ldam_margins',
    'RIDELoss', 'SHIKELoss', 'MDCSLoss'
]
