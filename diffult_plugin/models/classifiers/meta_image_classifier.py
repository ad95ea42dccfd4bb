"""An image classifier whose backbone also reads each sample's
meta-information."""
from typing import List, Optional

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS

from ..utils.metadata_batch import (batch_metadata, check_mask_schedule,
                                    drop_metadata, mask_prob_at,
                                    training_progress)


@MODELS.register_module()
class MetaImageClassifier(ImageClassifier):
    """mmpretrain's ``ImageClassifier`` for a backbone that takes
    meta-information (:class:`MetaFG`): the data samples' ``meta`` and
    ``meta_mask`` go to ``backbone(inputs, meta, meta_mask)``.

    `MetaFormer <https://arxiv.org/abs/2203.02751>`_ (Diao et al.) masks the
    meta-information of a share of each training batch, ``mask_prob -
    epoch / max_epochs`` with the code's ``mask_type='linear'`` (1 - e/E for
    mask_prob = 1: nearly all masked at first, nearly none at the end), so
    the model also recognises samples without it. Samples without
    meta-information (DiffuLT's synthetic ones) are masked throughout.

    Args:
        mask_prob (float): Masked share of a training batch at the start.
            Defaults to 1 (the code's configs).
        mask_schedule (str): 'linear' (the code's default) or 'constant'.
        **kwargs: ``ImageClassifier`` arguments; the backbone must accept
            ``(inputs, meta, meta_mask)`` and have ``meta_dim``.
    """

    def __init__(self, mask_prob: float = 1.0,
                 mask_schedule: str = 'linear', **kwargs):
        check_mask_schedule('MetaImageClassifier', mask_prob, mask_schedule)
        super().__init__(**kwargs)
        if not hasattr(self.backbone, 'meta_dim'):
            raise TypeError(
                f'MetaImageClassifier needs a backbone that reads '
                f'meta-information (e.g. MetaFG), got '
                f'{type(self.backbone).__name__}; use ImageClassifier with '
                'MetaFusionClsHead for other backbones.')
        self.mask_prob = float(mask_prob)
        self.mask_schedule = mask_schedule

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'neck',
                     data_samples: Optional[List] = None):
        """Features of ``inputs`` with the samples' meta-information
        (none when ``data_samples`` is None)."""
        meta = mask = None
        if self.backbone.meta_dim and data_samples is not None:
            meta, mask = batch_metadata(data_samples, self.backbone.meta_dim,
                                        inputs.device, 'MetaImageClassifier')
            if self.training:
                mask = drop_metadata(mask, mask_prob_at(
                    self.mask_prob, self.mask_schedule, training_progress()))
        x = self.backbone(inputs, meta, mask)
        if stage == 'backbone':
            return x
        if self.with_neck:
            x = self.neck(x)
        if stage == 'neck' or not self.with_head:
            return x
        return self.head.pre_logits(x)

    def loss(self, inputs: torch.Tensor, data_samples: List) -> dict:
        feats = self.extract_feat(inputs, data_samples=data_samples)
        return self.head.loss(feats, data_samples)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List] = None, **kwargs):
        feats = self.extract_feat(inputs, data_samples=data_samples)
        return self.head.predict(feats, data_samples, **kwargs)
