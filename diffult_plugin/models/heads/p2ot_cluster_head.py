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

from .cosine_cls_head import NormedLinear


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


#: The cluster classifiers P2OTClusterHead builds.
CLASSIFIERS = ('linear', 'cosine')


@MODELS.register_module()
class P2OTClusterHead(BaseModule):
    """Cluster heads trained with P2OT's (or SP2OT's) pseudo-labels.

    Each of ``num_heads`` classifiers maps features to K cluster logits. It
    plugs into mmpretrain's ``ImageClassifier`` with
    ``MultiViewClsDataPreprocessor`` (two views per image, stacked
    view-major); the labels of the data samples are never read by the loss
    (they serve the evaluation only), so this is clustering without labels.
    For two views of a batch, each view's pseudo-labels come from P2OT over
    its logits and a bank of the most recent logits (``bank_size`` rows per
    head: the transport sees more than one batch, 10 batches in the P2OT
    code), and each view learns the other's labels (swapped cross-entropy on
    the soft plan rows). rho follows :func:`p2ot_rho` over the run (the
    training progress is read from mmengine's message hub:
    ``iter / max_iters``).

    As in the P2OT code (``models/models.py``, ``losses/losses.py``): the
    heads are independent and their losses are summed; a head is a linear
    layer or a cosine classifier (``classifier='cosine'``: unit feature,
    unit prototypes, times ``logit_scale`` = 10, the code's ``Cos_classifier``
    with its weight-norm gain fixed at 1; the code's CIFAR-100 runs use 2
    cosine heads); prediction uses the head whose mean loss over the last
    full epoch was lowest (the code's ``--model_select loss``).
    ``semantic_weight > 0`` gives SP2OT: the labels of
    :func:`sp2ot_pseudo_labels`, with the k-nearest-neighbour graph of the
    backbone features of the bank's images and the batch (a feature bank
    kept beside the logit banks). Departures from the SP2OT code, stated:
    its graph keeps the cosine similarity of the k neighbours, computed
    once over the dataset with the frozen DINO backbone, where ours is
    binary and follows the features as they train (a backbone trained from
    scratch has no features worth freezing at the start); its lambda_s
    (``mm_factor``) acts on the plan, ours on the labels divided by k, so
    ``semantic_weight = mm_factor * k / N`` for a bank of N rows.

    Args:
        in_channels (int): Feature size.
        num_clusters (int): K.
        num_heads (int): Independent cluster heads. Defaults to 1.
        classifier (str): 'linear' or 'cosine'. Defaults to 'linear'.
        logit_scale (float): Scale of the cosine classifier. Defaults to 10.
        bank_size (int): Logit rows kept for the transport. Defaults to 0
            (the batch alone).
        rho0 (float): Initial transported mass. Defaults to 0.1.
        epsilon (float): Defaults to 0.1.
        marginal_weight (float): lambda. Defaults to 1.
        semantic_weight (float): lambda_s of SP2OT; 0 is P2OT. Defaults
            to 0.
        num_neighbours (int): k of SP2OT's graph. Defaults to 20.
        mm_iters (int): SP2OT's majorisation-minimisation steps. Defaults
            to 10.
        init_cfg (dict, optional): Initialisation.
    """

    def __init__(self,
                 in_channels: int,
                 num_clusters: int,
                 num_heads: int = 1,
                 classifier: str = 'linear',
                 logit_scale: float = 10.0,
                 bank_size: int = 0,
                 rho0: float = 0.1,
                 epsilon: float = 0.1,
                 marginal_weight: float = 1.0,
                 semantic_weight: float = 0.0,
                 num_neighbours: int = 20,
                 mm_iters: int = 10,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not 0 < rho0 <= 1:
            raise ValueError(f'P2OTClusterHead.rho0 must lie in (0, 1], got '
                             f'{rho0}.')
        if classifier not in CLASSIFIERS:
            raise ValueError(f'P2OTClusterHead.classifier must be one of '
                             f'{CLASSIFIERS}, got {classifier!r}.')
        if num_heads < 1:
            raise ValueError(f'P2OTClusterHead.num_heads must be at least 1, '
                             f'got {num_heads}.')
        if semantic_weight < 0:
            raise ValueError('P2OTClusterHead.semantic_weight must be >= 0 '
                             f'(0: P2OT), got {semantic_weight}.')
        self.heads = nn.ModuleList([
            nn.Linear(in_channels, num_clusters) if classifier == 'linear'
            else NormedLinear(in_channels, num_clusters, scale=logit_scale)
            for _ in range(num_heads)
        ])
        self.num_clusters = num_clusters
        self.num_heads = num_heads
        self.bank_size = bank_size
        self.rho0 = rho0
        self.epsilon = epsilon
        self.marginal_weight = marginal_weight
        self.semantic_weight = semantic_weight
        self.num_neighbours = num_neighbours
        self.mm_iters = mm_iters
        self.banks = [torch.zeros(0, num_clusters) for _ in range(num_heads)]
        self.feature_bank = torch.zeros(0, in_channels)
        # Head selection, saved with the model (so a resumed run selects as
        # an uninterrupted one): the head used for prediction, the epoch
        # being summed, its summed loss per head and step count, and how
        # many epochs have ended.
        long = dict(dtype=torch.long)
        self.register_buffer('selected_head', torch.zeros((), **long))
        self.register_buffer('loss_epoch', torch.full((), -1, **long))
        self.register_buffer('epoch_loss', torch.zeros(num_heads))
        self.register_buffer('epoch_steps', torch.zeros((), **long))
        self.register_buffer('epochs_ended', torch.zeros((), **long))

    @property
    def bank(self) -> torch.Tensor:
        """The first head's logit bank."""
        return self.banks[0]

    def forward(self, feats, head: Optional[int] = None) -> torch.Tensor:
        """Cluster logits of head ``head`` (the selected head)."""
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        index = int(self.selected_head) if head is None else head
        return self.heads[index](feats)

    def rho(self) -> float:
        hub = MessageHub.get_current_instance()
        current, total = hub.get_info('iter'), hub.get_info('max_iters')
        progress = 1.0 if not total else float(current or 0) / total
        return p2ot_rho(progress, self.rho0)

    def _labels(self, logits: torch.Tensor, head: int, rho: float,
                features: torch.Tensor,
                graph: Optional[torch.Tensor]) -> torch.Tensor:
        bank = self.banks[head].to(logits)
        rows = torch.cat([bank, logits.detach()])
        if self.semantic_weight > 0:
            labels = sp2ot_pseudo_labels(
                rows, features, rho, self.semantic_weight,
                self.num_neighbours, self.mm_iters, self.epsilon,
                self.marginal_weight, graph=graph)
        else:
            labels = p2ot_pseudo_labels(rows, rho, self.epsilon,
                                        self.marginal_weight)
        return labels[len(bank):]

    def _graph(self, features: torch.Tensor):
        """The SP2OT graph of the feature bank and ``features`` (or None)."""
        if self.semantic_weight <= 0:
            return None, None
        rows = torch.cat([self.feature_bank.to(features),
                          features.detach()])
        return rows, knn_graph(rows, self.num_neighbours)

    def _track_epoch(self, losses: torch.Tensor) -> None:
        """Select the head with the lowest mean loss of the last epoch
        (before one has ended: the lowest summed loss so far)."""
        epoch = MessageHub.get_current_instance().get_info('epoch')
        epoch = -1 if epoch is None else int(epoch)
        if epoch != int(self.loss_epoch) and int(self.epoch_steps) > 0:
            self.selected_head.fill_(int(self.epoch_loss.argmin()))
            self.epochs_ended += 1
            self.epoch_loss.zero_()
            self.epoch_steps.zero_()
        self.loss_epoch.fill_(epoch)
        self.epoch_loss += losses.detach().to(self.epoch_loss)
        self.epoch_steps += 1
        if int(self.epochs_ended) == 0:
            self.selected_head.fill_(int(self.epoch_loss.argmin()))

    def loss(self, feats, data_samples=None, **kwargs) -> dict:
        """Swapped cross-entropy of two views on each other's P2OT labels,
        summed over the heads.

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
        rho = self.rho()
        graphs = [self._graph(view) for view in views]
        head_losses = []
        for head in range(self.num_heads):
            first, second = (self(view, head) for view in views)
            q_first = self._labels(first, head, rho, *graphs[0])
            q_second = self._labels(second, head, rho, *graphs[1])
            head_losses.append(-0.5 * (
                (q_second * F.log_softmax(first, dim=1)).sum(1).mean() +
                (q_first * F.log_softmax(second, dim=1)).sum(1).mean()))
            if self.bank_size:
                self.banks[head] = torch.cat(
                    [self.banks[head].to(first), first.detach(),
                     second.detach()])[-self.bank_size:]
        if self.bank_size and self.semantic_weight > 0:
            self.feature_bank = torch.cat(
                [self.feature_bank.to(views[0]), views[0].detach(),
                 views[1].detach()])[-self.bank_size:]
        losses = torch.stack(head_losses)
        self._track_epoch(losses)
        out = dict(loss=losses.sum(), rho=torch.tensor(rho))
        if self.num_heads > 1:
            out['selected_head'] = self.selected_head.detach().clone()
        return out

    def predict(self, feats, data_samples=None):
        """Each sample's cluster (``pred_label``) and cluster scores, from
        the selected head."""
        from mmpretrain.structures import DataSample
        scores = F.softmax(self(feats), dim=1)
        labels = scores.argmax(1, keepdim=True)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(scores))]
        for sample, score, label in zip(data_samples, scores, labels):
            sample.set_pred_score(score).set_pred_label(label)
        return data_samples
