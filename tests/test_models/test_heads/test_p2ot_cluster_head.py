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


def _swapped_loss(first, second, q_first, q_second):
    """The P2OT code's two-view loss: each view on the other's labels."""
    return -0.5 * ((q_second * first.log_softmax(1)).sum(1).mean() +
                   (q_first * second.log_softmax(1)).sum(1).mean())


def test_cosine_classifier_by_hand():
    head = P2OTClusterHead(in_channels=2, num_clusters=2,
                           classifier='cosine', logit_scale=10.0)
    with torch.no_grad():
        head.heads[0].weight.copy_(torch.tensor([[3.0, 0.0], [1.0, 1.0]]))
    # 10 cos(x, w_c): x = (0, 2) -> cos 0 and 1 / sqrt(2).
    logits = head(torch.tensor([[0.0, 2.0]]))
    assert logits.tolist()[0] == pytest.approx([0.0, 10 / math.sqrt(2)])
    with pytest.raises(ValueError, match='classifier'):
        P2OTClusterHead(in_channels=2, num_clusters=2, classifier='cos')


def test_heads_sum_their_losses_and_the_lowest_epoch_loss_predicts():
    torch.manual_seed(0)
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 10)
    hub.update_info('iter', 3)
    head = P2OTClusterHead(in_channels=4, num_clusters=3, num_heads=2)
    views = [torch.randn(12, 4), torch.randn(12, 4)]
    out = head.loss(views)
    rho = p2ot_rho(0.3)
    expected = []
    for k in range(2):
        first, second = (head.heads[k](v) for v in views)
        expected.append(_swapped_loss(
            first, second, p2ot_pseudo_labels(first.detach(), rho),
            p2ot_pseudo_labels(second.detach(), rho)))
    assert float(out['loss']) == pytest.approx(float(sum(expected)),
                                               rel=1e-5)

    # Selection: the lowest running sum inside the first epoch, then the
    # lowest mean of the last ended epoch, whatever the current step says.
    head = P2OTClusterHead(in_channels=4, num_clusters=3, num_heads=2)
    steps = [(0, [2.0, 1.0]), (0, [2.0, 1.5]), (1, [0.5, 3.0]),
             (1, [0.5, 3.0]), (2, [9.0, 9.0])]
    selected = []
    for epoch, losses in steps:
        hub.update_info('epoch', epoch)
        head._track_epoch(torch.tensor(losses))
        selected.append(int(head.selected_head))
    # epoch 0 sums [2, 1] -> 1, [4, 2.5] -> 1; epoch 1 starts: epoch 0's
    # mean [2, 1.25] -> 1 (not the current step's 0); epoch 2 starts:
    # epoch 1's mean [0.5, 3] -> 0.
    assert selected == [1, 1, 1, 1, 0]
    assert head.epoch_loss.tolist() == [9.0, 9.0]
    # The selection travels with the checkpoint.
    restored = P2OTClusterHead(in_channels=4, num_clusters=3, num_heads=2)
    restored.load_state_dict(head.state_dict())
    assert int(restored.selected_head) == 0
    x = torch.randn(5, 4)
    assert torch.equal(restored(x), restored.heads[0](x))
    hub.update_info('epoch', None)


def test_semantic_weight_gives_sp2ot_labels_on_bank_features():
    from diffult_plugin.models.heads import knn_graph, sp2ot_pseudo_labels
    torch.manual_seed(0)
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 10)
    hub.update_info('iter', 5)
    head = P2OTClusterHead(in_channels=4, num_clusters=3, bank_size=16,
                           semantic_weight=1.0, num_neighbours=3,
                           mm_iters=2)
    views = [torch.randn(8, 4), torch.randn(8, 4)]
    head.loss(views)  # fills the banks with 16 rows
    assert len(head.feature_bank) == len(head.bank) == 16
    bank, feature_bank = head.bank.clone(), head.feature_bank.clone()
    views = [torch.randn(8, 4), torch.randn(8, 4)]
    out = head.loss(views)
    rho = p2ot_rho(0.5)
    first, second = (head.heads[0](v) for v in views)

    def labels(logits, feats):
        rows = torch.cat([bank, logits.detach()])
        feature_rows = torch.cat([feature_bank, feats])
        return sp2ot_pseudo_labels(
            rows, feature_rows, rho, 1.0, 3, 2,
            graph=knn_graph(feature_rows, 3))[16:]

    expected = _swapped_loss(first, second, labels(first, views[0]),
                             labels(second, views[1]))
    assert float(out['loss']) == pytest.approx(float(expected), rel=1e-5)
    # ... which differ from P2OT's on the same rows.
    plain = p2ot_pseudo_labels(torch.cat([bank, first.detach()]), rho)[16:]
    assert not torch.allclose(plain, labels(first, views[0]), atol=1e-3)
