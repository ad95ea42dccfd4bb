"""Clustering quality on long-tailed data, as deep imbalanced clustering
papers report it (P2OT, Zhang et al., ICLR 2024; SP2OT)."""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


def hungarian_mapping(pred: np.ndarray, labels: np.ndarray,
                      num_clusters: int, num_classes: int) -> np.ndarray:
    """cluster -> class maximising the matched samples (one cluster per
    class; with more clusters than classes the rest map to -1)."""
    from scipy.optimize import linear_sum_assignment
    counts = np.zeros((num_clusters, num_classes), dtype=np.int64)
    np.add.at(counts, (pred, labels), 1)
    rows, cols = linear_sum_assignment(-counts)
    mapping = np.full(num_clusters, -1, dtype=np.int64)
    mapping[rows] = cols
    return mapping


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def normalized_mutual_information(pred: np.ndarray,
                                  labels: np.ndarray) -> float:
    """I(Y; Z) / ((H(Y) + H(Z)) / 2), the arithmetic normalisation
    (scikit-learn's default, which the P2OT code reports)."""
    _, z = np.unique(pred, return_inverse=True)
    _, y = np.unique(labels, return_inverse=True)
    joint = np.zeros((y.max() + 1, z.max() + 1))
    np.add.at(joint, (y, z), 1)
    n = joint.sum()
    py, pz = joint.sum(1) / n, joint.sum(0) / n
    nz = joint > 0
    mutual = float((joint[nz] / n * np.log(
        (joint[nz] / n) / np.outer(py, pz)[nz])).sum())
    h = (_entropy(joint.sum(1)) + _entropy(joint.sum(0))) / 2
    return 1.0 if h == 0 else mutual / h


def adjusted_rand_index(pred: np.ndarray, labels: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index of two partitions."""
    _, z = np.unique(pred, return_inverse=True)
    _, y = np.unique(labels, return_inverse=True)
    table = np.zeros((y.max() + 1, z.max() + 1))
    np.add.at(table, (y, z), 1)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index = pairs(table)
    rows, cols = pairs(table.sum(1)), pairs(table.sum(0))
    total = pairs(np.array([table.sum()]))
    expected = rows * cols / total if total else 0.0
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


@METRICS.register_module()
class ClusteringAccuracy(BaseMetric):
    """Hungarian accuracy, NMI, ARI and the accuracy on the head, medium and
    tail classes of a clustering of long-tailed data.

    Each sample's cluster is its ``pred_label`` (the cluster head's
    argmax). Accuracy maps clusters to classes one to one by the Hungarian
    algorithm (the mapping that matches the most samples); per-class
    accuracies under that mapping are averaged over the head (the 30 % of
    classes with the most samples), medium (the next 40 %) and tail (the
    last 30 %) classes, the split P2OT reports. Class sizes are
    ``class_counts`` when given, else the evaluated dataset's
    ``metainfo['train_class_counts']`` (a long-tailed test split, e.g. the
    balanced CIFAR-100 test set the P2OT code scores), else the evaluated
    set's own (clustering evaluated on the data it clustered). All values are percentages (NMI and
    ARI, which the papers print in [0, 1], times 100).

    Args:
        num_clusters (int, optional): Number of clusters K; defaults to the
            number of classes.
        class_counts (Sequence[int], optional): Class sizes that rank the
            classes into head / medium / tail.
        head_share (float): Share of classes in the head. Defaults to 0.3.
        tail_share (float): Share of classes in the tail. Defaults to 0.3.
        collect_device (str): 'cpu' or 'gpu'.
        prefix (str, optional): Defaults to 'clustering'.
    """
    default_prefix = 'clustering'

    def __init__(self,
                 num_clusters: Optional[int] = None,
                 class_counts: Optional[Sequence[int]] = None,
                 head_share: float = 0.3,
                 tail_share: float = 0.3,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not (0 < head_share < 1 and 0 < tail_share < 1
                and head_share + tail_share <= 1):
            raise ValueError('ClusteringAccuracy: head_share and tail_share '
                             'must lie in (0, 1) and sum to at most 1.')
        self.num_clusters = num_clusters
        self.class_counts = (list(class_counts)
                             if class_counts is not None else None)
        self.head_share = head_share
        self.tail_share = tail_share

    def process(self, data_batch, data_samples: Sequence[dict]):
        for sample in data_samples:
            if 'pred_label' in sample:
                pred = int(torch.as_tensor(sample['pred_label']).reshape(-1)
                           [0])
            else:
                pred = int(torch.as_tensor(sample['pred_score']).argmax())
            self.results.append(
                (pred, int(torch.as_tensor(sample['gt_label']).reshape(-1)
                           [0])))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        pred, labels = np.asarray(results, dtype=np.int64).reshape(-1, 2).T
        counts = self.class_counts
        if counts is None:
            counts = (self.dataset_meta or {}).get('train_class_counts')
        return clustering_metrics(pred, labels, self.num_clusters, counts,
                                  self.head_share, self.tail_share)


def clustering_metrics(pred: np.ndarray,
                       labels: np.ndarray,
                       num_clusters: Optional[int] = None,
                       class_counts: Optional[Sequence[int]] = None,
                       head_share: float = 0.3,
                       tail_share: float = 0.3) -> Dict[str, float]:
    """The values of :class:`ClusteringAccuracy` for cluster ids ``pred``
    and true ``labels``."""
    num_classes = int(labels.max()) + 1
    if class_counts is not None:
        num_classes = max(num_classes, len(class_counts))
    num_clusters = max(num_clusters or num_classes, int(pred.max()) + 1)
    mapping = hungarian_mapping(pred, labels, num_clusters, num_classes)
    mapped = mapping[pred]
    counts = np.asarray(class_counts if class_counts is not None else
                        np.bincount(labels, minlength=num_classes))
    order = np.argsort(-counts, kind='stable')  # largest first
    head = int(round(head_share * num_classes))
    tail = int(round(tail_share * num_classes))
    groups = dict(head=order[:head], medium=order[head:num_classes - tail],
                  tail=order[num_classes - tail:])
    per_class = np.full(num_classes, np.nan)
    for c in range(num_classes):
        mask = labels == c
        if mask.any():
            per_class[c] = 100.0 * float((mapped[mask] == c).mean())
    out = dict(
        accuracy=100.0 * float((mapped == labels).mean()),
        nmi=100.0 * normalized_mutual_information(pred, labels),
        ari=100.0 * adjusted_rand_index(pred, labels))
    for name, classes in groups.items():
        values = per_class[classes]
        values = values[~np.isnan(values)]
        if len(values):
            out[name] = float(values.mean())
    return out
