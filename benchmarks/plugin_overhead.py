"""Cost of the plugin in classifier training: the same ResNet-32 trained on
the same real CIFAR-10-LT JPEGs through plain mmpretrain components
(``LinearClsHead`` + ``CrossEntropyLoss``, the long-tailed set) and through
the plugin (``DiffuLTDataset`` proxy with its bank, per-sample weights,
``WeightedLinearClsHead``), measured side by side in one process: rounds of
``--steps`` training steps alternate between the two, so both see the same
machine load. A step is loading a batch (dataloader workers included),
``train_step`` (preprocessing, forward, backward, SGD).

    export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
    python benchmarks/plugin_overhead.py \\
        --bank-dir work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/bank

Without ``--bank-dir`` (or when it is missing) an oracle bank (left-out real
images) is written to a temporary folder first. Prints the images/s of both
and their ratio; appends a record to benchmarks/results/plugin_overhead.jsonl.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import statistics
import sys
import tempfile
import time

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import diffult_plugin  # noqa: E402,F401
from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from benchmarks.train_protocol import machine  # noqa: E402
from mmpretrain.registry import DATASETS, MODELS  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PLAIN = 'configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py'
PLUGIN = 'configs/diffult_resnet32_cifar10lt-jpg_cpu.py'


def arm(config_path, bank_dir, batch, workers):
    cfg = Config.fromfile(osp.join(ROOT, config_path))
    dataset_cfg = cfg.train_dataloader.dataset
    if bank_dir is not None:
        dataset_cfg = dict(dataset_cfg, bank_dir=bank_dir)
    dataset = DATASETS.build(dataset_cfg)
    loader = Runner.build_dataloader(
        dict(batch_size=batch, num_workers=workers, persistent_workers=True,
             dataset=dataset, sampler=dict(type='DefaultSampler',
                                           shuffle=True),
             collate_fn=dict(type='default_collate')),
        seed=0)
    torch.manual_seed(0)
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    model.init_weights()
    if hasattr(model.head, 'set_class_counts'):
        model.head.set_class_counts(dataset.metainfo['class_counts'])
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    return dict(dataset=dataset, loader=loader, iter=iter(loader),
                model=model, optim=optim, times=[])


def step(a):
    try:
        data = next(a['iter'])
    except StopIteration:
        a['iter'] = iter(a['loader'])
        data = next(a['iter'])
    a['model'].train_step(data, a['optim'])


def oracle_bank(work_dir):
    cfg = Config.fromfile(osp.join(ROOT, PLUGIN))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    from diffult_plugin.diffult import DiffuLTPipeline
    DiffuLTPipeline(source='oracle', filter=None)(work_dir, dataset)
    return osp.join(work_dir, 'bank')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bank-dir', default=None)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--rounds', type=int, default=8)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    MMLogger.get_instance('plugin_overhead', log_level='WARNING')
    bank_dir = args.bank_dir
    tmp = None
    if bank_dir is None or not osp.isdir(bank_dir):
        tmp = tempfile.TemporaryDirectory()
        bank_dir = oracle_bank(tmp.name)
        bank_kind = 'oracle (left-out real images)'
    else:
        bank_kind = 'given'
    arms = dict(plain=arm(PLAIN, None, args.batch, args.workers),
                plugin=arm(PLUGIN, bank_dir, args.batch, args.workers))
    for a in arms.values():  # warm-up: workers started, caches filled
        for _ in range(3):
            step(a)
    for r in range(args.rounds):
        order = ('plain', 'plugin') if r % 2 == 0 else ('plugin', 'plain')
        for name in order:
            start = time.perf_counter()
            for _ in range(args.steps):
                step(arms[name])
            arms[name]['times'].append(
                (time.perf_counter() - start) / args.steps)
    rate = {name: args.batch / statistics.median(a['times'])
            for name, a in arms.items()}
    ratio = rate['plain'] / rate['plugin']
    record = dict(
        date=datetime.date.today().isoformat(), machine=machine(),
        torch_threads=torch.get_num_threads(), batch=args.batch,
        workers=args.workers, steps=args.steps, rounds=args.rounds,
        bank=bank_kind,
        plugin_dataset=f"{len(arms['plugin']['dataset'])} images "
        f"({arms['plugin']['dataset'].num_real} real)",
        plain_img_s=round(rate['plain'], 1),
        plugin_img_s=round(rate['plugin'], 1),
        plugin_time_ratio=round(ratio, 4))
    out = osp.join(ROOT, 'benchmarks', 'results', 'plugin_overhead.jsonl')
    os.makedirs(osp.dirname(out), exist_ok=True)
    with open(out, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print('| arm | images/s |\n|---|---|')
    print(f"| plain mmpretrain (LinearClsHead, LT set) | {rate['plain']:.1f} |")
    print(f"| plugin (DiffuLTDataset + WeightedLinearClsHead) | "
          f"{rate['plugin']:.1f} |")
    print(f'time per image, plugin / plain: {ratio:.3f}')
    if tmp is not None:
        tmp.cleanup()


if __name__ == '__main__':
    main()
