import numpy as np
import pytest
import torch
from mmpretrain.registry import METRICS

from diffult_plugin.evaluation.metrics import expected_calibration_error


def test_hand_computed_ece():
    # Two bins used out of 10: (0.2, 0.3] holds 0.25, 0.25 (one right) ->
    # |0.5 - 0.25| = 0.25; (0.9, 1.0] holds 0.95, 1.0 (both right) ->
    # |1 - 0.975| = 0.025. ECE = 0.5 * 0.25 + 0.5 * 0.025 = 0.1375.
    conf = np.array([0.25, 0.25, 0.95, 1.0])
    correct = np.array([True, False, True, True])
    assert expected_calibration_error(conf, correct, 10) == pytest.approx(
        0.1375)


def test_perfectly_calibrated_is_zero():
    conf = np.array([1.0, 1.0, 0.5, 0.5])
    correct = np.array([True, True, True, False])
    assert expected_calibration_error(conf, correct, 15) == pytest.approx(0)


def test_metric_from_scores():
    metric = METRICS.build(dict(type='ExpectedCalibrationError', num_bins=10))
    samples = [
        dict(pred_score=torch.tensor([0.25, 0.75]), gt_label=torch.tensor([1])),
        dict(pred_score=torch.tensor([0.75, 0.25]), gt_label=torch.tensor([1])),
    ]
    metric.process(None, samples)
    # One bin, confidence 0.75, accuracy 0.5 -> 25 %.
    assert metric.evaluate(2)['calibration/ece'] == pytest.approx(25.0)
