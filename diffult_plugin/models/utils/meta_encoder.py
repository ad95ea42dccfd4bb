"""MetaFormer's meta-information encoder."""
from typing import Optional

import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


class ResNormLayer(nn.Module):
    """Linear -> ReLU -> LayerNorm twice with a residual connection (the
    ``ResNormLayer`` of MetaFormer's meta encoder)."""

    def __init__(self, width: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.Linear(width, width), nn.ReLU(inplace=True),
            nn.LayerNorm(width), nn.Linear(width, width),
            nn.ReLU(inplace=True), nn.LayerNorm(width))

    def forward(self, x):
        return x + self.block(x)


@MODELS.register_module()
class MetaEncoder(BaseModule):
    """MetaFormer's meta-information encoder: Linear -> ReLU -> LayerNorm,
    then ``num_blocks`` :class:`ResNormLayer` s.

    `MetaFormer: A Unified Meta Framework for Fine-Grained Recognition
    <https://arxiv.org/abs/2203.02751>`_ (Diao et al.): the code's meta heads
    are this encoder with one ResNorm block, one per meta group and per
    transformer stage of the hybrid backbone.

    Args:
        in_dim (int): Size of the meta vector (7 for the spatio-temporal
            encoding).
        width (int): Size of the embedding.
        num_blocks (int): ResNorm blocks. Defaults to 2.
    """

    def __init__(self, in_dim: int, width: int = 64, num_blocks: int = 2,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.net = nn.Sequential(
            nn.Linear(in_dim, width), nn.ReLU(inplace=True),
            nn.LayerNorm(width), *[ResNormLayer(width)
                                   for _ in range(num_blocks)])
        self.out_dim = width

    def forward(self, meta):
        return self.net(meta)
