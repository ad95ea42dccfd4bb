"""The classic CIFAR ResNet of He et al. (2016), as used by the long-tail
literature (LDAM-DRW, BBN, RIDE, DiffuLT)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from ..utils import build_activation

#: The activation of the classic CIFAR ResNet.
RELU = dict(type='ReLU')


class _ZeroPadShortcut(nn.Module):
    """Option-A shortcut: subsample by 2 and zero-pad the new channels.

    Parameter-free, as in He et al., Sec. 4.2, and the LDAM-DRW code.
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        extra = out_channels - in_channels
        self.pad = (extra // 2, extra - extra // 2)

    def forward(self, x):
        x = x[:, :, ::2, ::2]
        return F.pad(x, (0, 0, 0, 0, self.pad[0], self.pad[1]))


class CifarBasicBlock(nn.Module):
    """Two 3x3 conv-BN layers with an identity, option-A or option-B shortcut.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first conv. Defaults to 1.
        shortcut (str): 'A' (zero padding) or 'B' (1x1 conv + BN) when the
            shape changes. Defaults to 'A'.
        act_cfg (dict): Both activations (each block gets its own modules,
            so learnable activations such as AGLU have per-site
            parameters). Defaults to ReLU.
        se_cfg (dict, optional): ``SqueezeExcitation`` arguments (without
            ``channels``); applied to the residual branch before the
            addition, as in SE-ResNet. Defaults to None (no SE).
    """

    def __init__(self, in_channels, out_channels, stride=1, shortcut='A',
                 act_cfg=RELU, se_cfg=None):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.act1 = build_activation(act_cfg)
        self.act2 = build_activation(act_cfg)
        self.se = MODELS.build(
            dict(type='SqueezeExcitation', channels=out_channels, **se_cfg)
        ) if se_cfg is not None else None
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        elif shortcut == 'A':
            self.shortcut = _ZeroPadShortcut(in_channels, out_channels)
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.act1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.se is not None:
            out = self.se(out)
        return self.act2(out + self.shortcut(x))


def make_stage(in_channels, out_channels, blocks, stride, shortcut='A',
               act_cfg=RELU, se_cfg=None):
    """``blocks`` basic blocks, the first one with ``stride``."""
    layers = []
    for j in range(blocks):
        layers.append(
            CifarBasicBlock(in_channels, out_channels, stride if j == 0 else 1,
                            shortcut, act_cfg, se_cfg))
        in_channels = out_channels
    return nn.Sequential(*layers)


#: Kaiming-normal convolutions, BN weights 1: the LDAM-DRW / RIDE init.
CIFAR_RESNET_INIT = (dict(type='Kaiming', layer='Conv2d', mode='fan_in'),
                     dict(type='Constant', val=1, layer='BatchNorm2d'))
#: Basic blocks per stage of each depth (6n + 2).
BLOCKS_PER_STAGE = {20: 3, 32: 5, 44: 7, 56: 9, 110: 18}


def blocks_per_stage(name: str, depth: int) -> int:
    """The blocks per stage of a CIFAR ResNet depth, or a clear error."""
    if depth not in BLOCKS_PER_STAGE:
        raise KeyError(f'{name}: invalid depth {depth}; choose one of '
                       f'{sorted(BLOCKS_PER_STAGE)} (6n + 2).')
    return BLOCKS_PER_STAGE[depth]


def as_init_cfg(init_cfg):
    """A dict init config (e.g. Pretrained) stays one; a sequence becomes a
    list."""
    if isinstance(init_cfg, dict) or not init_cfg:
        return init_cfg or None
    return list(init_cfg)


@MODELS.register_module()
class CifarResNet(BaseModule):
    """ResNet for 32x32 inputs: 3 stages of 16 / 32 / 64 channels.

    Paper: `Deep Residual Learning for Image Recognition
    <https://arxiv.org/abs/1512.03385>`_, Sec. 4.2. Depth ``6n + 2`` with ``n``
    basic blocks per stage; ResNet-32 has about 0.46 M parameters. The
    long-tail literature (LDAM-DRW, BBN, RIDE, DiffuLT) uses the option-A
    shortcut and Kaiming-normal initialisation, which are the defaults here.
    (mmpretrain's ``ResNet_CIFAR`` is the 4-stage ImageNet design with a
    3x3 stem, a different network.)

    Args:
        depth (int): 20, 32, 44, 56 or 110. Defaults to 32.
        in_channels (int): Image channels. Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 16.
        shortcut (str): 'A' (parameter-free) or 'B' (projection).
            Defaults to 'A'.
        out_indices (Sequence[int]): Stages whose output is returned.
            Defaults to (2,), the last stage.
        frozen_stages (int): Stages (stem = 0) kept frozen and in eval mode;
            -1 freezes nothing. Defaults to -1.
        channels_last (bool): Run convolutions in NHWC memory layout, which
            is faster on some CPUs (see benchmarks/). Defaults to False.
        act_cfg (dict): Activation of the stem and of every block, e.g.
            ``dict(type='AGLU')`` for the APA paper's networks. Defaults to
            ReLU.
        se_cfg (dict, optional): ``SqueezeExcitation`` arguments for every
            block (an SE-ResNet); None for the plain network.
        init_cfg (dict, optional): mmengine init config. Defaults to
            Kaiming-normal for convs and constant 1 / 0 for BN.
    """
    arch_settings = BLOCKS_PER_STAGE

    def __init__(self,
                 depth: int = 32,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 shortcut: str = 'A',
                 out_indices: Sequence[int] = (2, ),
                 frozen_stages: int = -1,
                 channels_last: bool = False,
                 act_cfg: dict = RELU,
                 se_cfg: Optional[dict] = None,
                 init_cfg=CIFAR_RESNET_INIT):
        super().__init__(init_cfg=as_init_cfg(init_cfg))
        blocks = blocks_per_stage('CifarResNet', depth)
        if shortcut not in ('A', 'B'):
            raise ValueError(
                f"CifarResNet: shortcut must be 'A' or 'B', got {shortcut!r}")
        for i in out_indices:
            if not 0 <= i <= 2:
                raise ValueError(f'CifarResNet: out_indices must be in 0..2, '
                                 f'got {tuple(out_indices)}')
        self.depth = depth
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.channels_last = channels_last

        self.conv1 = nn.Conv2d(
            in_channels, base_channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(base_channels)
        self.act1 = build_activation(act_cfg)
        self.stages = nn.ModuleList()
        channels = base_channels
        for i in range(3):
            out_channels = base_channels * 2**i
            self.stages.append(
                make_stage(channels, out_channels, blocks, 1 if i == 0 else 2,
                           shortcut, act_cfg, se_cfg))
            channels = out_channels
        self.out_channels = channels
        if channels_last:
            self.to(memory_format=torch.channels_last)
        self._freeze_stages()

    def _freeze_stages(self):
        if self.frozen_stages < 0:
            return
        frozen = [self.conv1, self.bn1, self.act1] + list(
            self.stages[:self.frozen_stages])
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def forward(self, x):
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x = self.act1(self.bn1(self.conv1(x)))
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        return self
