"""A confidence filter: keep samples that phi0 assigns to their label."""
from typing import Sequence

import torch
from mmpretrain.registry import TRANSFORMS

from .base import Phi0FilterTransform, Phi0SampleFilter


@TRANSFORMS.register_module()
class Phi0ConfidenceFilter(Phi0SampleFilter, Phi0FilterTransform):
    """Keep a generated sample when phi0's softmax probability of its
    conditioning label reaches ``threshold``.

    Not part of DiffuLT (its Sec. 3.2 filters by feature distance only); a
    common baseline for synthetic data (e.g. the confidence filtering of
    `He et al., ICLR 2023 <https://arxiv.org/abs/2210.07574>`_), here to
    compare with :class:`DiffuLTFilter` under the same interface.

    Args:
        threshold (float): Minimum probability of the label. Defaults to 0.5.
        keep (Sequence[str]): Defaults to ('confident', ).
        **kwargs: :class:`Phi0SampleFilter` arguments.
    """
    categories = ('confident', 'unconfident')
    lower_is_better = False  # the score is a probability

    def __init__(self,
                 threshold: float = 0.5,
                 keep: Sequence[str] = ('confident', ),
                 **kwargs):
        super().__init__(keep=keep, **kwargs)
        if not 0 <= threshold <= 1:
            raise ValueError('Phi0ConfidenceFilter.threshold must lie in '
                             f'[0, 1], got {threshold}.')
        self.threshold = threshold

    def _judge(self, features, logits, labels):
        prob = torch.softmax(logits.float(), dim=1).gather(
            1, labels[:, None]).squeeze(1)
        categories = [
            'confident' if p >= self.threshold else 'unconfident'
            for p in prob.tolist()
        ]
        return prob.numpy(), categories

    def fingerprint(self) -> dict:
        return dict(super().fingerprint(), threshold=self.threshold)
