from .sample_weights import sample_weights_of, weighted_average_factor
from .weighted_linear_cls_head import WeightedLinearClsHead

__all__ = [
    'WeightedLinearClsHead', 'sample_weights_of', 'weighted_average_factor'
]
