"""A linear classification head that applies per-sample weights."""
from typing import Optional

import torch
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.registry import MODELS

from ..utils.class_counts import ClassCountsMixin, check_posthoc_kind
from ..utils.sample_weights import sample_weights_of, weighted_average_factor


@MODELS.register_module()
class WeightedLinearClsHead(ClassCountsMixin, LinearClsHead):
    """``LinearClsHead`` whose loss weights each sample by its
    ``metainfo['sample_weight']``, with the test-time long-tail corrections.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    Eq. 7: ``L = -sum (omega y_g + (1 - y_g)) log p_y``, with omega for
    generated samples (``DiffuLTDataset`` sets it). The loss module gets
    ``weight`` and ``avg_factor``: ``'batch'`` normalisation divides the
    weighted sum by the batch size (real-only batches give plain CE),
    ``'weight_sum'`` by the sum of the weights. Every loss of
    ``diffult_plugin.models.losses`` takes both.

    Test-time options (training is unchanged):

    - post-hoc logit adjustment, ``argmax_c z_c - tau log pi_c``
      (`Menon et al., ICLR 2021 <https://arxiv.org/abs/2007.07314>`_, Eq. 9),
      with pi the training set's class prior (``TrainClassCountsHook``; kept
      in the checkpoint);
    - tau-normalisation of the classifier, ``w_c / ||w_c|| ** tau`` without
      the bias (`Kang et al., ICLR 2020 <https://arxiv.org/abs/1910.09217>`_,
      Sec. 4).

    Args:
        sample_weight_norm (str): 'batch' or 'weight_sum'. Defaults to
            'batch'.
        posthoc_tau (float): tau of the post-hoc logit adjustment; 0 turns
            it off. Defaults to 0.
        posthoc_type (str): 'logit_adjust' (``- tau log pi_c``) or 'iif'
            (``+ tau log((N - n_c) / n_c)``, the APA / AGLU code's test-time
            correction). Defaults to 'logit_adjust'.
        tau_norm (float, optional): tau of tau-normalisation; None turns it
            off. Defaults to None.
        class_counts (Sequence[int], optional): Fixed training class counts
            for ``posthoc_tau`` (else set by ``TrainClassCountsHook``).
        posthoc_class_counts (Sequence[int], optional): The prior that the
            post-hoc correction removes, when it is not the training counts
            (e.g. the real long-tailed counts of a model trained on a DiffuLT
            proxy). Not overridden by a checkpoint. Defaults to None (the
            training counts).
        **kwargs: ``LinearClsHead`` arguments.
    """

    def __init__(self,
                 *args,
                 sample_weight_norm: str = 'batch',
                 posthoc_tau: float = 0.0,
                 posthoc_type: str = 'logit_adjust',
                 tau_norm: Optional[float] = None,
                 class_counts=None,
                 posthoc_class_counts=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        weighted_average_factor(None, 1, sample_weight_norm)  # validates
        self.sample_weight_norm = sample_weight_norm
        self.posthoc_tau = float(posthoc_tau)
        self.posthoc_type = check_posthoc_kind(posthoc_type)
        self.tau_norm = tau_norm
        self._init_class_counts(class_counts, posthoc_class_counts)

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

    def test_logits(self, pre_logits: torch.Tensor) -> torch.Tensor:
        """Logits with the test-time corrections applied."""
        if self.tau_norm is not None:
            weight = self.fc.weight
            weight = weight / weight.norm(dim=1, keepdim=True).clamp_min(
                1e-12).pow(self.tau_norm)
            cls_score = pre_logits @ weight.t()
        else:
            cls_score = self.fc(pre_logits)
        return self.posthoc_adjust(cls_score, self.posthoc_tau,
                                   self.posthoc_type)

    def predict(self, feats, data_samples=None):
        cls_score = self.test_logits(self.pre_logits(feats))
        return self._get_predictions(cls_score, data_samples)
