"""RIDE's loss: LDAM-DRW per expert plus the distribution-aware diversity
term."""
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import LongTailLoss
from .ldam_loss import ldam_margin_shift


@MODELS.register_module()
class RIDELoss(LongTailLoss):
    """Sum over experts of ``LDAM-DRW(z_i) + lambda * T^2 * KL(p_mean || p_i)``.

    `Long-tailed Recognition by Routing Diverse Distribution-Aware Experts
    <https://arxiv.org/abs/2010.01809>`_ (Wang et al., ICLR 2021), Eq. 3-5.
    ``p = softmax(z / T)`` with the ensemble mean ``z_mean`` under no-grad.
    Before the DRW epoch T = ``base_temperature``; from then on the per-class
    temperature ``T_c = base_temperature * w_c``,
    ``w_c = (C pi_c beta_r + 1 - beta_r) / max``, and ``T^2`` uses the mean
    of ``T_c`` (the official code's choices). ``diversity_factor < 0`` (the
    configs' -0.45) pushes experts apart; ``diversity_factor = 0`` trains
    each expert's LDAM term on the ensemble logits (the "collaborative"
    variant of the code). Takes the stacked expert logits ``(E, B, C)`` from
    ``MultiExpertClsHead``. Honours per-sample weights in both terms.

    Args:
        max_margin (float): LDAM's largest margin. Defaults to 0.5.
        scale (float): Scale s of the cosine logits. Defaults to 30.
        diversity_factor (float): lambda. Defaults to -0.45.
        base_temperature (float): T before scaling. Defaults to 1.0.
        temperature_reweight (float): beta_r. Defaults to 0.05.
        reweight_epoch (int): The DRW epoch (0-based): class weights and
            per-class temperatures from this epoch on. Defaults to 160.
        **kwargs: ``LongTailLoss`` arguments.
    """
    multi_expert = True

    def __init__(self,
                 max_margin: float = 0.5,
                 scale: float = 30.0,
                 diversity_factor: float = -0.45,
                 base_temperature: float = 1.0,
                 temperature_reweight: float = 0.05,
                 reweight_epoch: int = 160,
                 class_weighting='effective_number',
                 **kwargs):
        super().__init__(
            class_weighting=class_weighting,
            reweight_epoch=reweight_epoch,
            **kwargs)
        self.max_margin = max_margin
        self.scale = scale
        self.diversity_factor = diversity_factor
        self.base_temperature = base_temperature
        self.temperature_reweight = temperature_reweight

    def temperatures(self, num_classes: int):
        """Per-class diversity temperature (1, C), or a float before DRW."""
        if self.epoch < self.reweight_epoch:
            return self.base_temperature
        counts = self.counts_or_raise(num_classes)
        prior = counts / counts.sum()
        beta = self.temperature_reweight
        weights = num_classes * prior * beta + 1.0 - beta
        return self.base_temperature * (weights / weights.max())[None]

    def forward(self, expert_logits, label, weight=None, avg_factor=None,
                reduction_override=None, **kwargs):
        if expert_logits.ndim != 3:
            raise ValueError('RIDELoss takes stacked expert logits (E, B, C);'
                             ' use it in MultiExpertClsHead.')
        num_classes = expert_logits.size(2)
        label = self.check_hard_labels(expert_logits[0], label, 'RIDELoss')
        margin_shift = ldam_margin_shift(
            expert_logits[0], label, self.counts_or_raise(num_classes),
            self.max_margin, self.scale)
        class_weights = self.class_weights(num_classes)
        temperature = self.temperatures(num_classes)
        if torch.is_tensor(temperature):
            temperature = temperature.to(expert_logits)
            mean_temperature = float(temperature.mean())
        else:
            mean_temperature = float(temperature)
        mean_logits = expert_logits.mean(0)
        with torch.no_grad():
            mean_dist = F.softmax(mean_logits / temperature, dim=1)
        loss = 0.0
        for logits in expert_logits:
            base_logits = mean_logits if self.diversity_factor == 0 \
                else logits
            ldam = F.cross_entropy(
                base_logits - margin_shift, label, reduction='none')
            loss = loss + self.reduce(ldam, label, weight, avg_factor,
                                      class_weights, reduction_override)
            if self.diversity_factor != 0:
                log_dist = F.log_softmax(logits / temperature, dim=1)
                kl = (mean_dist * (mean_dist.clamp_min(1e-12).log() -
                                   log_dist)).sum(1)
                loss = loss + self.diversity_factor * mean_temperature**2 * \
                    self.reduce(kl, label, weight, avg_factor, None,
                                reduction_override)
        return loss
