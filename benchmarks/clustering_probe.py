"""Imbalanced clustering of frozen features: P2OT and SP2OT against
balanced Sinkhorn and k-means on the same features of CIFAR-10-LT.

    python benchmarks/clustering_probe.py --checkpoint \
        work_dirs/benchmarks/cpu-v2_ce_resnet32_cifar10lt-jpg/seed1/epoch_30.pth

The features are a trained network's penultimate features of the real
CIFAR-10-LT IF100 training set (the CPU protocol's, un-augmented); the
labels never reach the clustering, only its evaluation (ClusteringAccuracy's
Hungarian accuracy, NMI, ARI, head / medium / tail = 30 / 40 / 30 % of the
classes by size). Every method starts from the same K prototypes (K random
training features, one seed) and runs the same self-labelling loop on
L2-normalised features, so only the pseudo-labelling differs:

    logits = f . p_k / temperature -> soft labels Q (by the method)
           -> p_k = normalised Q-weighted mean of the features, repeated;

the final cluster of a sample is its nearest prototype. Methods:

- ``kmeans``: Q = the nearest prototype (hard), i.e. spherical k-means;
- ``sinkhorn``: balanced Sinkhorn (SwAV's equal cluster sizes: rho = 1,
  lambda = inf on the project's partial solver);
- ``p2ot``: P2OT's progressive partial transport, rho from 0.1 to 1 over the
  loop (P2OT's ramp), lambda = 1 (KL-relaxed sizes);
- ``sp2ot``: SP2OT, P2OT plus the reward for giving feature neighbours one
  cluster (top-20 cosine graph, majorisation-minimisation).

This probes the pseudo-labelling on fixed features; the papers learn the
features too (configs/p2ot/, P2OTClusterHead). With a supervised backbone
(the CE checkpoint above) the features already separate the classes, so the
probe asks one thing: does imbalance-aware transport keep the long-tailed
cluster sizes where balanced transport splits the head?

With the labels hidden from the features too, the network is one trained by
clustering alone (``--network-config``; the data stay those of
``--config``):

    python tools/train.py configs/p2ot/p2ot_resnet32_cifar10lt-jpg_cpu.py \
        --work-dir work_dirs/benchmarks/p2ot_cpu/seed0
    python benchmarks/clustering_probe.py \
        --network-config configs/p2ot/p2ot_resnet32_cifar10lt-jpg_cpu.py \
        --checkpoint work_dirs/benchmarks/p2ot_cpu/seed0/epoch_30.pth

and the network's own P2OT cluster head is scored beside the four methods
(``trained-head``: the end-to-end P2OT result). Records go to
benchmarks/results/clustering_probe.jsonl.
"""
import argparse
import datetime
import json
import os.path as osp
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

DATA_CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
METHODS = ('kmeans', 'sinkhorn', 'p2ot', 'sp2ot')
#: The row of a checkpoint's own cluster head (P2OTClusterHead).
TRAINED_HEAD = 'trained-head'


def pseudo_labels(method: str, logits: torch.Tensor, features: torch.Tensor,
                  progress: float, graph=None) -> torch.Tensor:
    """Soft labels (N, K) of one self-labelling step (``graph``: SP2OT's
    neighbour graph of the fixed features, built once)."""
    from diffult_plugin.models.heads.p2ot_cluster_head import (
        p2ot_pseudo_labels, p2ot_rho, sp2ot_pseudo_labels)
    if method == 'kmeans':
        return F.one_hot(logits.argmax(1), logits.shape[1]).double()
    if method == 'sinkhorn':
        return p2ot_pseudo_labels(logits, 1.0, marginal_weight=float('inf'))
    rho = p2ot_rho(progress)
    if method == 'p2ot':
        return p2ot_pseudo_labels(logits, rho)
    return sp2ot_pseudo_labels(logits, features, rho, graph=graph)


def self_label(method: str, features: torch.Tensor, num_clusters: int,
               iterations: int, temperature: float, seed: int) -> np.ndarray:
    """Cluster ids after ``iterations`` self-labelling steps from the same
    random prototypes."""
    feats = F.normalize(features.double(), dim=1)
    generator = torch.Generator().manual_seed(seed)
    start = torch.randperm(len(feats), generator=generator)[:num_clusters]
    prototypes = feats[start].clone()
    graph = None
    if method == 'sp2ot':
        from diffult_plugin.models.heads.p2ot_cluster_head import knn_graph
        graph = knn_graph(feats)
    for step in range(iterations):
        logits = feats @ prototypes.t() / temperature
        labels = pseudo_labels(method, logits, feats,
                               step / max(iterations - 1, 1), graph)
        mass = labels.sum(0)
        moved = labels.t() @ feats
        # A cluster that got no mass keeps its prototype.
        keep = mass <= 1e-12
        moved[keep] = prototypes[keep]
        prototypes = F.normalize(moved, dim=1)
    return (feats @ prototypes.t()).argmax(1).numpy()


def table(records) -> str:
    """Markdown rows, mean +- std over seeds of each method's latest
    records for one checkpoint."""
    from diffult_plugin.leaderboard.stats import format_value, mean_std
    latest = {}
    for r in records:
        latest[(r['method'], r['seed'])] = r
    lines = ['| method | seeds | accuracy | NMI | ARI | head | medium | tail '
             '| largest cluster |', '|---|---|---|---|---|---|---|---|---|']
    for method in METHODS + (TRAINED_HEAD, ):
        rows = [r for (m, _), r in sorted(latest.items()) if m == method]
        if not rows:
            continue
        cells = [format_value(*mean_std([r.get(k) for r in rows]))
                 for k in ('accuracy', 'nmi', 'ari', 'head', 'medium',
                           'tail')]
        largest = format_value(*mean_std(
            [r['cluster_sizes'][0] for r in rows]), digits=0)
        lines.append(f'| {method} | {len(rows)} | ' + ' | '.join(cells) +
                     f' | {largest} |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', default=DATA_CONFIG,
                        help='the config whose training set is clustered '
                        '(and the network config unless --network-config)')
    parser.add_argument('--network-config',
                        help="the checkpoint's config when it is not "
                        "--config (e.g. configs/p2ot/*: trained without "
                        'labels)')
    parser.add_argument('--checkpoint', required=True)
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=METHODS)
    parser.add_argument('--iterations', type=int, default=30)
    parser.add_argument('--temperature', type=float, default=0.1)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'clustering_probe.jsonl'))
    parser.add_argument('--table', action='store_true',
                        help="only print the table of --out's records for "
                        '--checkpoint')
    args = parser.parse_args()
    if args.table:
        from diffult_plugin.leaderboard.stats import read_records
        print(table([r for r in read_records(args.out)
                     if r['checkpoint'] == args.checkpoint]))
        return

    import diffult_plugin  # noqa: F401
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    from benchmarks.train_protocol import machine
    from diffult_plugin.evaluation.metrics.clustering_accuracy import \
        clustering_metrics
    from diffult_plugin.models.utils.frozen_classifier import (
        Phi0FeatureExtractor, real_features)
    torch.set_grad_enabled(False)
    cfg = Config.fromfile(osp.join(ROOT, args.config))
    train = DATASETS.build(cfg.train_dataloader.dataset)
    counts = [int(c) for c in train.metainfo['class_counts']]
    network_config = args.network_config or args.config
    network = Phi0FeatureExtractor(osp.join(ROOT, network_config),
                                   args.checkpoint, len(counts))
    features, labels = real_features(network, train)
    labels = labels.numpy()
    print(f'{len(labels)} features of {args.checkpoint}', flush=True)
    from diffult_plugin.models.heads import P2OTClusterHead
    head = network.classifier.head
    # The trained head's clusters: one row, the same for every seed.
    runs = [(m, s) for m in args.methods for s in args.seeds]
    if isinstance(head, P2OTClusterHead):
        runs.append((TRAINED_HEAD, 0))
    for method, seed in runs:
        began = time.time()
        if method == TRAINED_HEAD:
            pred = head(features).argmax(1).numpy()
        else:
            pred = self_label(method, features, len(counts),
                              args.iterations, args.temperature, seed)
        metrics = clustering_metrics(pred, labels, len(counts), counts)
        sizes = np.bincount(pred, minlength=len(counts))
        record = dict(
            benchmark='clustering_probe', method=method, seed=seed,
            config=args.config, network_config=network_config,
            checkpoint=args.checkpoint,
            iterations=args.iterations, temperature=args.temperature,
            cluster_sizes=sorted(sizes.tolist(), reverse=True),
            class_counts=counts, seconds=round(time.time() - began, 1),
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine(), **{k: round(v, 2)
                                  for k, v in metrics.items()})
        with open(args.out, 'a') as f:
            f.write(json.dumps(record) + '\n')
        print(f"{method} seed {seed}: acc {metrics['accuracy']:.2f} "
              f"NMI {metrics['nmi']:.2f} ARI {metrics['ari']:.2f} "
              f"tail {metrics.get('tail', float('nan')):.2f} sizes "
              f"{record['cluster_sizes']}", flush=True)


if __name__ == '__main__':
    main()
