"""Meta-information fused with image features before a linear classifier."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from ..utils.meta_encoder import MetaEncoder  # noqa: F401 (registers it)
from ..utils.metadata_batch import (batch_metadata, check_mask_schedule,
                                    drop_metadata, mask_prob_at,
                                    training_progress)
from .weighted_linear_cls_head import WeightedLinearClsHead

#: How meta-information meets the image features (``fusion``).
FUSIONS = ('concat', 'film')


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
    a share ``mask_prob`` of each batch is masked (MetaFormer masks
    meta-information so the model also learns without it); with
    ``mask_schedule='linear'`` the share follows MetaFormer's schedule
    ``mask_prob - epoch / max_epochs``.

    Args:
        num_classes (int): Classes.
        in_channels (int): Image feature size.
        meta_dim (int): Meta vector size.
        encoder (dict, optional): The :class:`MetaEncoder` settings.
        fusion (str): 'concat' or 'film'. Defaults to 'concat'.
        mask_prob (float): Training-time masking probability. Defaults to
            0.
        mask_schedule (str): 'constant' or 'linear' (MetaFormer's).
            Defaults to 'constant'.
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
                 mask_schedule: str = 'constant',
                 **kwargs):
        if fusion not in FUSIONS:
            raise ValueError(f'MetaFusionClsHead.fusion must be one of '
                             f'{FUSIONS}, got {fusion!r}.')
        check_mask_schedule('MetaFusionClsHead', mask_prob, mask_schedule)
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
        self.mask_schedule = mask_schedule
        if fusion == 'film':
            self.film = nn.Linear(meta_encoder.out_dim, 2 * in_channels)
            nn.init.zeros_(self.film.weight)
            nn.init.zeros_(self.film.bias)

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
            meta, mask = batch_metadata(data_samples, self.meta_dim,
                                        image.device, 'MetaFusionClsHead')
            if self.training:
                mask = drop_metadata(mask, mask_prob_at(
                    self.mask_prob, self.mask_schedule, training_progress()))
        return self.fuse(image, meta, mask)

    def loss(self, feats, data_samples, **kwargs):
        cls_score = self.fc(self.pre_logits(feats, data_samples))
        return self._get_loss(cls_score, data_samples, **kwargs)

    def predict(self, feats, data_samples=None):
        cls_score = self.test_logits(self.pre_logits(feats, data_samples))
        return self._get_predictions(cls_score, data_samples)
