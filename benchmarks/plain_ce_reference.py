"""An independent plain-PyTorch CE run of the CPU protocol's recipe.

The check the CPU protocol v2 asks for: plain CE on this schedule must land
near an independent implementation of the same recipe, or the protocol (or
the stack) is wrong. This script shares nothing with the training stack
but the long-tailed split (the indices of the CE arm's training set) and the
image files: its own CIFAR ResNet-32 (He et al., option-A shortcuts), its
own loop, crop (padding 4) and flip in torch, SGD lr 0.1 Nesterov momentum
0.9 wd 2e-4, batch 128, the lr annealed by a cosine per iteration over the
epochs, last epoch on the balanced test set.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/plain_ce_reference.py --epochs 30 --seed 0

Appends a record to benchmarks/results/plain_ce_reference.jsonl.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

from benchmarks.bank_cas import DATA_CONFIG, MEAN, STD, augment  # noqa: E402


class Block(nn.Module):

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.pad = cout - cin

    def forward(self, x):
        out = F.relu(self.b1(self.c1(x)))
        out = self.b2(self.c2(out))
        short = x
        if self.pad:  # option A: subsample and zero-pad the channels
            short = F.pad(x[:, :, ::2, ::2],
                          (0, 0, 0, 0, self.pad // 2, self.pad // 2))
        return F.relu(out + short)


class ResNet32(nn.Module):

    def __init__(self, num_classes):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for k in range(5):
                layers.append(Block(cin, cout, stride if k == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        x = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(x.mean((2, 3)))


def load(dataset):
    from diffult_plugin.datasets.raw_images import raw_rgb_image
    images = np.stack([raw_rgb_image(dataset, i) for i in range(len(dataset))])
    labels = np.asarray([int(dataset.get_data_info(i)['gt_label'])
                         for i in range(len(dataset))])
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), \
        torch.from_numpy(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--epochs', type=int, default=30)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-config', default=DATA_CONFIG)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'plain_ce_reference.jsonl'))
    args = parser.parse_args()

    import diffult_plugin  # noqa: F401  (the split's dataset classes)
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    cfg = Config.fromfile(osp.join(ROOT, args.data_config))
    train_x, train_y = load(DATASETS.build(cfg.train_dataloader.dataset))
    test_x, test_y = load(DATASETS.build(cfg.test_dataloader.dataset))
    counts = torch.bincount(train_y).tolist()
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = ResNet32(len(counts)).to(memory_format=torch.channels_last)
    optim = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                            weight_decay=2e-4, nesterov=True)
    per_epoch = int(np.ceil(len(train_y) / 128))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        optim, args.epochs * per_epoch)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        for k in range(per_epoch):
            idx = order[k * 128:(k + 1) * 128]
            x = (augment(train_x[idx].float(), generator) - MEAN) / STD
            loss = F.cross_entropy(
                model(x.contiguous(memory_format=torch.channels_last)),
                train_y[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
        print(f'epoch {epoch + 1}: loss {float(loss):.3f} '
              f'({time.perf_counter() - start:.0f} s)', flush=True)
    model.eval()
    preds = []
    with torch.no_grad():
        for s in range(0, len(test_y), 500):
            x = (test_x[s:s + 500].float() - MEAN) / STD
            preds.append(model(x).argmax(1))
    pred = torch.cat(preds)
    per_class = [float(100 * (pred[test_y == c] == c).float().mean())
                 for c in range(len(counts))]
    smallest = sorted(range(len(counts)), key=lambda c: counts[c])[:3]
    record = dict(
        benchmark='plain_ce_reference', epochs=args.epochs, seed=args.seed,
        top1=float(100 * (pred == test_y).float().mean()),
        tail=float(np.mean([per_class[c] for c in smallest])),
        per_class=per_class, train_class_counts=counts,
        iterations=args.epochs * per_epoch,
        wall_s=round(time.perf_counter() - start, 1),
        threads=torch.get_num_threads(),
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine())
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(json.dumps(record))


if __name__ == '__main__':
    main()
