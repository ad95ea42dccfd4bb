"""Accuracy on a long-tail benchmark, overall and by class-frequency group."""
import datetime
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub
from mmpretrain.registry import METRICS

from diffult_plugin.utils.machine import machine_name


def _prediction_of(data_sample: dict) -> torch.Tensor:
    if 'pred_score' in data_sample:
        return data_sample['pred_score'].argmax()
    return data_sample['pred_label'].reshape(-1)[0]


@METRICS.register_module()
class LongTailAccuracy(BaseMetric):
    """Top-1 accuracy overall, balanced accuracy (the mean of per-class
    accuracies), accuracy on Many / Medium / Few classes and per class.

    The class groups follow the long-tail literature (Liu et al., "Large-Scale
    Long-Tailed Recognition in an Open World", CVPR 2019,
    https://arxiv.org/abs/1904.05160; RIDE's ``test.py``): Many-shot classes
    have more than ``many_threshold`` training images, Few-shot fewer than
    ``few_threshold``, Medium the rest. A group's accuracy is the mean of its
    classes' accuracies; a group without classes (e.g. Few on CIFAR-10-LT
    IF100) is left out of the logged metrics and is ``null`` in the JSON.

    The training counts come from ``train_class_counts`` or, when None, from
    the evaluated dataset's ``metainfo['train_class_counts']`` (set by every
    dataset of this package). The metric only computes: after each
    evaluation it keeps the full record (per-class accuracies, counts,
    thresholds) in ``last_results``, which
    :class:`~diffult_plugin.engine.hooks.LongTailResultsHook` writes to
    ``lt_results.json`` (latest) and ``lt_results.jsonl`` (history) in the
    run's log dir (or ``out_dir``) for the leaderboard. All values are
    percentages.

    Args:
        train_class_counts (Sequence[int], optional): Training images per
            class. Defaults to None (read from the dataset's metainfo).
        many_threshold (int): Classes with more training images are Many.
            Defaults to 100.
        few_threshold (int): Classes with fewer training images are Few.
            Defaults to 20.
        out_dir (str, optional): Where LongTailResultsHook writes the
            results. Defaults to None (the runner's log dir).
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to None.
    """
    default_prefix = 'long_tail'

    def __init__(self,
                 train_class_counts: Optional[Sequence[int]] = None,
                 many_threshold: int = 100,
                 few_threshold: int = 20,
                 out_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if few_threshold > many_threshold:
            raise ValueError('LongTailAccuracy: few_threshold '
                             f'({few_threshold}) must not exceed '
                             f'many_threshold ({many_threshold}).')
        self.train_class_counts = (
            list(train_class_counts) if train_class_counts is not None else
            None)
        self.many_threshold = many_threshold
        self.few_threshold = few_threshold
        self.out_dir = out_dir
        self.last_results = None

    def process(self, data_batch, data_samples: Sequence[dict]):
        for data_sample in data_samples:
            self.results.append(
                (int(_prediction_of(data_sample)),
                 int(data_sample['gt_label'].reshape(-1)[0])))

    def _class_counts(self) -> List[int]:
        if self.train_class_counts is not None:
            return self.train_class_counts
        meta = self.dataset_meta or {}
        if 'train_class_counts' in meta:
            return list(meta['train_class_counts'])
        raise ValueError(
            'LongTailAccuracy needs the training class counts: evaluate on a '
            'dataset of diffult_plugin (CIFAR100LT, LongTailDataset with '
            '`class_counts_from`, ImageNetLT with `train_ann_file`, ...) or '
            'set `train_class_counts` in the metric config.')

    def compute_metrics(self, results: list) -> dict:
        counts = np.asarray(self._class_counts())
        num_classes = len(counts)
        pred, gt = np.asarray(results, dtype=np.int64).reshape(-1, 2).T
        if gt.size and gt.max() >= num_classes:
            raise ValueError(
                f'LongTailAccuracy: label {gt.max()} but the training class '
                f'counts cover {num_classes} classes.')
        total = np.bincount(gt, minlength=num_classes)
        correct = np.bincount(gt[pred == gt], minlength=num_classes)
        seen = total > 0
        per_class = np.full(num_classes, np.nan)
        per_class[seen] = 100.0 * correct[seen] / total[seen]

        groups = dict(
            many=counts > self.many_threshold,
            medium=(counts >= self.few_threshold) &
            (counts <= self.many_threshold),
            few=counts < self.few_threshold)
        metrics = dict(
            top1=100.0 * float((pred == gt).mean()),
            # The mean of per-class accuracies: on an imbalanced test set
            # top-1 hides the tail; on a balanced one the two agree.
            balanced=float(np.nanmean(per_class)) if seen.any() else 0.0)
        group_acc = {}
        for name, mask in groups.items():
            mask = mask & seen
            group_acc[name] = (float(per_class[mask].mean())
                               if mask.any() else None)
            if group_acc[name] is not None:
                metrics[name] = group_acc[name]
        self.last_results = self._record(metrics['top1'], group_acc,
                                         per_class, counts, groups,
                                         metrics['balanced'])
        return metrics

    def _record(self, top1, group_acc, per_class, counts, groups,
                balanced=None) -> dict:
        hub = MessageHub.get_current_instance()
        # The hub holds the 0-based index of the epoch being trained; after
        # it, mmengine logs and names checkpoints by completed epochs.
        epoch = hub.get_info('epoch')
        return dict(
            metric='LongTailAccuracy',
            prefix=self.prefix,
            epoch=None if epoch is None else epoch + 1,
            iter=hub.get_info('iter'),
            time=datetime.datetime.now().isoformat(timespec='seconds'),
            top1=top1,
            balanced=balanced,
            **group_acc,
            num_classes_per_group={k: int(v.sum())
                                   for k, v in groups.items()},
            thresholds=dict(
                many=self.many_threshold, few=self.few_threshold),
            device=machine_name(),
            train_class_counts=counts.tolist(),
            per_class=[None if np.isnan(a) else float(a) for a in per_class],
            classes=list((self.dataset_meta or {}).get('classes', [])))
