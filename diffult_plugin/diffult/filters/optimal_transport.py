"""A partial optimal-transport filter for generated samples (after P2OT)."""
import math
from typing import Optional, Sequence

import numpy as np
import torch
from mmpretrain.registry import TRANSFORMS

from .base import Phi0SampleFilter


def partial_sinkhorn(cost: torch.Tensor,
                     column_mass: torch.Tensor,
                     rho: float,
                     epsilon: float = 0.1,
                     marginal_weight: float = 1.0,
                     max_iter: int = 1000,
                     tol: float = 1e-6) -> torch.Tensor:
    """The entropic partial transport plan of P2OT with a virtual column.

    `P2OT: Progressive Partial Optimal Transport for Deep Imbalanced
    Clustering <https://arxiv.org/abs/2401.09266>`_ (Zhang et al., ICLR 2024),
    Sec. 3: rows (samples) carry mass 1/N each; the K real columns receive
    ``rho`` of the mass, spread like ``column_mass``, a constraint relaxed by
    ``marginal_weight * KL``; a virtual column at cost 0 takes the remaining
    ``1 - rho`` (the rejected mass). Solved by Sinkhorn scaling, here in the
    log domain so that sharp plans (small epsilon) do not underflow.

    Args:
        cost (Tensor): (N, K) transport cost, e.g. ``-log p``.
        column_mass (Tensor): (K,) non-negative target shape of the real
            columns (normalised here).
        rho (float): Mass transported to the real columns, in (0, 1].
        epsilon (float): Entropic regularisation. Defaults to 0.1.
        marginal_weight (float): lambda of the KL relaxation of the real
            columns' marginal; ``math.inf`` enforces it exactly.
            Defaults to 1.
        max_iter (int): Most scaling iterations. Defaults to 1000.
        tol (float): Stop when the column scalings change less than this.

    Returns:
        Tensor: (N, K + 1) plan (float64), the last column virtual; each row
        sums to 1/N.
    """
    if cost.ndim != 2 or column_mass.shape != cost.shape[1:]:
        raise ValueError(f'cost must be (N, K) and column_mass (K,), got '
                         f'{tuple(cost.shape)} and '
                         f'{tuple(column_mass.shape)}.')
    if not 0 < rho <= 1:
        raise ValueError(f'rho must lie in (0, 1], got {rho}.')
    if epsilon <= 0 or marginal_weight <= 0:
        raise ValueError('epsilon and marginal_weight must be positive.')
    num, num_cols = cost.shape
    column_mass = column_mass.double().clamp_min(0)
    if column_mass.sum() <= 0:
        raise ValueError('column_mass must have a positive entry.')
    log_kernel = torch.cat(
        [-cost.double(), torch.zeros(num, 1, dtype=torch.float64)],
        dim=1) / epsilon
    log_rows = torch.full((num, ), -math.log(num), dtype=torch.float64)
    columns = torch.cat([rho * column_mass / column_mass.sum(),
                         torch.tensor([1.0 - rho], dtype=torch.float64)])
    log_cols = torch.log(columns)  # -inf for empty columns
    exponent = 1.0 if math.isinf(marginal_weight) else \
        marginal_weight / (marginal_weight + epsilon)
    log_a = torch.zeros(num, dtype=torch.float64)
    log_b = torch.zeros(num_cols + 1, dtype=torch.float64)
    for _ in range(max_iter):
        log_a = log_rows - torch.logsumexp(log_kernel + log_b, dim=1)
        new_b = log_cols - torch.logsumexp(log_kernel + log_a[:, None], dim=0)
        new_b[:num_cols] = new_b[:num_cols] * exponent
        finite = torch.isfinite(new_b)
        change = (new_b[finite].exp() - log_b[finite].exp()).abs().max()
        log_b = new_b
        if change < tol:
            break
    log_a = log_rows - torch.logsumexp(log_kernel + log_b, dim=1)
    return torch.exp(log_a[:, None] + log_kernel + log_b)


@TRANSFORMS.register_module()
class OptimalTransportFilter(Phi0SampleFilter):
    """Keep generated samples whose optimal transport to the planned class
    slots agrees with their conditioning label.

    The candidates of a synthesis round are judged together: the cost of
    sending candidate i to class c is ``-log p_c(x_i)`` under phi0; the
    classes' columns receive ``rho`` of the mass in proportion to the
    candidates planned for each class (the round's label histogram, which
    follows the open slots), the rest goes to a virtual "rejected" class.
    The plan is the partial OT of P2OT (`Zhang et al., ICLR 2024
    <https://arxiv.org/abs/2401.09266>`_), solved with Sinkhorn scaling; a
    candidate is 'agree' when its plan row puts most mass on its own label,
    'disagree' on another class, 'rejected' on the virtual class. Unlike a
    per-sample confidence threshold, the column constraints stop phi0's bias
    toward the head classes (it was trained on the long-tailed set) from
    rejecting the tail: each class's column must be filled by someone.
    P2OT assigns pseudo-labels while clustering; using it to filter
    synthetic data is this plugin's reading of the idea (P2OT, SP2OT and
    DiffuLT do not do it). Their code is CC BY-NC; this is written from the
    formulas.

    Args:
        rho (float): Mass transported to real classes, i.e. about the
            fraction of candidates that can be kept. Defaults to 0.9.
        epsilon (float): Entropic regularisation. Defaults to 0.1 (P2OT).
        marginal_weight (float): lambda of the KL relaxation of the class
            marginal. Defaults to 1 (P2OT).
        keep (Sequence[str]): Defaults to ('agree', ).
        **kwargs: :class:`Phi0SampleFilter` arguments.
    """
    categories = ('agree', 'disagree', 'rejected')
    lower_is_better = False  # the score is transported mass
    #: Judged per synthesis round, not per sample (see BankBuilder).
    joint = True

    def __init__(self,
                 rho: float = 0.9,
                 epsilon: float = 0.1,
                 marginal_weight: float = 1.0,
                 keep: Sequence[str] = ('agree', ),
                 **kwargs):
        super().__init__(keep=keep, **kwargs)
        if not 0 < rho <= 1:
            raise ValueError(
                f'OptimalTransportFilter.rho must lie in (0, 1], got {rho}.')
        if epsilon <= 0 or marginal_weight <= 0:
            raise ValueError('OptimalTransportFilter: epsilon and '
                             'marginal_weight must be positive.')
        self.rho = float(rho)
        self.epsilon = float(epsilon)
        self.marginal_weight = float(marginal_weight)

    def judge_pool(self,
                   logits,
                   labels,
                   column_mass: Optional[Sequence[float]] = None) -> dict:
        """Verdicts for a pool of candidates.

        Args:
            logits (array): (N, K) phi0 logits.
            labels (array): (N,) conditioning labels.
            column_mass (Sequence[float], optional): Target shape of the
                class columns; defaults to the label histogram.

        Returns:
            dict: ``score`` (the plan mass on the label, times N: 1 is a
            whole sample), ``category`` and ``keep``, as
            :meth:`score_batch`.
        """
        logits = torch.as_tensor(np.asarray(logits), dtype=torch.float64)
        labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)
        num, num_classes = logits.shape
        if labels.shape != (num, ) or (num and (
                labels.min() < 0 or labels.max() >= num_classes)):
            raise ValueError(f'judge_pool: need one label in 0..'
                             f'{num_classes - 1} per logits row.')
        if num == 0:
            return dict(score=np.zeros(0, np.float32), category=[],
                        keep=np.zeros(0, bool))
        if column_mass is None:
            column_mass = torch.bincount(labels, minlength=num_classes)
        plan = partial_sinkhorn(
            -torch.log_softmax(logits, dim=1),
            torch.as_tensor(column_mass, dtype=torch.float64), self.rho,
            self.epsilon, self.marginal_weight) * num
        best = plan.argmax(dim=1)
        categories = [
            'agree' if b == y else
            ('rejected' if b == num_classes else 'disagree')
            for b, y in zip(best.tolist(), labels.tolist())
        ]
        score = plan.gather(1, labels[:, None]).squeeze(1)
        return dict(
            score=score.numpy().astype(np.float32),
            category=categories,
            keep=np.asarray([c in self.keep for c in categories], bool))

    def _judge(self, features, logits, labels):
        verdict = self.judge_pool(logits, labels)
        return verdict['score'], verdict['category']

    def fingerprint(self) -> dict:
        return dict(
            super().fingerprint(),
            rho=self.rho,
            epsilon=self.epsilon,
            marginal_weight=self.marginal_weight)
