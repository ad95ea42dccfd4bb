"""A linear classification head that applies per-sample weights."""
import torch
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.registry import MODELS

from .sample_weights import sample_weights_of, weighted_average_factor


@MODELS.register_module()
class WeightedLinearClsHead(LinearClsHead):
    """``LinearClsHead`` whose loss weights each sample by its
    ``metainfo['sample_weight']``.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    Eq. 7: ``L = -sum (omega y_g + (1 - y_g)) log p_y``, with omega for
    generated samples (``DiffuLTDataset`` sets it). The loss module gets
    ``weight`` and ``avg_factor``: ``'batch'`` normalisation divides the
    weighted sum by the batch size (real-only batches give plain CE),
    ``'weight_sum'`` by the sum of the weights.

    Args:
        sample_weight_norm (str): 'batch' or 'weight_sum'. Defaults to
            'batch'.
        **kwargs: ``LinearClsHead`` arguments.
    """

    def __init__(self, *args, sample_weight_norm: str = 'batch', **kwargs):
        super().__init__(*args, **kwargs)
        weighted_average_factor(None, 1, sample_weight_norm)  # validates
        self.sample_weight_norm = sample_weight_norm

    def _get_loss(self, cls_score: torch.Tensor, data_samples, **kwargs):
        if 'gt_score' in data_samples[0]:
            target = torch.stack([i.gt_score for i in data_samples])
        else:
            target = torch.cat([i.gt_label for i in data_samples])
        weights = sample_weights_of(data_samples, cls_score.device)
        losses = dict()
        losses['loss'] = self.loss_module(
            cls_score,
            target,
            weight=weights,
            avg_factor=weighted_average_factor(weights, cls_score.size(0),
                                               self.sample_weight_norm),
            **kwargs)
        if self.cal_acc:
            from mmpretrain.evaluation.metrics import Accuracy
            assert target.ndim == 1, 'accuracy needs hard labels'
            acc = Accuracy.calculate(cls_score, target, topk=self.topk)
            losses.update(
                {f'accuracy_top-{k}': a
                 for k, a in zip(self.topk, acc)})
        return losses
