"""The transformer block of MetaFormer's hybrid backbone: self-attention over
extra tokens (class and meta-information tokens) and image patches, with a
relative position bias between patches."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath


def relative_position_index(height: int, width: int,
                            num_extra: int) -> torch.Tensor:
    """(N, N) indices into a bias table of ``(2h-1)(2w-1) + 1`` rows for
    N = num_extra + h w tokens: patch pairs index their 2-d offset, and
    every pair with an extra token the table's last row.

    (The MetaFormer code pads the index with 0, so its extra tokens share
    the bias of the offset (-(h-1), -(w-1)) and the table's last row is
    never read; here they get that last row of their own.)"""
    ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width),
                            indexing='ij')
    coords = torch.stack([ys.flatten(), xs.flatten()])  # 2, hw
    offsets = coords[:, :, None] - coords[:, None, :]  # 2, hw, hw
    index = (offsets[0] + height - 1) * (2 * width - 1) + (offsets[1] +
                                                            width - 1)
    extra = (2 * height - 1) * (2 * width - 1)
    return F.pad(index, (num_extra, 0, num_extra, 0), value=extra).long()


class MetaTokenAttention(nn.Module):
    """Multi-head self-attention over ``num_extra`` extra tokens followed by
    an ``h x w`` grid of patch tokens, with a learnt relative position bias
    (MetaFormer's ``Relative_Attention``), and a key mask so that masked
    meta tokens are invisible to every other token.

    Args:
        dim (int): Token width.
        grid (tuple): (h, w) of the patch grid.
        num_extra (int): Extra tokens before the patches.
        num_heads (int): Attention heads.
        qkv_bias (bool): Bias of the qkv projection (False in MetaFormer).
        attn_drop (float): Attention dropout.
        proj_drop (float): Output dropout.
    """

    def __init__(self, dim: int, grid: Sequence[int], num_extra: int,
                 num_heads: int, qkv_bias: bool = False,
                 attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'MetaTokenAttention: width {dim} is not a '
                             f'multiple of num_heads={num_heads}.')
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        height, width = grid
        self.bias_table = nn.Parameter(
            torch.zeros((2 * height - 1) * (2 * width - 1) + 1, num_heads))
        nn.init.trunc_normal_(self.bias_table, std=0.02)
        self.register_buffer(
            'bias_index', relative_position_index(height, width, num_extra),
            persistent=False)
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor,
                key_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x`` (B, N, C); ``key_mask`` (B, N) bool, False for tokens no
        other token may attend to."""
        batch, tokens, channels = x.shape
        if tokens != self.bias_index.shape[0]:
            raise ValueError(
                f'MetaTokenAttention: {tokens} tokens, built for '
                f'{self.bias_index.shape[0]} (image size or meta groups '
                'differ from the backbone settings).')
        q, k, v = self.qkv(x).reshape(batch, tokens, 3, self.num_heads,
                                      -1).permute(2, 0, 3, 1, 4)
        bias = self.bias_table[self.bias_index].permute(2, 0, 1)[None]
        if key_mask is not None:
            bias = bias.masked_fill(~key_mask[:, None, None, :],
                                    float('-inf'))
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=bias.to(q.dtype),
            dropout_p=self.attn_drop if self.training else 0.0)
        out = out.transpose(1, 2).reshape(batch, tokens, channels)
        return self.proj_drop(self.proj(out))


class MetaTransformerBlock(nn.Module):
    """One transformer block of a MetaFormer stage (``MHSABlock``).

    The first block of a stage embeds the feature map into patch tokens
    (a 3x3 convolution of the stage's stride and a LayerNorm, MetaFormer's
    ``OverlapPatchEmbed``) and puts the extra tokens in front of them; the
    others take the token sequence as it is.

    Args:
        in_dim (int): Input channels (of the map, for the first block).
        dim (int): Token width.
        grid (tuple): (h, w) of the patch grid this block works on.
        num_extra (int): Extra tokens.
        num_heads (int): Attention heads.
        embed_stride (int, optional): Stride of the patch embedding; None
            for the blocks after the first.
        mlp_ratio (float): Hidden width of the MLP over ``dim``.
        drop_path (float): Stochastic depth.
    """

    def __init__(self, in_dim: int, dim: int, grid: Sequence[int],
                 num_extra: int, num_heads: int,
                 embed_stride: Optional[int] = None, mlp_ratio: float = 4.0,
                 drop_path: float = 0.0):
        super().__init__()
        self.patch_embed = None
        if embed_stride is not None:
            self.patch_embed = nn.Conv2d(in_dim, dim, 3, embed_stride, 1)
            self.embed_norm = nn.LayerNorm(dim)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MetaTokenAttention(dim, grid, num_extra, num_heads)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else \
            nn.Identity()
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(),
                                 nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor,
                extra_tokens: Optional[List[torch.Tensor]] = None,
                key_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if self.patch_embed is not None:
            patches = self.embed_norm(
                self.patch_embed(x).flatten(2).transpose(1, 2))
            extra = [t.expand(len(patches), -1, -1)
                     for t in extra_tokens or []]
            x = torch.cat(extra + [patches], dim=1)
        x = x + self.drop_path(self.attn(self.norm1(x), key_mask))
        return x + self.drop_path(self.mlp(self.norm2(x)))
