"""RIDE's expert-assignment router."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


@MODELS.register_module()
class RIDERouter(nn.Module):
    """Decides, expert after expert, whether the next expert is needed.

    `RIDE <https://arxiv.org/abs/2010.01809>`_ (Wang et al., ICLR 2021),
    Sec. 3.3, "dynamic expert assignment". After expert k (k = 1..E-1) the
    router sees the top-``top_k`` sorted mean logits of experts 1..k and
    ``ReLU(FC_k(f_k / ||f_k||))`` of expert k's pooled feature; a shared
    linear layer gives the logit of "call expert k+1". Training target:
    the first-k ensemble is wrong and some larger ensemble is right; loss:
    the mean over k of BCE-with-logits with ``pos_weight``. At test time
    samples stop at the first k whose router says no.

    Args:
        num_experts (int): E.
        in_channels (int): Size of an expert's pooled feature.
        top_k (int): Sorted mean logits fed to the router. Defaults to 30.
        hidden_channels (int): Output size of FC_k. Defaults to 16.
        pos_weight (float): BCE weight of the positive class. Defaults
            to 100 (the CIFAR config of the official code).
    """

    def __init__(self, num_experts: int, in_channels: int, top_k: int = 30,
                 hidden_channels: int = 16, pos_weight: float = 100.0):
        super().__init__()
        if num_experts < 2:
            raise ValueError('RIDERouter needs at least 2 experts, got '
                             f'{num_experts}.')
        self.num_experts = num_experts
        self.top_k = top_k
        self.pos_weight = pos_weight
        self.hidden_fcs = nn.ModuleList(
            nn.Linear(in_channels, hidden_channels)
            for _ in range(num_experts - 1))
        self.fc = nn.Linear(hidden_channels + top_k, 1)

    def _router_logit(self, feat, mean_logits, k):
        if mean_logits.size(1) < self.top_k:
            raise ValueError(f'RIDERouter: top_k={self.top_k} exceeds the '
                             f'{mean_logits.size(1)} classes; lower top_k.')
        hidden = F.relu(self.hidden_fcs[k](F.normalize(feat, dim=1)))
        top = mean_logits.topk(self.top_k, dim=1).values
        return self.fc(torch.cat([top, hidden], dim=1))[:, 0]

    def loss(self, expert_logits: torch.Tensor, feats, label: torch.Tensor,
             weight: Optional[torch.Tensor] = None,
             avg_factor: Optional[float] = None) -> torch.Tensor:
        """BCE of the router against the ensembles' correctness."""
        cumulative = expert_logits.cumsum(0)
        correct = cumulative.argmax(2) == label[None]  # (E, B)
        batch = label.numel()
        weights = torch.ones(batch, device=label.device) \
            if weight is None else weight
        denominator = float(batch) if avg_factor is None else avg_factor
        loss = 0.0
        for k in range(self.num_experts - 1):
            logit = self._router_logit(feats[k], cumulative[k] / (k + 1), k)
            target = (~correct[k]) & correct[k + 1:].any(0)
            bce = F.binary_cross_entropy_with_logits(
                logit, target.float(), reduction='none',
                pos_weight=logit.new_tensor(self.pos_weight))
            loss = loss + (bce * weights).sum() / denominator
        return loss / (self.num_experts - 1)

    @torch.no_grad()
    def route(self, expert_logits: torch.Tensor,
              feats) -> Tuple[torch.Tensor, torch.Tensor]:
        """Ensemble logits of the experts each sample is routed to, and how
        many experts each sample used.

        All experts have been run (batched inference); the prediction is the
        one of the sequential routed model, the compute saving is not.
        """
        batch = expert_logits.size(1)
        used = torch.ones(batch, dtype=torch.long, device=expert_logits.device)
        active = torch.ones(batch, dtype=torch.bool,
                            device=expert_logits.device)
        total = expert_logits[0].clone()
        for k in range(self.num_experts - 1):
            go_on = torch.sigmoid(
                self._router_logit(feats[k], total / (k + 1), k)) > 0.5
            active = active & go_on
            total[active] += expert_logits[k + 1][active]
            used[active] += 1
        return total / used[:, None].to(total), used
