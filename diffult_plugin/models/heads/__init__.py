from .cosine_cls_head import CosineClsHead, NormedLinear
from .deit_lt_cls_head import DeiTLTClsHead
from ..utils.meta_encoder import MetaEncoder, ResNormLayer
from .meta_fusion_cls_head import MetaFusionClsHead
from .multi_expert_cls_head import MultiExpertClsHead
from .p2ot_cluster_head import (P2OTClusterHead, knn_graph, p2ot_pseudo_labels,
                                p2ot_rho, sigmoid_rampup, sp2ot_pseudo_labels)
from .ride_router import RIDERouter
from .weighted_linear_cls_head import WeightedLinearClsHead

__all__ = [
    'WeightedLinearClsHead', 'CosineClsHead', 'NormedLinear',
    'MultiExpertClsHead', 'RIDERouter', 'DeiTLTClsHead', 'P2OTClusterHead',
    'p2ot_pseudo_labels', 'p2ot_rho', 'sigmoid_rampup', 'sp2ot_pseudo_labels',
    'knn_graph', 'MetaEncoder',
    'MetaFusionClsHead', 'ResNormLayer'
]
