"""P2OT's pseudo-labels: the rho schedule by hand, imbalance-aware labels
where balanced transport splits the head, and a head that trains."""
import math

import pytest
import torch
from mmengine.logging import MessageHub

from diffult_plugin.models.heads import (P2OTClusterHead, p2ot_pseudo_labels,
                                         p2ot_rho)


def test_rho_schedule_by_hand():
    # rho0 + (1 - rho0) exp(-5 (1 - p)^2)
    assert p2ot_rho(0.0) == pytest.approx(0.1 + 0.9 * math.exp(-5))
    assert p2ot_rho(0.5) == pytest.approx(0.1 + 0.9 * math.exp(-1.25))
    assert p2ot_rho(1.0) == 1.0 and p2ot_rho(2.0) == 1.0


def _long_tailed_predictions():
    """100 samples of clusters of 60 / 30 / 10, each predicted 0.8 on its
    own cluster, 0.1 on the others."""
    labels = torch.cat([torch.full((n, ), k) for k, n in enumerate((60, 30,
                                                                    10))])
    probs = torch.full((100, 3), 0.1)
    probs[torch.arange(100), labels] = 0.8
    return probs.log(), labels


def test_p2ot_keeps_the_tail_cluster_to_the_tail():
    logits, labels = _long_tailed_predictions()
    tail = labels == 2

    def tail_purity(q):
        """Share of cluster 2's label mass that tail samples carry."""
        return float(q[tail, 2].sum() / q[:, 2].sum())

    # Balanced transport (SwAV-like: equal cluster sizes, all the mass)
    # fills the tail cluster with head samples' mass.
    balanced = p2ot_pseudo_labels(logits, rho=1.0,
                                  marginal_weight=math.inf)
    assert balanced.sum(0).tolist() == pytest.approx([100 / 3] * 3, abs=0.1)
    assert tail_purity(balanced) < 0.4
    # P2OT's KL relaxation lets the clusters keep their sizes.
    p2ot = p2ot_pseudo_labels(logits, rho=1.0, marginal_weight=1.0)
    assert tail_purity(p2ot) > 0.85
    assert p2ot[labels == 0, 0].mean() > 0.9 > balanced[labels == 0, 0].mean()
    # Each row carries at most its sample's mass; rho of it in all.
    partial = p2ot_pseudo_labels(logits, rho=0.5)
    assert float(partial.sum()) == pytest.approx(50.0, abs=0.5)
    assert float(partial.sum(1).max()) <= 1.0 + 1e-6


def test_the_head_learns_clusters_from_two_views():
    torch.manual_seed(0)
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 40)
    centres = torch.randn(3, 8) * 3
    labels = torch.cat([torch.full((n, ), k) for k, n in enumerate((60, 30,
                                                                    10))])
    head = P2OTClusterHead(in_channels=8, num_clusters=3, bank_size=200,
                           epsilon=0.3)
    optimizer = torch.optim.SGD(head.parameters(), lr=0.5)
    losses = []
    for step in range(40):
        hub.update_info('iter', step)
        views = [centres[labels] + 0.5 * torch.randn(100, 8)
                 for _ in range(2)]
        out = head.loss(views)
        optimizer.zero_grad()
        out['loss'].backward()
        optimizer.step()
        losses.append(float(out['loss']))
    assert out['rho'] == pytest.approx(p2ot_rho(39 / 40))
    assert losses[-1] < losses[0]
    assert len(head.bank) == 200
    # The clusters found match the true ones up to a relabelling.
    pred = head(centres[labels]).argmax(1)
    from diffult_plugin.evaluation.metrics import clustering_metrics
    assert clustering_metrics(pred.numpy(),
                              labels.numpy())['accuracy'] > 95


def test_knn_graph_by_hand():
    from diffult_plugin.models.heads import knn_graph
    feats = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    graph = knn_graph(feats, k=1)
    assert graph.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1],
                              [0, 0, 1, 0]]


def test_sp2ot_gives_ambiguous_samples_their_neighbours_cluster():
    from diffult_plugin.models.heads import sp2ot_pseudo_labels
    # Two clusters of 20; the last 5 samples of cluster 0 have ambiguous
    # logits (0.5 / 0.5) but features among cluster 0's.
    torch.manual_seed(0)
    labels = torch.tensor([0] * 20 + [1] * 20)
    feats = torch.stack([torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
                         ])[labels] + 0.05 * torch.randn(40, 2)
    probs = torch.full((40, 2), 0.1)
    probs[torch.arange(40), labels] = 0.9
    probs[15:20] = 0.5
    logits = probs.log()
    plain = p2ot_pseudo_labels(logits, rho=0.5)
    semantic = sp2ot_pseudo_labels(logits, feats, rho=0.5,
                                   semantic_weight=2.0, num_neighbours=5)
    ambiguous = slice(15, 20)
    share = lambda q: float(q[ambiguous, 0].sum() / q[ambiguous].sum())
    assert share(semantic) > share(plain) + 0.1
    assert share(semantic) > 0.6
