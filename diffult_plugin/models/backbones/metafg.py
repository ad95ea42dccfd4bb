"""MetaFormer's hybrid convolution-transformer backbone with meta tokens."""
import math
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.models.utils import InvertedResidual
from mmpretrain.registry import MODELS

from ..utils.meta_encoder import MetaEncoder
from ..utils.meta_token_attention import MetaTransformerBlock


def _mbconv(in_channels: int, out_channels: int, stride: int,
            expand_ratio: int, drop_path: float) -> InvertedResidual:
    """MetaFormer's ``MBConvBlock`` from mmpretrain's inverted residual:
    1x1 expansion, 3x3 depthwise, squeeze-excitation to a quarter of the
    input channels (Swish, sigmoid), 1x1 projection; Swish, BatchNorm with
    eps 0.01; a skip connection where stride 1 keeps the width."""
    mid = in_channels * expand_ratio
    act = dict(type='Swish')
    return InvertedResidual(
        in_channels, out_channels, mid, kernel_size=3, stride=stride,
        se_cfg=dict(channels=mid, squeeze_channels=max(1, in_channels // 4),
                    act_cfg=(act, dict(type='Sigmoid'))),
        norm_cfg=dict(type='BN', eps=0.01), act_cfg=act,
        drop_path_rate=drop_path)


@MODELS.register_module()
class MetaFG(BaseModule):
    """The hybrid backbone of MetaFormer, with meta-information as tokens.

    `MetaFormer: A Unified Meta Framework for Fine-Grained Recognition
    <https://arxiv.org/abs/2203.02751>`_ (Diao et al., 2022; code
    ``dqshuai/MetaFormer``, ``models/MetaFG_meta.py``). Not mmpretrain's
    ``PoolFormer`` "MetaFormer" (Yu et al.), a different model; the class
    keeps the name of the code, ``MetaFG``.

    A convolutional stem, MBConv stages, then transformer stages. Each
    transformer stage embeds the map into patch tokens and puts in front of
    them a class token and one token per meta group (each group's slice of
    the meta vector through a :class:`MetaEncoder` with one ResNorm block,
    per stage); the stage's extra tokens are dropped before the next stage
    embeds its patches. The class tokens of all transformer stages, mapped
    to the last width, are aggregated by a 1x1 convolution over stages and
    normalised: that is the feature (``out_dim`` wide) a linear head reads.

    A sample whose ``meta_mask`` is 0 (no meta-information, a DiffuLT
    synthetic image, or masked for training) has its meta tokens hidden from
    every other token by the attention's key mask, so its feature is what
    the same network computes from the image alone. (The MetaFormer code
    zeroes a masked sample's meta vector and still feeds the encoder's
    output of zeros as tokens.)

    The same network as the code's: with the code's weights converted
    (tools/model_converters/metaformer_to_diffult.py) this backbone and a
    linear head give the code's logits to within 2.4e-6 (logits up to 4.3),
    with and without meta tokens (benchmarks/metaformer_equivalence.py,
    2026-12-03, randomised small MetaFG_Meta).

    Args:
        arch (str | dict): 'meta-0', 'meta-1', 'meta-2' (the paper's
            MetaFormer-0/1/2) or 'cifar-tiny' (a CPU-sized one for 32x32
            images, not in the paper), or a dict with stem_channels,
            conv_stages ((channels, depth), ...), attn_stages (same) and
            num_heads.
        img_size (int): Input side; fixes the relative position tables.
        meta_dims (Sequence[int]): Sizes of the meta groups, in the order
            of the meta vector, one token each; () for the vision-only
            MetaFormer. Defaults to (3, 4): location on the sphere, then
            month and hour (``spatiotemporal_meta``'s order; the code's
            vector puts the 4 temporal values first).
        stem_stride (int): 4 (the paper: a stride-2 convolution and a
            max-pool), 2 (the convolution alone) or 1 (neither; for 32x32
            images 2 keeps the CPU cost of the MBConv stages a quarter of
            1's).
        mlp_ratio (float): Expansion of the MBConv and MLP blocks.
        drop_path_rate (float): Stochastic depth at the last block.
        init_cfg (dict, optional): Initialisation. Defaults to the code's:
            truncated normal (std 0.02) linear layers, Kaiming (fan out)
            convolutions, unit norms.
    """
    arch_settings = {
        'meta-0': dict(stem_channels=64, conv_stages=((96, 2), (192, 3)),
                       attn_stages=((384, 5), (768, 2)), num_heads=8),
        'meta-1': dict(stem_channels=64, conv_stages=((96, 2), (192, 6)),
                       attn_stages=((384, 14), (768, 2)), num_heads=8),
        'meta-2': dict(stem_channels=128, conv_stages=((128, 2), (256, 6)),
                       attn_stages=((512, 14), (1024, 2)), num_heads=8),
        'cifar-tiny': dict(stem_channels=32, conv_stages=((32, 1), (64, 1)),
                           attn_stages=((96, 1), (128, 1)), num_heads=4),
    }

    def __init__(self,
                 arch='meta-0',
                 img_size: int = 224,
                 meta_dims: Sequence[int] = (3, 4),
                 stem_stride: int = 4,
                 mlp_ratio: float = 4.0,
                 drop_path_rate: float = 0.0,
                 init_cfg: Optional[dict] = None):
        if init_cfg is None:
            init_cfg = [
                dict(type='TruncNormal', layer='Linear', std=0.02, bias=0),
                dict(type='Kaiming', layer='Conv2d', mode='fan_out',
                     nonlinearity='relu'),
                dict(type='Constant', layer=['LayerNorm', 'BatchNorm2d'],
                     val=1, bias=0)
            ]
        super().__init__(init_cfg=init_cfg)
        if isinstance(arch, str):
            if arch not in self.arch_settings:
                raise ValueError(f'MetaFG.arch {arch!r} is not one of '
                                 f'{sorted(self.arch_settings)} (or give a '
                                 'dict).')
            arch = self.arch_settings[arch]
        if stem_stride not in (1, 2, 4):
            raise ValueError('MetaFG.stem_stride is 4 (the paper), 2 or 1 '
                             f'(small images), got {stem_stride}.')
        if any(int(d) < 1 for d in meta_dims):
            raise ValueError(f'MetaFG.meta_dims must be positive group '
                             f'sizes, got {list(meta_dims)}.')
        self.meta_dims = tuple(int(d) for d in meta_dims)
        self.meta_dim = sum(self.meta_dims)
        self.num_extra = 1 + len(self.meta_dims)
        conv_stages, attn_stages = arch['conv_stages'], arch['attn_stages']
        depths = [d for _, d in conv_stages[1:]] + [d for _, d in
                                                     attn_stages]
        rates = torch.linspace(0, drop_path_rate,
                               max(sum(depths) + conv_stages[0][1], 1))
        rates = iter(rates.tolist())

        stem = arch['stem_channels']
        stride = 1 if stem_stride == 1 else 2
        self.stem = nn.Sequential(
            nn.Conv2d(3, 3 * stem // 4, 3, stride, 1, bias=False),
            nn.BatchNorm2d(3 * stem // 4), nn.ReLU(inplace=True),
            nn.Conv2d(3 * stem // 4, stem, 3, 1, 1, bias=False),
            nn.BatchNorm2d(stem), nn.ReLU(inplace=True),
            nn.Conv2d(stem, stem, 3, 1, 1, bias=False),
            nn.BatchNorm2d(stem), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1) if stem_stride == 4 else nn.Identity())
        side = img_size // stem_stride
        channels = stem
        conv_blocks = []
        # The first MBConv stage keeps the stem's resolution, the others
        # halve it.
        for index, (width, depth) in enumerate(conv_stages):
            for block in range(depth):
                step = 2 if block == 0 and index > 0 else 1
                conv_blocks.append(_mbconv(channels, width, step,
                                           int(mlp_ratio), next(rates)))
                channels = width
                side = math.ceil(side / step)
        self.conv_stages = nn.Sequential(*conv_blocks)

        self.attn_stages = nn.ModuleList()
        self.cls_tokens = nn.ParameterList()
        self.meta_encoders = nn.ModuleList()
        self.cls_maps = nn.ModuleList()
        self.stage_patches = []
        last = attn_stages[-1][0]
        for stage, (width, depth) in enumerate(attn_stages):
            side = math.ceil(side / 2)
            self.stage_patches.append(side * side)
            self.attn_stages.append(nn.ModuleList([
                MetaTransformerBlock(
                    channels if block == 0 else width, width, (side, side),
                    self.num_extra, arch['num_heads'],
                    embed_stride=2 if block == 0 else None,
                    mlp_ratio=mlp_ratio, drop_path=next(rates))
                for block in range(depth)
            ]))
            token = nn.Parameter(torch.zeros(1, 1, width))
            nn.init.trunc_normal_(token, std=0.02)
            self.cls_tokens.append(token)
            self.meta_encoders.append(nn.ModuleList([
                MetaEncoder(dim, width, num_blocks=1)
                for dim in self.meta_dims
            ]))
            # Each stage's class token in the last stage's width: the
            # code's cl_1_fc (LayerNorm, MLP, LayerNorm) for the earlier
            # stages, a LayerNorm for the last.
            self.cls_maps.append(
                nn.LayerNorm(width) if stage == len(attn_stages) - 1 else
                nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width),
                              nn.GELU(), nn.Linear(width, last),
                              nn.LayerNorm(last)))
            channels = width
        self.aggregate = nn.Conv1d(len(attn_stages), 1, 1)
        self.norm = nn.LayerNorm(last)
        self.out_dim = last

    def _meta_tokens(self, stage: int, meta: torch.Tensor) -> list:
        groups = torch.split(meta, self.meta_dims, dim=1)
        return [encoder(group)[:, None] for encoder, group in zip(
            self.meta_encoders[stage], groups)]

    def forward(self, x: torch.Tensor, meta: Optional[torch.Tensor] = None,
                meta_mask: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor]:
        """``x`` (B, 3, H, W); ``meta`` (B, sum(meta_dims)) and
        ``meta_mask`` (B,), both optional (None: no sample has
        meta-information)."""
        batch = len(x)
        if self.meta_dims:
            if meta is None:
                meta = x.new_zeros(batch, self.meta_dim)
                meta_mask = x.new_zeros(batch)
            elif meta.shape != (batch, self.meta_dim):
                raise ValueError(
                    f'MetaFG: meta of shape {tuple(meta.shape)}, expected '
                    f'({batch}, {self.meta_dim}) (meta_dims='
                    f'{list(self.meta_dims)}).')
            if meta_mask is None:
                meta_mask = x.new_ones(batch)
            meta = meta.to(x.dtype)
        x = self.conv_stages(self.stem(x))
        extra_mask = None
        if self.meta_dims:
            extra_mask = torch.cat([
                x.new_ones(batch, 1, dtype=torch.bool),
                (meta_mask > 0)[:, None].expand(-1, len(self.meta_dims))
            ], dim=1)
        class_tokens = []
        for stage, blocks in enumerate(self.attn_stages):
            extra = [self.cls_tokens[stage]]
            key_mask = None
            if self.meta_dims:
                extra += self._meta_tokens(stage, meta)
                key_mask = torch.cat([extra_mask, extra_mask.new_ones(
                    batch, self.stage_patches[stage])], dim=1)
            for index, block in enumerate(blocks):
                x = block(x, extra if index == 0 else None, key_mask)
            class_tokens.append(self.cls_maps[stage](x[:, 0]))
            patches = x[:, self.num_extra:]
            side = math.isqrt(patches.shape[1])
            x = patches.transpose(1, 2).reshape(batch, -1, side, side)
        feature = self.aggregate(torch.stack(class_tokens, dim=1))[:, 0]
        return (self.norm(feature), )
