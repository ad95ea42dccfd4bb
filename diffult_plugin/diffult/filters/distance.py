"""The phi0-distance filter of DiffuLT."""
from typing import Optional, Sequence, Union

import numpy as np
import torch
from mmpretrain.registry import TRANSFORMS

from .base import Phi0FilterTransform, Phi0SampleFilter, load_statistics


@TRANSFORMS.register_module()
class DiffuLTFilter(Phi0SampleFilter, Phi0FilterTransform):
    """Sort generated samples into ID / AID / OOD by phi0 feature distance.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    Eq. 4: a sample with label y and phi0 feature f has
    ``d = ||f - f_o(y)||_2`` to the mean real feature of its class; it is
    ID if ``d <= d_f``, AID if ``d_f < d <= 2 d_f``, OOD beyond. The paper
    calls d_f "the maximum Euclidean distance between two real samples'
    features", a reading under which nothing can be rejected; the readings
    ('radius': the largest distance of a real sample from its class mean,
    the default; 'diameter': the paper's words; 'quantile') and the evidence
    for the default are in :func:`feature_statistics`. The paper keeps ID
    and AID ("we employ phi0 to filter out harmful OOD samples"), the
    default here; it does not say whether d_f is per class or global (an
    option; per class by default, as for L_AID). The synthesis hook hands
    these settings to the generator's L_AID, so both use one d_f.

    The statistics (class means, d_f) come from :meth:`prepare` (the
    synthesis hook calls it with the real training images), from
    ``statistics`` (an ``.npz`` the hook saves next to the bank), or from
    ``real_dataset`` (built and read on first use, for dataset pipelines).

    Args:
        d_f (str): 'per_class' or 'global'. Defaults to 'per_class'.
        d_f_reading (str): 'radius', 'diameter' or 'quantile'. Defaults to
            'radius'.
        d_f_quantile (float): The quantile of the 'quantile' reading.
            Defaults to 0.95.
        keep (Sequence[str]): Categories kept. Defaults to ('ID', 'AID').
        statistics (str, optional): An ``.npz`` with ``class_means``,
            ``d_f_per_class`` and ``d_f_global``.
        real_dataset (dict, optional): The real long-tailed training set
            (any pipeline; raw images are read), used when neither
            :meth:`prepare` nor ``statistics`` provided the statistics.
        image_size (int, optional): Side to which real images of another
            size are resized before phi0 sees them: the generator's
            resolution (the pipeline sets it when the stages follow the
            classifier data). None keeps their stored size.
        **kwargs: :class:`Phi0SampleFilter` arguments (``phi0_config``,
            ``phi0_checkpoint``, ``channel_order``, ``only_synthetic``,
            ``batch_size``, ``device``).
    """
    categories = ('ID', 'AID', 'OOD')
    lower_is_better = True  # the score is a distance

    def __init__(self,
                 d_f: str = 'per_class',
                 d_f_reading: str = 'radius',
                 d_f_quantile: float = 0.95,
                 keep: Sequence[str] = ('ID', 'AID'),
                 statistics: Optional[str] = None,
                 real_dataset: Union[dict, None] = None,
                 image_size: Optional[int] = None,
                 **kwargs):
        super().__init__(keep=keep, **kwargs)
        if d_f not in ('per_class', 'global'):
            raise ValueError(
                f"DiffuLTFilter.d_f must be 'per_class' or 'global', got "
                f'{d_f!r}.')
        from diffult_plugin.models.utils.frozen_classifier import check_d_f_reading
        check_d_f_reading(d_f_reading, d_f_quantile,
                          'DiffuLTFilter.d_f_reading')
        self.d_f = d_f
        self.d_f_reading = d_f_reading
        self.d_f_quantile = float(d_f_quantile)
        self.statistics_path = statistics
        self.real_dataset = real_dataset
        self.image_size = image_size
        self.stats = None

    def prepare(self, real_images=None, real_labels=None, dataset=None):
        """Class means and d_f from real images (uint8 RGB, N x H x W x 3)
        and labels, or from a dataset's raw images."""
        from diffult_plugin.models.utils.frozen_classifier import (feature_statistics,
                                                          real_features)
        if dataset is not None:
            features, labels = real_features(self.phi0, dataset,
                                             self.batch_size,
                                             self.image_size)
            num_classes = len(dataset.metainfo['classes'])
        else:
            features = self.features_and_logits(real_images)[0]
            labels = torch.as_tensor(np.asarray(real_labels))
            num_classes = self.phi0.num_classes or int(labels.max()) + 1
        stats = feature_statistics(features, labels, num_classes,
                                   self.d_f_reading, self.d_f_quantile)
        self.stats = dict(
            class_means=stats['class_means'],
            d_f_per_class=stats['d_f_per_class'],
            d_f_global=torch.tensor(stats['d_f_global']))
        return self.stats

    def _statistics(self) -> dict:
        if self.stats is None:
            if self.statistics_path is not None:
                self.stats = load_statistics(self.statistics_path)
            elif self.real_dataset is not None:
                from mmpretrain.registry import DATASETS
                dataset = self.real_dataset
                if isinstance(dataset, dict):
                    dataset = DATASETS.build(dataset)
                self.prepare(dataset=dataset)
            else:
                raise ValueError(
                    'DiffuLTFilter has no class statistics: call prepare() '
                    'or set `statistics` (the .npz next to the bank) or '
                    '`real_dataset`.')
        return self.stats

    def _judge(self, features, logits, labels):
        stats = self._statistics()
        means = stats['class_means'].float()
        if labels.numel() and int(labels.max()) >= len(means):
            raise ValueError(
                f'label {int(labels.max())} outside the {len(means)} classes '
                'of the filter statistics.')
        distance = (features - means[labels]).norm(dim=1)
        if self.d_f == 'per_class':
            d_f = stats['d_f_per_class'].float()[labels]
        else:
            d_f = stats['d_f_global'].float().expand(len(labels))
        categories = [
            'ID' if d <= t else ('AID' if d <= 2 * t else 'OOD')
            for d, t in zip(distance.tolist(), d_f.tolist())
        ]
        return distance.numpy(), categories

    def fingerprint(self) -> dict:
        fingerprint = dict(super().fingerprint(), d_f=self.d_f)
        # Banks filtered before the readings existed used the diameter and
        # keep their fingerprint (and stay valid) under that reading.
        if self.d_f_reading != 'diameter':
            fingerprint['d_f_reading'] = self.d_f_reading
            if self.d_f_reading == 'quantile':
                fingerprint['d_f_quantile'] = self.d_f_quantile
        return fingerprint
