"""RIDE's multi-expert CIFAR ResNet."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .cifar_resnet import (CIFAR_RESNET_INIT, as_init_cfg, blocks_per_stage,
                           make_stage)


@MODELS.register_module()
class RIDEResNet(BaseModule):
    """CIFAR ResNet with a shared stem and first stage and one copy of the
    later stages per expert.

    `Long-tailed Recognition by Routing Diverse Distribution-Aware Experts
    <https://arxiv.org/abs/2010.01809>`_ (Wang et al., ICLR 2021), Sec. 3.1.
    With ``reduce_dimension=True`` (every CIFAR config of RIDE) the expert
    stages are 24 and 48 channels wide instead of 32 and 64, which keeps
    3 experts at about 0.78 M parameters with 100 classes. Returns one
    feature map per expert; ``GlobalAveragePooling`` then
    ``MultiExpertClsHead`` make the logits.

    Args:
        depth (int): 20, 32, 44, 56 or 110. Defaults to 32.
        num_experts (int): Number of experts. Defaults to 3.
        reduce_dimension (bool): 24/48-channel expert stages. Defaults to
            True.
        expert_channels (tuple, optional): Explicit widths of the two expert
            stages (overrides ``reduce_dimension``).
        shortcut (str): 'A' or 'B'. Defaults to 'A'.
        channels_last (bool): NHWC convolutions. Defaults to False.
        init_cfg: mmengine init config (Kaiming-normal convs by default).
    """

    def __init__(self,
                 depth: int = 32,
                 num_experts: int = 3,
                 reduce_dimension: bool = True,
                 expert_channels: Optional[tuple] = None,
                 shortcut: str = 'A',
                 channels_last: bool = False,
                 init_cfg=CIFAR_RESNET_INIT):
        super().__init__(init_cfg=as_init_cfg(init_cfg))
        blocks = blocks_per_stage('RIDEResNet', depth)
        if num_experts < 1:
            raise ValueError('RIDEResNet: num_experts must be >= 1.')
        if expert_channels is None:
            expert_channels = (24, 48) if reduce_dimension else (32, 64)
        self.num_experts = num_experts
        self.channels_last = channels_last
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.shared = make_stage(16, 16, blocks, 1, shortcut)
        self.experts = nn.ModuleList(
            nn.Sequential(
                make_stage(16, expert_channels[0], blocks, 2, shortcut),
                make_stage(expert_channels[0], expert_channels[1], blocks, 2,
                           shortcut)) for _ in range(num_experts))
        self.out_channels = expert_channels[1]
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def forward(self, x):
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        shared = self.shared(F.relu(self.bn1(self.conv1(x))))
        return tuple(expert(shared) for expert in self.experts)
