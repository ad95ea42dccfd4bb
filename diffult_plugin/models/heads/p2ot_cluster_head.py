"""P2OT: pseudo-labels for deep imbalanced clustering by progressive partial
optimal transport."""
import math
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


def sigmoid_rampup(progress: float) -> float:
    """``exp(-5 (1 - p)^2)`` for p in [0, 1] (Laine and Aila's ramp, which
    the P2OT code uses for rho); 1 from p = 1 on."""
    progress = min(max(progress, 0.0), 1.0)
    return math.exp(-5.0 * (1.0 - progress)**2)


def p2ot_rho(progress: float, rho0: float = 0.1) -> float:
    """The transported mass of P2OT at training progress ``progress``:
    ``rho0 + (1 - rho0) * sigmoid_rampup(progress)``, from about rho0 to 1."""
    return rho0 + (1.0 - rho0) * sigmoid_rampup(progress)


@torch.no_grad()
def p2ot_pseudo_labels(logits: torch.Tensor,
                       rho: float,
                       epsilon: float = 0.1,
                       marginal_weight: float = 1.0,
                       column_mass: Optional[torch.Tensor] = None
                       ) -> torch.Tensor:
    """Soft pseudo-labels (N, K) of P2OT (Zhang et al., ICLR 2024, Eq. 3-6).

    ``min_Q <Q, -log P> + lambda KL(Q^T 1 || rho/K 1)`` over plans that move
    ``rho`` of the mass, each sample carrying at most 1/N; solved with the
    project's log-domain partial Sinkhorn (the OT filter's), the virtual
    column taking the rest. Rows are rescaled by N, so a sample that is
    fully transported has a label summing to 1 and a dropped one less.

    Args:
        logits (Tensor): (N, K) cluster logits (detached).
        rho (float): Transported mass in (0, 1].
        epsilon (float): Entropic regularisation (0.1 in P2OT).
        marginal_weight (float): lambda of the KL relaxation of the
            cluster sizes (1 in P2OT; ``math.inf`` forces them, a balanced
            partial transport).
        column_mass (Tensor, optional): Target cluster sizes (uniform).
    """
    cost = -F.log_softmax(logits.double(), dim=1)
    return _labels_of_cost(cost, rho, epsilon, marginal_weight,
                           column_mass).to(logits)


def _labels_of_cost(cost: torch.Tensor, rho: float, epsilon: float,
                    marginal_weight: float,
                    column_mass: Optional[torch.Tensor] = None
                    ) -> torch.Tensor:
    """N times the real columns of the partial plan of ``cost``."""
    from diffult_plugin.diffult.filters.optimal_transport import \
        partial_sinkhorn
    num, num_clusters = cost.shape
    if column_mass is None:
        column_mass = torch.ones(num_clusters, dtype=torch.float64)
    plan = partial_sinkhorn(cost.cpu(), column_mass.cpu(), rho, epsilon,
                            marginal_weight)
    return num * plan[:, :num_clusters]


def knn_graph(features: torch.Tensor, k: int = 20) -> torch.Tensor:
    """S of SP2OT: ``S[i, j] = 1`` when j is one of the ``k`` nearest
    neighbours of i by cosine similarity of the features (i excluded)."""
    feats = F.normalize(features.double(), dim=1)
    similarity = feats @ feats.t()
    similarity.fill_diagonal_(-math.inf)
    k = min(k, len(feats) - 1)
    graph = torch.zeros_like(similarity)
    if k > 0:
        graph.scatter_(1, similarity.topk(k, dim=1).indices, 1.0)
    return graph


@torch.no_grad()
def sp2ot_pseudo_labels(logits: torch.Tensor,
                        features: torch.Tensor,
                        rho: float,
                        semantic_weight: float = 1.0,
                        num_neighbours: int = 20,
                        mm_iters: int = 10,
                        epsilon: float = 0.1,
                        marginal_weight: float = 1.0,
                        graph: Optional[torch.Tensor] = None
                        ) -> torch.Tensor:
    """Soft pseudo-labels of SP2OT (arXiv 2404.03446): P2OT's objective
    minus ``lambda_s <S, Q Q^T>``, a reward for giving the same cluster to
    feature neighbours (S: :func:`knn_graph`), solved by
    majorisation-minimisation: each of ``mm_iters`` steps linearises the
    reward at the current labels and solves P2OT with the cost
    ``-log P - lambda_s (1 - rho) (S + S^T) Q_m / k``.

    Departure, stated: the linearised term is taken on the labels (rows
    summing to at most 1) and divided by the neighbour count k, so it lies
    in [0, 2 lambda_s (1 - rho)] whatever N and k (the SP2OT code scales
    lambda_s by (1 - rho) on the plan itself).
    """
    if graph is None:  # (given: the features' graph, computed once)
        graph = knn_graph(features, num_neighbours)
    symmetric = (graph + graph.t()) / max(1, min(num_neighbours,
                                                 len(graph) - 1))
    weight = semantic_weight * (1.0 - rho)
    base = -F.log_softmax(logits.double(), dim=1)
    labels = _labels_of_cost(base, rho, epsilon, marginal_weight)
    for _ in range(mm_iters):
        labels = _labels_of_cost(base - weight * symmetric @ labels, rho,
                                 epsilon, marginal_weight)
    return labels.to(logits)


@MODELS.register_module()
class P2OTClusterHead(BaseModule):
    """Cluster head trained with P2OT's pseudo-labels.

    A linear layer maps features to K cluster logits. It plugs into
    mmpretrain's ``ImageClassifier`` with ``MultiViewClsDataPreprocessor``
    (two views per image, stacked view-major); the labels of the data
    samples are never read by the loss (they serve the evaluation only),
    so this is clustering without labels. (The P2OT code trains the last
    block of a DINO ViT; the issue's CPU configs train a small network from
    scratch.) For two views of a batch, each view's pseudo-labels come from P2OT over its logits and a
    bank of the most recent logits (``bank_size`` rows: the transport sees
    more than one batch, 10 batches in the P2OT code), and each view learns
    the other's labels (swapped cross-entropy on the soft plan rows). rho
    follows :func:`p2ot_rho` over the run (the training progress is read
    from mmengine's message hub: ``iter / max_iters``).

    Args:
        in_channels (int): Feature size.
        num_clusters (int): K.
        bank_size (int): Logit rows kept for the transport. Defaults to 0
            (the batch alone).
        rho0 (float): Initial transported mass. Defaults to 0.1.
        epsilon (float): Defaults to 0.1.
        marginal_weight (float): lambda. Defaults to 1.
        init_cfg (dict, optional): Initialisation.
    """

    def __init__(self,
                 in_channels: int,
                 num_clusters: int,
                 bank_size: int = 0,
                 rho0: float = 0.1,
                 epsilon: float = 0.1,
                 marginal_weight: float = 1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not 0 < rho0 <= 1:
            raise ValueError(f'P2OTClusterHead.rho0 must lie in (0, 1], got '
                             f'{rho0}.')
        self.fc = nn.Linear(in_channels, num_clusters)
        self.num_clusters = num_clusters
        self.bank_size = bank_size
        self.rho0 = rho0
        self.epsilon = epsilon
        self.marginal_weight = marginal_weight
        self.register_buffer('bank', torch.zeros(0, num_clusters),
                             persistent=False)

    def forward(self, feats) -> torch.Tensor:
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        return self.fc(feats)

    def rho(self) -> float:
        hub = MessageHub.get_current_instance()
        current, total = hub.get_info('iter'), hub.get_info('max_iters')
        progress = 1.0 if not total else float(current or 0) / total
        return p2ot_rho(progress, self.rho0)

    def _labels(self, logits: torch.Tensor, rho: float) -> torch.Tensor:
        rows = torch.cat([self.bank.to(logits), logits.detach()])
        labels = p2ot_pseudo_labels(rows, rho, self.epsilon,
                                    self.marginal_weight)
        return labels[len(self.bank):]

    def loss(self, feats, data_samples=None, **kwargs) -> dict:
        """Swapped cross-entropy of two views on each other's P2OT labels.

        ``feats``: the view-major features of a two-view batch (what
        ``ImageClassifier`` passes with ``MultiViewClsDataPreprocessor``),
        or a list of the two views' features."""
        if isinstance(feats, tuple):
            feats = feats[-1]
        if isinstance(feats, list):
            views = feats[:2]
        else:
            if len(feats) % 2:
                raise ValueError(
                    'P2OTClusterHead needs two views of each image: use '
                    "MultiView(num_views=2) and data_preprocessor=dict(type="
                    "'MultiViewClsDataPreprocessor').")
            views = feats.chunk(2)
        first, second = (self(f) for f in views)
        rho = self.rho()
        q_first = self._labels(first, rho)
        q_second = self._labels(second, rho)
        loss = -0.5 * (
            (q_second * F.log_softmax(first, dim=1)).sum(1).mean() +
            (q_first * F.log_softmax(second, dim=1)).sum(1).mean())
        if self.bank_size:
            self.bank = torch.cat([self.bank.to(first), first.detach(),
                                   second.detach()])[-self.bank_size:]
        return dict(loss=loss, rho=torch.tensor(rho))

    def predict(self, feats, data_samples=None):
        """Each sample's cluster (``pred_label``) and cluster scores."""
        from mmpretrain.structures import DataSample
        scores = F.softmax(self(feats), dim=1)
        labels = scores.argmax(1, keepdim=True)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(scores))]
        for sample, score, label in zip(data_samples, scores, labels):
            sample.set_pred_score(score).set_pred_label(label)
        return data_samples
