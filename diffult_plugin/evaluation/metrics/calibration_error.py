"""Expected calibration error of the top-1 prediction."""
from typing import Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               num_bins: int = 15) -> float:
    """ECE with equal-width confidence bins (Guo et al., ICML 2017).

    Args:
        confidence (np.ndarray): Top-1 probability of each sample, in [0, 1].
        correct (np.ndarray): Whether each top-1 prediction is right.
        num_bins (int): Number of bins over (0, 1]. Defaults to 15.

    Returns:
        float: sum_b |B_b| / n * |acc(B_b) - conf(B_b)|, in [0, 1].
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if confidence.size == 0:
        return 0.0
    # Bin b holds confidences in (b/B, (b+1)/B]; a confidence of 0 goes to 0.
    bins = np.clip(np.ceil(confidence * num_bins).astype(np.int64) - 1, 0,
                   num_bins - 1)
    ece = 0.0
    for b in range(num_bins):
        in_bin = bins == b
        if in_bin.any():
            gap = abs(correct[in_bin].mean() - confidence[in_bin].mean())
            ece += in_bin.mean() * gap
    return float(ece)


@METRICS.register_module()
class ExpectedCalibrationError(BaseMetric):
    """Expected calibration error (ECE) of the top-1 softmax confidence.

    Paper: `On Calibration of Modern Neural Networks
    <https://arxiv.org/abs/1706.04599>`_ (Guo et al., ICML 2017); 15
    equal-width bins as in the long-tail calibration literature (Zhong et al.,
    "Improving Calibration for Long-Tailed Recognition", CVPR 2021).
    Reported as a percentage, like accuracy.

    Args:
        num_bins (int): Number of confidence bins. Defaults to 15.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to None.
    """
    default_prefix = 'calibration'

    def __init__(self,
                 num_bins: int = 15,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if num_bins < 1:
            raise ValueError(f'ExpectedCalibrationError: num_bins must be >= 1,'
                             f' got {num_bins}.')
        self.num_bins = num_bins

    def process(self, data_batch, data_samples: Sequence[dict]):
        for data_sample in data_samples:
            if 'pred_score' not in data_sample:
                raise ValueError('ExpectedCalibrationError needs `pred_score` '
                                 '(class probabilities) in the predictions.')
            score = data_sample['pred_score']
            confidence, label = score.max(dim=0)
            gt = int(data_sample['gt_label'].reshape(-1)[0])
            self.results.append((float(confidence), int(label) == gt))

    def compute_metrics(self, results: list) -> dict:
        confidence = np.array([r[0] for r in results])
        correct = np.array([r[1] for r in results])
        return dict(ece=100.0 * expected_calibration_error(
            confidence, correct, self.num_bins))
