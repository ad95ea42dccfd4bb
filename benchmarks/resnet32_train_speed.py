"""Measure ResNet-32 (CIFAR) train-step and eval throughput on this machine,
with and without ``channels_last``, through mmengine's ``train_step``.

    python benchmarks/resnet32_train_speed.py [--steps 20] [--batch 128]

Prints a Markdown table and appends a JSON record to
benchmarks/results/resnet32_train_speed.jsonl.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys
import time

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import diffult_plugin  # noqa: E402,F401
from mmengine.optim import build_optim_wrapper  # noqa: E402

from benchmarks.train_protocol import machine  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402


def build(channels_last: bool, num_classes: int):
    return MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(
                type='CifarResNet', depth=32, channels_last=channels_last),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=64,
                loss=dict(type='CrossEntropyLoss')),
            data_preprocessor=dict(
                type='ClsDataPreprocessor',
                num_classes=num_classes,
                mean=[125.307, 122.961, 113.8575],
                std=[51.5865, 50.847, 51.255])))


def measure(channels_last, steps, batch, num_classes=100, warmup=3):
    torch.manual_seed(0)
    model = build(channels_last, num_classes)
    optim = build_optim_wrapper(
        model,
        dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True)))
    images = torch.randint(0, 256, (batch, 3, 32, 32), dtype=torch.uint8)
    labels = torch.randint(0, num_classes, (batch, ))
    data = dict(
        inputs=list(images),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])
    model.train()
    for _ in range(warmup):
        model.train_step(data, optim)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_step(data, optim)
    train_step_s = (time.perf_counter() - start) / steps
    model.eval()
    with torch.no_grad():
        for _ in range(warmup):
            model.val_step(data)
        start = time.perf_counter()
        for _ in range(steps):
            model.val_step(data)
    eval_s = (time.perf_counter() - start) / steps
    return dict(
        channels_last=channels_last,
        train_step_s=train_step_s,
        train_img_s=batch / train_step_s,
        eval_step_s=eval_s,
        eval_img_s=batch / eval_s)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--batch', type=int, default=128)
    args = parser.parse_args()
    rows = [measure(cl, args.steps, args.batch) for cl in (False, True)]
    record = dict(
        benchmark='resnet32_train_speed',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(),
        torch=torch.__version__,
        threads=torch.get_num_threads(),
        batch=args.batch,
        steps=args.steps,
        rows=rows)
    print("| channels_last | train step (s) | train img/s | eval img/s |")
    print('|---|---|---|---|')
    for r in rows:
        print(f"| {r['channels_last']} | {r['train_step_s']:.3f} | "
              f"{r['train_img_s']:.0f} | {r['eval_img_s']:.0f} |")
    out = osp.join(osp.dirname(osp.abspath(__file__)), 'results')
    os.makedirs(out, exist_ok=True)
    with open(osp.join(out, 'resnet32_train_speed.jsonl'), 'a') as f:
        f.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()
