"""Meta-information fused with image features before a linear classifier."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .weighted_linear_cls_head import WeightedLinearClsHead

#: How meta-information meets the image features (``fusion``).
FUSIONS = ('concat', 'film')


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


@MODELS.register_module()
class MetaFusionClsHead(WeightedLinearClsHead):
    """A linear classifier on image features fused with meta-information:
    the light fusion that lets a CNN (ResNet-32, RIDE's trunk ...) use
    metadata, after MetaFormer (Diao et al., arXiv 2203.02751).

    Each data sample may carry ``meta`` (a vector) and ``meta_mask`` (1 or
    0; ``WithMetadata`` and ``PackInputs(algorithm_keys=('meta',
    'meta_mask'))``). A sample without them (a DiffuLT synthetic sample, or
    a masked one) gets a zero embedding, so its prediction is the image's
    alone. ``fusion='concat'`` appends the embedding to the image feature;
    ``'film'`` scales and shifts the image feature by it (feature-wise
    linear modulation, the identity for a zero embedding). During training
    a present sample is masked with probability ``mask_prob`` (MetaFormer
    masks meta-information so the model also learns without it).

    Args:
        num_classes (int): Classes.
        in_channels (int): Image feature size.
        meta_dim (int): Meta vector size.
        encoder (dict, optional): The :class:`MetaEncoder` settings.
        fusion (str): 'concat' or 'film'. Defaults to 'concat'.
        mask_prob (float): Training-time masking probability. Defaults to
            0.
        **kwargs: :class:`WeightedLinearClsHead` arguments (loss, omega
            weighting, post-hoc correction).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 meta_dim: int,
                 encoder: Optional[dict] = None,
                 fusion: str = 'concat',
                 mask_prob: float = 0.0,
                 **kwargs):
        if fusion not in FUSIONS:
            raise ValueError(f'MetaFusionClsHead.fusion must be one of '
                             f'{FUSIONS}, got {fusion!r}.')
        if not 0 <= mask_prob <= 1:
            raise ValueError('MetaFusionClsHead.mask_prob must lie in '
                             f'[0, 1], got {mask_prob}.')
        encoder = dict(type='MetaEncoder', in_dim=meta_dim,
                       **(encoder or {}))
        meta_encoder = MODELS.build(encoder)
        fused = in_channels + meta_encoder.out_dim if fusion == 'concat' \
            else in_channels
        super().__init__(num_classes=num_classes, in_channels=fused,
                         **kwargs)
        self.image_channels = in_channels
        self.meta_dim = meta_dim
        self.meta_encoder = meta_encoder
        self.fusion = fusion
        self.mask_prob = float(mask_prob)
        if fusion == 'film':
            self.film = nn.Linear(meta_encoder.out_dim, 2 * in_channels)
            nn.init.zeros_(self.film.weight)
            nn.init.zeros_(self.film.bias)

    def _meta(self, data_samples: Sequence, device) -> tuple:
        """The batch's meta vectors (B, D) and masks (B,)."""
        vectors, masks = [], []
        for sample in data_samples or []:
            meta = sample.get('meta') if hasattr(sample, 'get') else None
            if meta is None:
                vectors.append(torch.zeros(self.meta_dim))
                masks.append(0.0)
                continue
            meta = torch.as_tensor(meta, dtype=torch.float32).reshape(-1)
            if meta.numel() != self.meta_dim:
                raise ValueError(
                    f'MetaFusionClsHead: a meta vector of {meta.numel()} '
                    f'values, meta_dim is {self.meta_dim}.')
            vectors.append(meta)
            masks.append(float(sample.get('meta_mask', 1.0)))
        return (torch.stack(vectors).to(device),
                torch.tensor(masks, device=device))

    def fuse(self, image: torch.Tensor, meta: torch.Tensor,
             mask: torch.Tensor) -> torch.Tensor:
        """Image features fused with the masked meta embedding."""
        embedding = self.meta_encoder(meta) * mask[:, None]
        if self.fusion == 'concat':
            return torch.cat([image, embedding], dim=1)
        scale, shift = self.film(embedding).chunk(2, dim=1)
        return image * (1 + scale) + shift

    def pre_logits(self, feats, data_samples: Optional[Sequence] = None):
        """Image features fused with the samples' metadata; without data
        samples (a bare ``forward``) the image features alone."""
        image = super().pre_logits(feats)
        if data_samples is None:
            meta = image.new_zeros(len(image), self.meta_dim)
            mask = image.new_zeros(len(image))
        else:
            meta, mask = self._meta(data_samples, image.device)
            if self.training and self.mask_prob > 0:
                keep = torch.rand(len(mask), device=mask.device) >= \
                    self.mask_prob
                mask = mask * keep.float()
        return self.fuse(image, meta, mask)

    def loss(self, feats, data_samples, **kwargs):
        cls_score = self.fc(self.pre_logits(feats, data_samples))
        return self._get_loss(cls_score, data_samples, **kwargs)

    def predict(self, feats, data_samples=None):
        cls_score = self.test_logits(self.pre_logits(feats, data_samples))
        return self._get_predictions(cls_score, data_samples)
