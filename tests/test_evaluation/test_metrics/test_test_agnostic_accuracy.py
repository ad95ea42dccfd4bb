"""TestAgnosticAccuracy: each shifted set scored exactly from one pass, and
the three prior handlings by hand."""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from diffult_plugin.datasets.test_distributions import shifted_test_indices
from diffult_plugin.evaluation.metrics import (TestAgnosticAccuracy,
                                               format_test_agnostic_table)


def _samples(probs, labels):
    # The evaluator hands metrics dicts (DataSample.to_dict()).
    return [
        DataSample().set_pred_score(torch.tensor(p)).set_gt_label(
            int(y)).to_dict() for p, y in zip(probs, labels)
    ]


def _evaluate(probs, labels, **kwargs):
    metric = TestAgnosticAccuracy(**kwargs)
    metric.process(None, _samples(probs, labels))
    return metric.compute_metrics(metric.results)


def test_each_subset_is_scored_exactly():
    rng = np.random.RandomState(0)
    labels = np.repeat(np.arange(5), 40)
    probs = rng.dirichlet(np.ones(5), size=len(labels)).astype(np.float32)
    metrics = _evaluate(probs, labels, priors=['none'],
                        train_class_counts=[400, 150, 60, 25, 10])
    for name, (factor, reverse) in [('forward10', (10, False)),
                                    ('backward5', (5, True)),
                                    ('uniform', (None, False))]:
        keep = shifted_test_indices(labels, factor, reverse)
        expected = 100 * (probs[keep].argmax(1) == labels[keep]).mean()
        assert metrics[f'{name}/none/top1'] == pytest.approx(expected)
    # Many: > 100 training images (classes 0, 1); Few: < 20 (class 4),
    # which forward50 keeps none of (int(40 / 50) = 0): no Few value there.
    keep = shifted_test_indices(labels, 50, True)
    pred, gt = probs[keep].argmax(1), labels[keep]
    # Class 0 keeps no sample here: Many is class 1's accuracy alone.
    assert (gt == 0).sum() == 0 and (gt == 1).sum() == 2
    many = 100 * (pred[gt == 1] == 1).mean()
    assert metrics['backward50/none/many'] == pytest.approx(many)
    few = 100 * (pred[gt == 4] == 4).mean()
    assert metrics['backward50/none/few'] == pytest.approx(few)
    assert 'forward50/none/few' not in metrics


def test_prior_handling_by_hand():
    # One sample of class 1 scored p = (0.6, 0.4); training prior (0.8, 0.2):
    # none -> class 0; train: log .6 - log .8 < log .4 - log .2 -> class 1.
    probs = np.array([[0.6, 0.4]] * 4, np.float32)
    labels = np.array([1, 1, 0, 0])
    metrics = _evaluate(probs, labels, distributions=['uniform'],
                        train_class_counts=[80, 20])
    assert metrics['uniform/none/top1'] == 50.0  # always class 0
    assert metrics['uniform/train/top1'] == 50.0  # always class 1
    # The test prior: uniform here, so 'test' equals 'train'.
    assert metrics['uniform/test/top1'] == 50.0
    # A test set of class 0 only (backward / forward subsets of 2 classes
    # keep both; build one by hand): the oracle prior restores class 0.
    probs = np.array([[0.6, 0.4]] * 3 + [[0.3, 0.7]], np.float32)
    labels = np.array([0, 0, 0, 1])
    metrics = _evaluate(probs, labels, distributions=['uniform'],
                        train_class_counts=[80, 20])
    # train: (log .6/.8, log .4/.2) -> class 1 for the first three.
    assert metrics['uniform/train/top1'] == 25.0
    # test prior (3/4, 1/4): log .6/.8 + log .75 = -0.58 > log .4/.2 +
    # log .25 = -0.69 -> class 0; the last stays class 1.
    assert metrics['uniform/test/top1'] == 100.0


def test_table_and_bad_settings():
    probs = np.eye(3, dtype=np.float32)[[0, 1, 2] * 10] * 0.9 + 0.03
    labels = np.array([0, 1, 2] * 10)
    metrics = _evaluate(probs, labels, train_class_counts=[50, 10, 5])
    table = format_test_agnostic_table(metrics)
    assert table.splitlines()[0].startswith('| prior | forward50 |')
    assert '| none | 100.00 |' in table
    with pytest.raises(ValueError, match='unknown distributions'):
        TestAgnosticAccuracy(distributions=['sideways'])
    with pytest.raises(ValueError, match='priors'):
        TestAgnosticAccuracy(priors=['oracle'])


def test_published_lists_select_their_samples(tmp_path):
    # A test set of 6 images in SADE's list layout; forward3 keeps 3 of
    # class 0 and 1 of class 1, backward3 the reverse.
    paths = [f'/data/val/c{c}/{i}.jpg' for c in (0, 1) for i in range(3)]
    labels = np.array([0, 0, 0, 1, 1, 1])
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3],
                      [0.1, 0.9], [0.6, 0.4], [0.3, 0.7]], np.float32)
    lists = tmp_path / 'lists'
    lists.mkdir()
    (lists / 'X_forward3.txt').write_text(
        'val/c0/0.jpg 0\nval/c0/1.jpg 0\nval/c0/2.jpg 0\nval/c1/0.jpg 1\n')
    (lists / 'X_backward3.txt').write_text(
        'val/c0/1.jpg 0\nval/c1/0.jpg 1\nval/c1/1.jpg 1\nval/c1/2.jpg 1\n')
    (lists / 'X_uniform.txt').write_text(''.join(
        f'{p[len("/data/"):]} {y}\n' for p, y in zip(paths, labels)))
    (lists / 'X_train.txt').write_text('not a distribution 0\n')
    metric = TestAgnosticAccuracy(priors=['none'], train_class_counts=[3, 1],
                                  list_dir=str(lists),
                                  list_template='X_{name}.txt')
    assert metric.distributions == ['forward3', 'uniform', 'backward3']
    samples = _samples(probs, labels)
    for sample, path in zip(samples, paths):
        sample['img_path'] = path
    metric.process(None, samples)
    metrics = metric.compute_metrics(metric.results)
    # forward3: images 0, 1, 2 of c0 (right, wrong, right), c1/0 (right).
    assert metrics['forward3/none/top1'] == pytest.approx(75.0)
    # backward3: c0/1 (wrong), c1/0 (right), c1/1 (wrong), c1/2 (right).
    assert metrics['backward3/none/top1'] == pytest.approx(50.0)
    assert metrics['uniform/none/top1'] == pytest.approx(400 / 6)
    table = format_test_agnostic_table(metrics)
    assert table.splitlines()[0] == '| prior | forward3 | uniform | ' \
        'backward3 |'


def test_a_list_that_does_not_fit_the_test_set_is_named(tmp_path):
    (tmp_path / 'uniform.txt').write_text('val/c0/0.jpg 0\nval/c9/0.jpg 1\n')
    metric = TestAgnosticAccuracy(priors=['none'], train_class_counts=[1, 1],
                                  list_dir=str(tmp_path))
    samples = _samples(np.array([[0.5, 0.5]], np.float32), [0])
    samples[0]['img_path'] = '/d/val/c0/0.jpg'
    metric.process(None, samples)
    with pytest.raises(ValueError, match='uniform.txt, line 2'):
        metric.compute_metrics(metric.results)
    with pytest.raises(FileNotFoundError, match='not'):
        TestAgnosticAccuracy(list_dir=str(tmp_path / 'missing'))
