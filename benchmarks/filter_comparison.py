"""Synthetic-sample filters compared on the same candidates.

Every candidate a DiffuLT synthesis run generated (accepted or not; they stay
in the bank's shards) is judged by DiffuLT's phi0-distance filter, phi0
confidence and the optimal-transport filter (one pool, several rho). Each
kept set is then scored by a *judge*, a classifier other than phi0:

- ``judge_agreement``: share of kept samples the judge assigns to their
  conditioning label (the classification accuracy of the kept set);
- ``judge_fd``: mean over classes of the Frechet distance between the kept
  samples and the real test images of the class, in the judge's features.

    export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
    python benchmarks/filter_comparison.py \\
        --bank work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/bank \\
        --phi0-checkpoint work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/phi0/epoch_10.pth \\
        --judge-checkpoint work_dirs/benchmarks/balanced-softmax_resnet32_cifar10lt-jpg_cpu-20e/seed0/epoch_20.pth \\
        --judge-config configs/baselines/balanced-softmax_resnet32_cifar10lt-jpg_cpu-20e.py

Appends one record per filter to benchmarks/results/filter_comparison.jsonl
and prints a Markdown table.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import sys

import numpy as np
import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks.train_protocol import machine  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PHI0_CONFIG = 'configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py'


def load_candidates(bank_dir):
    images, labels = [], []
    for path in sorted(glob.glob(osp.join(bank_dir, 'shards', '*.npy'))):
        if path.endswith('.logits.npy'):
            continue
        with open(path[:-4] + '.json') as f:
            record = json.load(f)
        shard = np.load(path, allow_pickle=False)
        images.append(shard)
        labels += [record['label']] * len(shard)
    if not images:
        raise SystemExit(f'no shards under {bank_dir}/shards')
    return np.concatenate(images), np.asarray(labels)


def real_test_images(config, num_classes):
    """uint8 RGB test images and labels of the config's test set."""
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    from diffult_plugin.datasets.long_tail_dataset import labels_of
    from diffult_plugin.datasets.raw_images import iter_raw_batches
    cfg = Config.fromfile(osp.join(ROOT, config))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    images = np.concatenate([
        batch for batch, _ in iter_raw_batches(dataset, range(len(dataset)),
                                               512)
    ])
    return images, np.asarray(labels_of(dataset))


@torch.no_grad()
def judge_outputs(judge, images, batch_size=500):
    feats, preds = [], []
    for start in range(0, len(images), batch_size):
        x = torch.from_numpy(images[start:start + batch_size]).permute(
            0, 3, 1, 2).float() / 127.5 - 1
        f, logits = judge.features_and_logits(x)
        feats.append(f)
        preds.append(logits.argmax(1))
    return torch.cat(feats), torch.cat(preds).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bank', required=True)
    parser.add_argument('--phi0-config', default=PHI0_CONFIG)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--judge-config', default=PHI0_CONFIG)
    parser.add_argument('--judge-checkpoint', required=True)
    parser.add_argument('--rho', type=float, nargs='+',
                        default=[0.95, 0.9, 0.8, 0.6])
    parser.add_argument('--confidence', type=float, default=0.5)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'filter_comparison.jsonl'))
    args = parser.parse_args()

    import diffult_plugin  # noqa: F401
    from diffult_plugin.diffult.filters import (DiffuLTFilter,
                                                    OptimalTransportFilter,
                                                    Phi0ConfidenceFilter)
    from diffult_plugin.evaluation.metrics.generator_quality import \
        frechet_distance
    from diffult_plugin.models.utils.frozen_classifier import Phi0FeatureExtractor

    images, labels = load_candidates(args.bank)
    phi0 = dict(phi0_config=osp.join(ROOT, args.phi0_config),
                phi0_checkpoint=args.phi0_checkpoint)
    distance = DiffuLTFilter(
        statistics=osp.join(args.bank, 'filter_statistics.npz'), **phi0)
    features, logits = distance.features_and_logits(images)
    labels_t = torch.as_tensor(labels)
    verdicts = {'none (all candidates)': np.ones(len(labels), bool)}
    for name, keep in (('DiffuLT distance, ID+AID', ('ID', 'AID')),
                       ('DiffuLT distance, ID only', ('ID', ))):
        _, categories = distance._judge(features, logits, labels_t)
        verdicts[name] = np.asarray([c in keep for c in categories])
    confidence = Phi0ConfidenceFilter(threshold=args.confidence, **phi0)
    _, categories = confidence._judge(features, logits, labels_t)
    verdicts[f'phi0 confidence >= {args.confidence:g}'] = np.asarray(
        [c == 'confident' for c in categories])
    for rho in args.rho:
        verdict = OptimalTransportFilter(rho=rho, **phi0).judge_pool(
            logits.numpy(), labels)
        verdicts[f'optimal transport, rho {rho:g}'] = verdict['keep']

    num_classes = logits.size(1)
    judge = Phi0FeatureExtractor(
        osp.join(ROOT, args.judge_config), args.judge_checkpoint,
        num_classes=num_classes)
    cand_feats, cand_preds = judge_outputs(judge, images)
    real_images, real_labels = real_test_images(args.judge_config,
                                                num_classes)
    real_feats, real_preds = judge_outputs(judge, real_images)
    classes = sorted(set(labels.tolist()))
    real_acc = {
        c: float((real_preds[real_labels == c] == c).mean())
        for c in classes
    }

    date = datetime.datetime.now().isoformat(timespec='seconds')
    rows = []
    for name, keep in verdicts.items():
        keep = np.asarray(keep, bool)
        per_class = {}
        for c in classes:
            mask = keep & (labels == c)
            kept = int(mask.sum())
            fd = frechet_distance(cand_feats[mask], real_feats[
                real_labels == c]) if kept >= 2 else None
            per_class[c] = dict(
                candidates=int((labels == c).sum()),
                kept=kept,
                judge_agreement=float((cand_preds[mask] == c).mean())
                if kept else None,
                judge_fd=fd)
        fds = [v['judge_fd'] for v in per_class.values()
               if v['judge_fd'] is not None]
        record = dict(
            benchmark='filter_comparison',
            filter=name,
            bank=args.bank,
            phi0_checkpoint=args.phi0_checkpoint,
            judge_config=args.judge_config,
            judge_checkpoint=args.judge_checkpoint,
            date=date,
            machine=machine(),
            candidates=int(len(labels)),
            kept=int(keep.sum()),
            judge_agreement=float((cand_preds[keep] == labels[keep]).mean())
            if keep.any() else None,
            judge_fd=float(np.mean(fds)) if fds else None,
            judge_real_accuracy=real_acc,
            per_class=per_class)
        rows.append(record)
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        for record in rows:
            f.write(json.dumps(record) + '\n')

    print('| filter | kept / candidates | judge agreement (%) | '
          'judge FD (mean over classes) |')
    print('|---|---|---|---|')
    for r in rows:
        agreement = 'n/a' if r['judge_agreement'] is None else \
            f'{100 * r["judge_agreement"]:.1f}'
        fd = 'n/a' if r['judge_fd'] is None else f'{r["judge_fd"]:.2f}'
        print(f'| {r["filter"]} | {r["kept"]} / {r["candidates"]} | '
              f'{agreement} | {fd} |')
    print('judge accuracy on real test images per class (%): ' + ', '.join(
        f'{c}: {100 * a:.1f}' for c, a in real_acc.items()))


if __name__ == '__main__':
    main()
