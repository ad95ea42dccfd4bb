"""ClusteringAccuracy against hand-worked partitions."""
import math

import numpy as np
import pytest
import torch

from diffult_plugin.evaluation.metrics import (ClusteringAccuracy,
                                               clustering_metrics)
from diffult_plugin.evaluation.metrics.clustering_accuracy import (
    adjusted_rand_index, hungarian_mapping, normalized_mutual_information)


def test_hungarian_accuracy_by_hand():
    labels = np.array([0, 0, 0, 1, 1, 2])
    pred = np.array([1, 1, 0, 0, 0, 2])
    # clusters: 1 -> {0, 0}, 0 -> {0, 1, 1}, 2 -> {2}: 1->0, 0->1, 2->2.
    assert hungarian_mapping(pred, labels, 3, 3).tolist() == [1, 0, 2]
    metrics = clustering_metrics(pred, labels)
    assert metrics['accuracy'] == pytest.approx(100 * 5 / 6)


def test_nmi_and_ari_by_hand():
    labels = np.array([0, 0, 1, 1])
    pred = np.array([0, 0, 0, 1])
    # I = .5 ln(4/3) + .25 ln(2/3) + .25 ln 2; H(Y) = ln 2;
    # H(Z) = -(.75 ln .75 + .25 ln .25); NMI = I / mean(H).
    mutual = .5 * math.log(4 / 3) + .25 * math.log(2 / 3) + .25 * math.log(2)
    h_z = -(.75 * math.log(.75) + .25 * math.log(.25))
    assert normalized_mutual_information(pred, labels) == pytest.approx(
        mutual / ((math.log(2) + h_z) / 2))
    # Pairs: index 1, rows 2, columns 3, total 6: expected 1 -> ARI 0.
    assert adjusted_rand_index(pred, labels) == pytest.approx(0.0)
    # A relabelled perfect clustering scores 1 on both.
    assert adjusted_rand_index(np.array([3, 3, 1, 1]), labels) == 1.0
    assert normalized_mutual_information(np.array([3, 3, 1, 1]),
                                         labels) == pytest.approx(1.0)


def test_head_medium_tail_by_class_size():
    # 10 classes, sizes 10 ... 1: head = classes 0-2, tail = 7-9.
    labels = np.repeat(np.arange(10), np.arange(10, 0, -1))
    pred = labels.copy()
    pred[labels >= 7] = 0  # the tail merged into class 0's cluster
    metrics = clustering_metrics(pred, labels)
    assert metrics['tail'] == 0.0
    assert metrics['medium'] == 100.0
    assert metrics['head'] == 100.0


def test_metric_from_data_samples():
    metric = ClusteringAccuracy(num_clusters=3)
    samples = [dict(pred_label=torch.tensor([p]), gt_label=torch.tensor([g]))
               for p, g in zip([2, 2, 0, 1], [0, 0, 1, 2])]
    metric.process(None, samples)
    result = metric.compute_metrics(metric.results)
    assert result['accuracy'] == 100.0 and result['ari'] == 100.0
    with pytest.raises(ValueError):
        ClusteringAccuracy(head_share=0.7, tail_share=0.5)


def test_a_balanced_test_set_ranks_classes_by_the_training_counts():
    # A balanced test set of 10 classes, 2 images each; the training counts
    # (the dataset's train_class_counts) rise with the class index, so the
    # head is classes 7-9 and the tail 0-2.
    labels = np.repeat(np.arange(10), 2)
    pred = labels.copy()
    pred[labels <= 2] = 5  # classes 0-2 merged into class 5's cluster
    samples = [dict(pred_label=torch.tensor([p]), gt_label=torch.tensor([g]))
               for p, g in zip(pred, labels)]
    metric = ClusteringAccuracy(num_clusters=10)
    metric.dataset_meta = dict(train_class_counts=list(range(1, 11)))
    metric.process(None, samples)
    result = metric.compute_metrics(metric.results)
    # Hungarian: cluster 5 goes to class 5 or to one of 0-2 (2 images
    # each way), so exactly one of the classes 0, 1, 2, 5 is right. Head
    # 7-9 whole; medium 3-6 and tail 0-2 hold 3 + 1 right classes.
    assert result['head'] == 100.0
    assert result['tail'] in (0.0, pytest.approx(100 / 3))
    assert (4 * result['medium'] + 3 * result['tail']) / 100 == \
        pytest.approx(4.0)
    # Without the training counts every class is the same size and the
    # split falls back on the order of the classes (0-2 the head).
    metric = ClusteringAccuracy(num_clusters=10)
    metric.process(None, samples)
    unranked = metric.compute_metrics(metric.results)
    assert unranked['head'] == result['tail']
    assert unranked['tail'] == 100.0
