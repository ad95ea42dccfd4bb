"""SHIKE's Dynamic Knowledge Transfer loss."""
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss


@MODELS.register_module()
class SHIKELoss(LongTailLoss):
    """Stage-1 loss of SHIKE: per-expert CE, hardest-negative suppression and
    mutual distillation.

    `Long-Tailed Visual Recognition via Self-Heterogeneous Integration with
    Knowledge Excavation <https://arxiv.org/abs/2304.01279>`_ (Jin et al.,
    CVPR 2023), Sec. 3.3, written from the formulas as the official code
    computes them (its weights differ from the paper's alpha / beta):

    ``L = sum_m [CE(z_m, y) + kd * KL(q || q_m) + sum_{j != m} KL(p_j || p_m)]``

    with ``z_mean`` the mean and ``z_max`` the element-wise max of the expert
    logits, ``h = argmax_{c != y} z_mean`` the consensus hardest negative,
    ``q = softmax(r)`` where ``r_h = z_mean_h``, ``r_c = z_max_c`` for the
    other non-targets and ``r_y = 0``; ``q_m = softmax(z_m)`` with ``z_m,y``
    set to ``-target_logit_fill``; ``p_m = softmax(z_m)``. Each KL is averaged
    over classes as well as samples (PyTorch's ``reduction='mean'`` in the
    code: about 1/C of a batch-mean KL), and nothing is detached. Takes
    stacked expert logits ``(E, B, C)``. Honours per-sample weights.

    Args:
        kd_weight (float): Weight of the hardest-negative term. Defaults to
            10.0.
        mutual_weight (float): Weight of the mutual distillation. Defaults
            to 1.0.
        target_logit_fill (float): Logit given to the target class when it
            is excluded. Defaults to 30 (the cosine scale).
        **kwargs: ``LongTailLoss`` arguments.
    """
    multi_expert = True
    needs_class_counts = False

    def __init__(self, kd_weight: float = 10.0, mutual_weight: float = 1.0,
                 target_logit_fill: float = 30.0, **kwargs):
        super().__init__(**kwargs)
        self.kd_weight = kd_weight
        self.mutual_weight = mutual_weight
        self.target_logit_fill = target_logit_fill

    @staticmethod
    def _kl_class_mean(target_log, input_log):
        """Per-sample ``sum_c p_t (log p_t - log p_i) / C``."""
        return (target_log.exp() * (target_log - input_log)).mean(1)

    def forward(self, expert_logits, label, weight=None, avg_factor=None,
                reduction_override=None, **kwargs):
        if expert_logits.ndim != 3:
            raise ValueError('SHIKELoss takes stacked expert logits (E, B, C);'
                             ' use it in MultiExpertClsHead.')
        num_experts, _, num_classes = expert_logits.shape
        label = self.check_hard_labels(expert_logits[0], label, 'SHIKELoss')
        target = F.one_hot(label, num_classes).bool()
        mean_logits = expert_logits.mean(0)
        max_logits = expert_logits.max(0).values
        hardest = mean_logits.masked_fill(target, float('-inf')).argmax(1)
        is_hardest = F.one_hot(hardest, num_classes).bool()
        reformed = torch.where(is_hardest, mean_logits, max_logits)
        reformed = reformed.masked_fill(target, 0.0)
        reformed_log = F.log_softmax(reformed, dim=1)
        log_probs = F.log_softmax(expert_logits, dim=2)
        class_weights = self.class_weights(num_classes)
        per_sample = 0.0
        for m in range(num_experts):
            ce = -log_probs[m].gather(1, label[:, None])[:, 0]
            excluded = expert_logits[m].masked_fill(
                target, -self.target_logit_fill)
            kd = self._kl_class_mean(reformed_log,
                                     F.log_softmax(excluded, dim=1))
            mutual = sum(
                self._kl_class_mean(log_probs[j], log_probs[m])
                for j in range(num_experts) if j != m)
            per_sample = per_sample + ce + self.kd_weight * kd + \
                self.mutual_weight * mutual
        return self.reduce(per_sample, label, weight, avg_factor,
                           class_weights, reduction_override)
