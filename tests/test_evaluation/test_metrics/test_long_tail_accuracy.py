import json
from types import SimpleNamespace

import pytest
import torch
from mmpretrain.registry import METRICS

from diffult_plugin.engine.hooks import LongTailResultsHook
from diffult_plugin.evaluation.metrics import LongTailAccuracy


def _samples(preds, gts, num_classes):
    out = []
    for p, g in zip(preds, gts):
        score = torch.full((num_classes, ), 0.1 / (num_classes - 1))
        score[p] = 0.9
        out.append(dict(pred_score=score, gt_label=torch.tensor([g])))
    return out


def test_groups_by_training_counts(tmp_path):
    # Classes 0 (150 imgs: many), 1 (50: medium), 2 (20: medium, boundary),
    # 3 (19: few).
    metric = LongTailAccuracy(
        train_class_counts=[150, 50, 20, 19], out_dir=str(tmp_path))
    metric.dataset_meta = dict(classes=['a', 'b', 'c', 'd'])
    gts = [0, 0, 1, 1, 2, 2, 3, 3]
    preds = [0, 0, 1, 0, 0, 0, 3, 3]
    metric.process(None, _samples(preds, gts, 4))
    result = metric.evaluate(len(gts))
    # per class: 100, 50, 0, 100
    assert result['long_tail/top1'] == pytest.approx(100 * 5 / 8)
    assert result['long_tail/many'] == pytest.approx(100.0)
    assert result['long_tail/medium'] == pytest.approx(25.0)
    assert result['long_tail/few'] == pytest.approx(100.0)

    # balanced: the mean of the per-class accuracies, 250 / 4.
    assert result['long_tail/balanced'] == pytest.approx(62.5)

    # The metric only computes; LongTailResultsHook writes and fires events.
    assert list(tmp_path.iterdir()) == []
    runner = SimpleNamespace(rank=0, log_dir=str(tmp_path / 'log'),
                             val_evaluator=SimpleNamespace(metrics=[metric]))
    LongTailResultsHook().after_val_epoch(runner, result)
    assert metric.last_results is None  # written once
    saved = json.loads((tmp_path / 'lt_results.json').read_text())
    assert saved['per_class'] == [100.0, 50.0, 0.0, 100.0]
    assert saved['balanced'] == pytest.approx(62.5)
    assert saved['num_classes_per_group'] == dict(many=1, medium=2, few=1)
    assert saved['classes'] == ['a', 'b', 'c', 'd']
    history = (tmp_path / 'lt_results.jsonl').read_text().splitlines()
    assert len(history) == 1


def test_counts_from_dataset_meta_and_empty_group():
    metric = METRICS.build(
        dict(type='LongTailAccuracy', many_threshold=10, few_threshold=2))
    metric.dataset_meta = dict(train_class_counts=[30, 5])
    metric.process(None, _samples([0, 0], [0, 1], 2))
    result = metric.evaluate(2)
    assert result['long_tail/many'] == 100.0
    assert result['long_tail/medium'] == 0.0
    assert 'long_tail/few' not in result  # no class has fewer than 2 images


def test_pred_label_only():
    metric = LongTailAccuracy(train_class_counts=[3, 3])
    metric.process(None, [
        dict(pred_label=torch.tensor([1]), gt_label=torch.tensor([1])),
        dict(pred_label=torch.tensor([1]), gt_label=torch.tensor([0]))
    ])
    assert metric.evaluate(2)['long_tail/top1'] == 50.0


def test_missing_counts_say_how_to_fix():
    metric = LongTailAccuracy()
    metric.dataset_meta = dict(classes=['a'])
    metric.process(None, _samples([0], [0], 2))
    with pytest.raises(ValueError, match='train_class_counts'):
        metric.evaluate(1)


def test_bad_thresholds():
    with pytest.raises(ValueError, match='few_threshold'):
        LongTailAccuracy(many_threshold=10, few_threshold=20)


def test_balanced_accuracy_differs_from_top1_on_an_imbalanced_test_set():
    # 8 images of class 0 all right, 2 of class 1 all wrong: top-1 80 %,
    # balanced (100 + 0) / 2 = 50 %.
    metric = LongTailAccuracy(train_class_counts=[100, 10])
    metric.process(None, _samples([0] * 8 + [0, 0], [0] * 8 + [1, 1], 2))
    result = metric.evaluate(10)
    assert result['long_tail/top1'] == pytest.approx(80.0)
    assert result['long_tail/balanced'] == pytest.approx(50.0)
