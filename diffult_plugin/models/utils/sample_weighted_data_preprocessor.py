"""A classification data preprocessor whose Mixup / CutMix keep DiffuLT's
per-sample weights."""
from typing import Callable, Sequence

import torch
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS


class _WeightCarryingAugment:
    """Runs a batch augment on weight-scaled one-hot targets.

    Scaling row i of the target by ``w_i`` before mixing gives the unnormalised
    target ``t = lam * w_i * y_i + (1 - lam) * w_j * y_j``. Returned as the
    normalised target ``t / |t|_1`` with the sample weight ``|t|_1``, the
    weighted soft CE the heads compute, ``|t|_1 * CE(t / |t|_1)``, equals
    ``lam * w_i * CE(y_i) + (1 - lam) * w_j * CE(y_j)``: each source image
    counts with its own weight, whatever the mixing ratio (Mixup's constant
    lam or CutMix's area ratio).
    """

    def __init__(self, augment: Callable, weights: torch.Tensor):
        self.augment = augment
        self.weights = weights
        self.mixed_weights = None

    def __call__(self, inputs: torch.Tensor, batch_score: torch.Tensor):
        weights = self.weights.to(batch_score.device)
        scaled = batch_score.float() * weights[:, None]
        inputs, scaled = self.augment(inputs, scaled)
        total = scaled.sum(dim=1)
        self.mixed_weights = total
        return inputs, scaled / total.clamp_min(1e-12)[:, None]


@MODELS.register_module()
class SampleWeightedClsDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` whose batch augmentations (Mixup, CutMix)
    also mix each sample's ``metainfo['sample_weight']``.

    mmpretrain's batch augments see only images and one-hot targets, so a
    mixed image keeps the weight of the sample at its position: a real image
    mixed with a synthetic one keeps weight 1, and DiffuLT's omega (Eq. 7 of
    `DiffuLT <https://arxiv.org/abs/2403.05170>`_) is applied to the wrong
    share of the data. Here the targets are scaled by the weights before
    mixing; after it, each sample gets the normalised mixed target and the
    weight ``lam * w_i + (1 - lam) * w_j``, which makes a weighted soft CE
    equal to ``lam * w_i * CE_i + (1 - lam) * w_j * CE_j``. Batches without
    weights, and validation, go through ``ClsDataPreprocessor`` unchanged.
    ``DiffuLTSynthesisHook`` refuses Mixup / CutMix under the plain
    preprocessor when the proxy carries weights.

    Args:
        **kwargs: ``ClsDataPreprocessor`` arguments.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        samples = data.get('data_samples')
        augment = self.batch_augments
        if not (training and augment is not None and samples
                and _carries_weights(samples)):
            return super().forward(data, training)
        weights = torch.tensor(
            [float(s.metainfo.get('sample_weight', 1.0)) for s in samples])
        carrying = _WeightCarryingAugment(augment, weights)
        # ClsDataPreprocessor.forward calls self.batch_augments between
        # building the one-hot targets and scattering them to the samples;
        # wrapping it for this call is the one place the weights can join.
        self.batch_augments = carrying
        try:
            data = super().forward(data, training)
        finally:
            self.batch_augments = augment
        if carrying.mixed_weights is not None:
            for sample, weight in zip(data['data_samples'],
                                      carrying.mixed_weights.tolist()):
                sample.set_metainfo(dict(sample_weight=weight))
        return data


def _carries_weights(samples: Sequence) -> bool:
    return any('sample_weight' in getattr(s, 'metainfo', {})
               for s in samples)
