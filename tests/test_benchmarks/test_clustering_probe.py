"""benchmarks/clustering_probe.py on separable long-tailed features: the
imbalance-aware transport keeps the cluster sizes, balanced Sinkhorn
splits the head."""
import numpy as np
import torch

from benchmarks.clustering_probe import self_label
from diffult_plugin.evaluation.metrics.clustering_accuracy import \
    clustering_metrics


def test_p2ot_keeps_long_tailed_clusters_where_sinkhorn_splits_the_head():
    g = torch.Generator().manual_seed(0)
    sizes = [300, 120, 30]
    features = torch.cat([
        torch.eye(3, 16)[i] * 4 + torch.randn(n, 16, generator=g)
        for i, n in enumerate(sizes)
    ])
    labels = np.repeat(np.arange(3), sizes)
    results = {}
    # (SP2OT, slower, has its tests with the head; k-means from random
    # prototypes may leave two in the head, a local optimum of its own.)
    for method in ('sinkhorn', 'p2ot'):
        pred = self_label(method, features, 3, 15, 0.1, 0)
        results[method] = (clustering_metrics(pred, labels, 3, sizes),
                           sorted(np.bincount(pred, minlength=3)))
    # Balanced transport forces about 150 per cluster: the head is split.
    assert results['sinkhorn'][0]['accuracy'] < 75
    assert max(results['sinkhorn'][1]) < 200
    metrics, found = results['p2ot']
    assert metrics['accuracy'] > 95, metrics
    assert metrics['tail'] > 90, metrics
    assert found[-1] > 250  # the head cluster stays whole


def test_table_averages_the_latest_record_of_each_seed():
    from benchmarks.clustering_probe import table
    base = dict(method='p2ot', nmi=50.0, ari=40.0, head=1.0, medium=2.0,
                tail=3.0, cluster_sizes=[10, 5])
    records = [dict(base, seed=0, accuracy=10.0),
               dict(base, seed=0, accuracy=40.0),  # a rerun replaces it
               dict(base, seed=1, accuracy=60.0, cluster_sizes=[20, 1])]
    row = table(records).splitlines()[-1]
    assert row.startswith('| p2ot | 2 | 50.00 ± 14.14 | 50.00 ± 0.00 |')
    assert row.endswith('| 15 ± 7 |')
