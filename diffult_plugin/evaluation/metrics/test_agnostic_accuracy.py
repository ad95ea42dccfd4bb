"""Accuracy under shifted test label distributions, from one pass over the
test set."""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from diffult_plugin.datasets.test_distributions import (
    SADE_DISTRIBUTIONS, distribution_order, find_distribution_lists,
    indices_from_list, shifted_test_indices)

#: How the model's scores meet a test distribution (``priors``).
PRIOR_MODES = ('none', 'train', 'test')


@METRICS.register_module()
class TestAgnosticAccuracy(BaseMetric):
    """Top-1 and Many / Medium / Few accuracy on SADE's shifted test
    distributions (forward and backward long-tailed, uniform), all computed
    from one pass over the balanced test set.

    Each shifted test set is a fixed subset of the test set: SADE's rule
    (:func:`shifted_test_indices`, CIFAR), or, with ``list_dir``, SADE's
    published list files (ImageNet-LT, Places-LT, iNaturalist 2018; every
    list found there is scored, matched to the test samples by path). The
    metric keeps every sample's scores, label and path in test-set order
    (mmengine's test loop does not shuffle) and scores each subset exactly,
    with no second inference.

    Three ways to meet a distribution (``priors``), each reported:

    - ``none``: the model's own prediction;
    - ``train``: the training prior removed (post-hoc logit adjustment,
      ``log p - log pi_train``; Menon et al., ICLR 2021), the prediction
      for a uniform test prior;
    - ``test``: the training prior replaced by the test set's own label
      distribution (``log p - log pi_train + log pi_test``): an oracle,
      since a deployed model does not know its test prior; the upper
      reference of test-time prior correction.

    ``pi_train`` is ``train_class_counts`` or the test set's
    ``metainfo['train_class_counts']`` (for a model trained on a DiffuLT
    proxy, give the proxy's weighted counts). SADE's test-time
    self-supervised aggregation of experts is not implemented here.

    Args:
        distributions (Sequence[str]): Names from ``SADE_DISTRIBUTIONS``.
            Defaults to all eleven.
        priors (Sequence[str]): Subset of ('none', 'train', 'test').
        train_class_counts (Sequence[int], optional): pi_train.
        many_threshold (int): More training images: Many. Defaults to 100.
        few_threshold (int): Fewer training images: Few. Defaults to 20.
        seed (int): Seed of the subsampling (SADE: 0).
        list_dir (str, optional): Folder of SADE's list files; replaces
            ``distributions`` by the lists found there.
        list_template (str): Their file names. Defaults to '{name}.txt'
            (SADE's: 'ImageNet_LT_{name}.txt', 'Places_LT_{name}.txt',
            'iNaturalist18_{name}.txt').
        collect_device (str): 'cpu' or 'gpu'.
        prefix (str, optional): Defaults to 'test_agnostic'.
    """
    default_prefix = 'test_agnostic'
    __test__ = False  # a metric, not a pytest test class

    def __init__(self,
                 distributions: Sequence[str] = tuple(SADE_DISTRIBUTIONS),
                 priors: Sequence[str] = PRIOR_MODES,
                 train_class_counts: Optional[Sequence[int]] = None,
                 many_threshold: int = 100,
                 few_threshold: int = 20,
                 seed: int = 0,
                 list_dir: Optional[str] = None,
                 list_template: str = '{name}.txt',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        # Found now: a wrong folder fails before any inference.
        self.lists = find_distribution_lists(list_dir, list_template) \
            if list_dir is not None else None
        unknown = [d for d in distributions if d not in SADE_DISTRIBUTIONS]
        if unknown and self.lists is None:
            raise ValueError(f'TestAgnosticAccuracy: unknown distributions '
                             f'{unknown}; known: {list(SADE_DISTRIBUTIONS)}.')
        bad = [p for p in priors if p not in PRIOR_MODES]
        if bad:
            raise ValueError(f'TestAgnosticAccuracy.priors: {bad} not in '
                             f'{PRIOR_MODES}.')
        self.distributions = list(self.lists or distributions)
        self.priors = list(priors)
        self.train_class_counts = (list(train_class_counts)
                                   if train_class_counts is not None else
                                   None)
        self.many_threshold = many_threshold
        self.few_threshold = few_threshold
        self.seed = seed

    def process(self, data_batch, data_samples: Sequence[dict]):
        for sample in data_samples:
            score = sample['pred_score']
            self.results.append(
                (torch.as_tensor(score).float().clamp_min(1e-12).log()
                 .cpu().numpy(), int(sample['gt_label'].reshape(-1)[0]),
                 sample.get('img_path')))

    def _train_counts(self) -> np.ndarray:
        if self.train_class_counts is not None:
            return np.asarray(self.train_class_counts, dtype=np.float64)
        meta = self.dataset_meta or {}
        if 'train_class_counts' not in meta:
            raise ValueError(
                'TestAgnosticAccuracy needs the training class counts: a '
                'test set of diffult_plugin (metainfo train_class_counts) or '
                '`train_class_counts` in the metric config.')
        return np.asarray(meta['train_class_counts'], dtype=np.float64)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        log_probs = np.stack([r[0] for r in results]).astype(np.float64)
        labels = np.asarray([r[1] for r in results], dtype=np.int64)
        counts = self._train_counts()
        num_classes = log_probs.shape[1]
        log_train = np.log(np.maximum(counts, 1e-12) / counts.sum())
        groups = dict(
            many=counts > self.many_threshold,
            medium=(counts >= self.few_threshold) &
            (counts <= self.many_threshold),
            few=counts < self.few_threshold)
        metrics = {}
        paths = [r[2] for r in results]
        if self.lists is not None and any(p is None for p in paths):
            raise ValueError(
                'TestAgnosticAccuracy(list_dir=...) needs img_path in the '
                "data samples (PackInputs' default meta_keys).")
        for name in self.distributions:
            if self.lists is not None:
                keep = indices_from_list(self.lists[name], paths, labels)
            else:
                imbalance_factor, reverse = SADE_DISTRIBUTIONS[name]
                keep = shifted_test_indices(labels, imbalance_factor,
                                            reverse, self.seed)
            sub_labels = labels[keep]
            test_counts = np.bincount(sub_labels, minlength=num_classes)
            log_test = np.log(np.maximum(test_counts, 1e-12) /
                              test_counts.sum())
            for mode in self.priors:
                scores = log_probs[keep]
                if mode in ('train', 'test'):
                    scores = scores - log_train
                if mode == 'test':
                    scores = scores + log_test
                pred = scores.argmax(1)
                for key, value in _accuracies(pred, sub_labels, num_classes,
                                              groups).items():
                    metrics[f'{name}/{mode}/{key}'] = value
        return metrics


def _accuracies(pred, labels, num_classes: int, groups: dict) -> dict:
    """top1 and the mean per-class accuracy of each group (classes with
    test samples only; a group without any is left out)."""
    total = np.bincount(labels, minlength=num_classes)
    correct = np.bincount(labels[pred == labels], minlength=num_classes)
    seen = total > 0
    per_class = np.zeros(num_classes)
    per_class[seen] = 100.0 * correct[seen] / total[seen]
    out = dict(top1=100.0 * float((pred == labels).mean()))
    for name, mask in groups.items():
        mask = mask & seen
        if mask.any():
            out[name] = float(per_class[mask].mean())
    return out


def format_test_agnostic_table(
        metrics: Dict[str, float],
        priors: List[str] = list(PRIOR_MODES) + ['sade']) -> str:
    """A markdown table (rows: prior handling, columns: distributions) of
    the top-1 values of :class:`TestAgnosticAccuracy` metrics."""
    values = {}
    for key, value in metrics.items():
        parts = key.split('/')
        if len(parts) >= 3 and parts[-1] == 'top1':
            values[(parts[-3], parts[-2])] = value
    names = sorted({k[0] for k in values}, key=distribution_order)
    lines = ['| prior | ' + ' | '.join(names) + ' |',
             '|---|' + '---:|' * len(names)]
    for mode in priors:
        if not any(k[1] == mode for k in values):
            continue
        cells = [f'{values[(d, mode)]:.2f}' if (d, mode) in values else ''
                 for d in names]
        lines.append(f'| {mode} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
