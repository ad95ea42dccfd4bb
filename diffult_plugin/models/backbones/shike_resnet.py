"""SHIKE's multi-expert CIFAR ResNet with depth-wise knowledge fusion."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .cifar_resnet import (CIFAR_RESNET_INIT, as_init_cfg, blocks_per_stage,
                           make_stage)


def strided_conv(in_channels, out_channels, relu: bool = False):
    """3x3 convolution with stride 2 and BN, optionally followed by ReLU
    (no parameters: checkpoints are the same either way)."""
    layers = [
        nn.Conv2d(in_channels, out_channels, 3, 2, 1, bias=False),
        nn.BatchNorm2d(out_channels)
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


@MODELS.register_module()
class SHIKEResNet(BaseModule):
    """CIFAR ResNet with shared first two stages and one last stage per
    expert, each expert fused with a shallower feature.

    `Long-Tailed Visual Recognition via Self-Heterogeneous Integration with
    Knowledge Excavation <https://arxiv.org/abs/2304.01279>`_ (Jin et al.,
    CVPR 2023), Sec. 3.2, Depth-wise Knowledge Fusion: expert m computes
    ``stage3_m(F_2) * h_m(F_s)``, where ``F_s`` is the output of shared
    stage s (``fusion_stages[m]``) and ``h_m`` maps it to the last stage's
    shape with strided 3x3 convolutions. As in the official code
    (``ShallowExpert``: ``StridedConv(use_relu=(k != 1))`` for the k-th
    convolution), the first convolution of each fusion is followed by a
    ReLU: between the two convolutions from stage 1, and after the single
    convolution from stage 2. The official CIFAR model fuses experts 1 and
    3 with stage 1 and expert 2 with stage 2 (``fusion_stages=(0, 1, 0)``)
    and uses projection (option-B) shortcuts; 3 experts with both classifier sets of
    ``MultiExpertClsHead`` come to about 1.28 M parameters with 100 classes.

    Args:
        depth (int): 20, 32, 44, 56 or 110. Defaults to 32.
        num_experts (int): Number of experts. Defaults to 3.
        fusion_stages (Sequence[int]): Shared stage (0 or 1) each expert
            fuses with. Defaults to (0, 1, 0).
        shortcut (str): 'A' or 'B'. Defaults to 'B'.
        channels_last (bool): NHWC convolutions. Defaults to False.
        init_cfg: mmengine init config.
    """

    def __init__(self,
                 depth: int = 32,
                 num_experts: int = 3,
                 fusion_stages: Sequence[int] = (0, 1, 0),
                 shortcut: str = 'B',
                 channels_last: bool = False,
                 init_cfg=CIFAR_RESNET_INIT):
        super().__init__(init_cfg=as_init_cfg(init_cfg))
        blocks = blocks_per_stage('SHIKEResNet', depth)
        if len(fusion_stages) != num_experts or \
                not set(fusion_stages) <= {0, 1}:
            raise ValueError(
                'SHIKEResNet: fusion_stages needs one entry (0 or 1) per '
                f'expert, got {tuple(fusion_stages)} for {num_experts} '
                'experts.')
        self.num_experts = num_experts
        self.fusion_stages = tuple(fusion_stages)
        self.channels_last = channels_last
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.stage1 = make_stage(16, 16, blocks, 1, shortcut)
        self.stage2 = make_stage(16, 32, blocks, 2, shortcut)
        self.experts = nn.ModuleList(
            make_stage(32, 64, blocks, 2, shortcut)
            for _ in range(num_experts))
        self.fusions = nn.ModuleList()
        for stage in self.fusion_stages:
            if stage == 0:
                self.fusions.append(
                    nn.Sequential(
                        strided_conv(16, 32), nn.ReLU(inplace=True),
                        strided_conv(32, 64)))
            else:
                self.fusions.append(strided_conv(32, 64, relu=True))
        self.out_channels = 64
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def forward(self, x):
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        shallow = [self.stage1(F.relu(self.bn1(self.conv1(x))))]
        shallow.append(self.stage2(shallow[0]))
        return tuple(
            expert(shallow[1]) * fusion(shallow[stage])
            for expert, fusion, stage in zip(self.experts, self.fusions,
                                             self.fusion_stages))
