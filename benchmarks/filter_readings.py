"""What each reading of DiffuLT's d_f does to real held-out images and to
generated candidates.

DiffuLT's filter sorts a sample into ID (d <= d_f), AID (d_f < d <= 2 d_f)
and OOD (d > 2 d_f) by the distance d of its phi0 feature to its class's
real-feature mean. The paper calls d_f "the maximum Euclidean distance
between two real samples' features" (``diameter``); an independent
re-implementation uses the largest distance from the class mean
(``radius``); ``quantile`` takes a quantile of those distances. This script
computes the statistics of each reading from the real long-tailed training
set and reports the ID / AID / OOD split of

- real training images that the long-tail subsampling left out (held-out
  real images of every class: a filter that calls many of them OOD throws
  away real-looking samples), and
- generated candidates: those of a synthetic bank (``--bank``; all
  candidates, kept or not, stay in its shards), or ``--per-class`` fresh
  samples of each class under N_t drawn from a trained generator
  (``--generator-config``, ``--generator-checkpoint``; DDIM, ``--steps``,
  ``--guidance``),

next to the paper's split of its generated samples (Table 2: 40.7 / 50.1 /
9.2 % ID / AID / OOD). Nothing here touches the test set.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/filter_readings.py \\
        --phi0-checkpoint work_dirs/benchmarks/cpu-v2_ce_resnet32_cifar10lt-jpg/seed0/epoch_30.pth \\
        [--bank <bank dir>]

Appends one record per (reading, image set) to
benchmarks/results/filter_readings.jsonl and prints a Markdown table.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys

import numpy as np
import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

DATA_CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
PAPER_SPLIT = dict(ID=40.7, AID=50.1, OOD=9.2)
READINGS = (('radius', None), ('diameter', None), ('quantile', 0.95),
            ('quantile', 0.9))


class InfoDataset:
    """A dataset view over a list of data infos (stored images)."""

    def __init__(self, infos):
        self.infos = list(infos)

    def __len__(self):
        return len(self.infos)

    def get_data_info(self, index):
        return dict(self.infos[index])


def held_out_infos(long_tail_dataset, per_class: int, seed: int = 0):
    """Up to ``per_class`` left-out training images of each class."""
    infos = long_tail_dataset.left_out_data_list()
    labels = np.asarray([int(i['gt_label']) for i in infos])
    rng = np.random.RandomState(seed)
    chosen = []
    for c in np.unique(labels):
        pool = np.flatnonzero(labels == c)
        chosen += rng.permutation(pool)[:per_class].tolist()
    return [infos[i] for i in sorted(chosen)]


def split(distances, labels, d_f_per_class):
    """Shares (%) of ID / AID / OOD, overall and per class."""
    d_f = d_f_per_class[labels]
    category = np.where(distances <= d_f, 0,
                        np.where(distances <= 2 * d_f, 1, 2))
    overall = {
        name: float(100 * np.mean(category == k))
        for k, name in enumerate(('ID', 'AID', 'OOD'))
    }
    per_class = {
        int(c): float(100 * np.mean(category[labels == c] == 2))
        for c in np.unique(labels)
    }
    return overall, per_class


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--phi0-config', default=DATA_CONFIG)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--data-config', default=DATA_CONFIG,
                        help='config whose train set is the real LT set')
    parser.add_argument('--held-out-per-class', type=int, default=200)
    parser.add_argument('--bank', default=None,
                        help='a synthetic bank whose candidates to split')
    parser.add_argument('--generator-config', default=None)
    parser.add_argument('--generator-checkpoint', default=None)
    parser.add_argument('--per-class', type=int, default=100)
    parser.add_argument('--target', type=int, default=1000,
                        help='N_t: classes below it get samples')
    parser.add_argument('--steps', type=int, default=25)
    parser.add_argument('--guidance', type=float, default=0.0)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'filter_readings.jsonl'))
    args = parser.parse_args()

    import diffult_plugin  # noqa: F401
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    from diffult_plugin.models.utils.frozen_classifier import (Phi0FeatureExtractor,
                                                      feature_statistics,
                                                      real_features)
    torch.set_grad_enabled(False)
    cfg = Config.fromfile(osp.join(ROOT, args.data_config))
    train = DATASETS.build(cfg.train_dataloader.dataset)
    num_classes = len(train.metainfo['classes'])
    phi0 = Phi0FeatureExtractor(osp.join(ROOT, args.phi0_config),
                                args.phi0_checkpoint, num_classes)
    feats, labels = real_features(phi0, train)
    sets = {}
    held = InfoDataset(held_out_infos(train, args.held_out_per_class))
    sets['held-out real'] = real_features(phi0, held)
    if args.bank:
        from benchmarks.filter_comparison import load_candidates
        images, bank_labels = load_candidates(args.bank)
        sets['generated candidates'] = real_features(
            phi0, InfoDataset([
                dict(img=img, gt_label=int(y))
                for img, y in zip(images, bank_labels)
            ]))
    if args.generator_checkpoint:
        from diffult_plugin.diffult.sources import load_generator
        generator = load_generator(osp.join(ROOT, args.generator_config),
                                   args.generator_checkpoint)
        counts = np.bincount(labels.numpy(), minlength=num_classes)
        wanted = [c for c in range(num_classes) if counts[c] < args.target]
        gen_labels = np.repeat(wanted, args.per_class)
        images = generator.sample(gen_labels.tolist(), args.steps, 'ddim',
                                  guidance_scale=args.guidance, seed=0,
                                  batch_size=200)
        sets[f'generated (DDIM-{args.steps}, w={args.guidance:g})'] = \
            real_features(phi0, InfoDataset([
                dict(img=img, gt_label=int(y)) for img, y in zip(
                    images.permute(0, 2, 3, 1).numpy(), gen_labels)
            ]))
    date = datetime.datetime.now().isoformat(timespec='seconds')
    rows = []
    for reading, quantile in READINGS:
        stats = feature_statistics(feats, labels, num_classes, reading,
                                   quantile or 0.95)
        means = stats['class_means']
        d_f = stats['d_f_per_class'].numpy()
        name = reading if quantile is None else f'{reading} {quantile:g}'
        for set_name, (set_feats, set_labels) in sets.items():
            distances = (set_feats - means[set_labels]).norm(dim=1).numpy()
            overall, ood_per_class = split(distances, set_labels.numpy(),
                                           d_f)
            rows.append(dict(
                benchmark='filter_readings', reading=name, scope='per_class',
                images=set_name, count=int(len(set_labels)),
                split=overall, ood_per_class=ood_per_class,
                d_f_per_class=[round(float(v), 4) for v in d_f],
                phi0_checkpoint=args.phi0_checkpoint, bank=args.bank,
                generator_checkpoint=args.generator_checkpoint,
                date=date, machine=machine()))
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')
    print('| d_f reading | images | n | ID % | AID % | OOD % |')
    print('|---|---|---|---|---|---|')
    for row in rows:
        s = row['split']
        print(f"| {row['reading']} | {row['images']} | {row['count']} | "
              f"{s['ID']:.1f} | {s['AID']:.1f} | {s['OOD']:.1f} |")
    print(f"| paper (Table 2) | generated | - | {PAPER_SPLIT['ID']} | "
          f"{PAPER_SPLIT['AID']} | {PAPER_SPLIT['OOD']} |")


if __name__ == '__main__':
    main()
