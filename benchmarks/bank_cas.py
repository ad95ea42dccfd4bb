"""Classification accuracy score (CAS) of a synthetic bank.

CAS (Ravuri and Vinyals, "Classification Accuracy Score for Conditional
Generative Models", NeurIPS 2019): train a classifier on generated images
only, test it on real test images. Here: ResNet-32 trained from scratch on
the bank's slots (the images a DiffuLT classifier actually sees, after the
filter), with random crop and flip, SGD lr 0.1 cosine over 15 epochs, batch
128, tested on
the real balanced test images of the classes the bank fills. A bank only
fills the classes under N_t, so the classifier chooses among those classes;
the record gives the overall and per-class accuracy on them. It is not
phi0's agreement with the labels (``Phi0GeneratorQuality``'s
``phi0_agreement``), which a head-biased phi0 makes near zero on the tail.

Reference points from the same script: the oracle bank (real images left
out by the long-tail subsampling in the slots) and the oversampling
control's bank (copies of the class's real training images) give the CAS of
real images and of the few real tail images repeated.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/bank_cas.py --bank <bank dir> --tag <name>

Appends a record to benchmarks/results/bank_cas.jsonl and prints it.
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
import torch.nn.functional as F

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

DATA_CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
MEAN = torch.tensor([125.307, 122.961, 113.8575]).view(1, 3, 1, 1)
STD = torch.tensor([51.5865, 50.847, 51.255]).view(1, 3, 1, 1)


def bank_images(bank_dir: str):
    """uint8 RGB (N, H, W, 3) images and labels of a bank's slots."""
    from diffult_plugin.diffult.bank import SyntheticBank
    bank = SyntheticBank(bank_dir)
    images = np.stack([bank[i][0] for i in range(len(bank))])
    return images, bank.labels().astype(np.int64)


def restrict(images, labels, classes):
    """The samples of ``classes``, relabelled 0..len(classes) - 1."""
    remap = {c: k for k, c in enumerate(classes)}
    keep = np.isin(labels, classes)
    return images[keep], np.asarray([remap[int(y)] for y in labels[keep]])


def augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random crop (padding 4) and horizontal flip of a float NCHW batch."""
    n, _, h, w = batch.shape
    padded = F.pad(batch, (4, 4, 4, 4))
    dx = torch.randint(0, 9, (n, ), generator=generator)
    dy = torch.randint(0, 9, (n, ), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    out = torch.stack([
        padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)
    ])
    out[flip] = out[flip].flip(3)
    return out


def per_class_accuracy(pred: np.ndarray, labels: np.ndarray,
                       num_classes: int) -> list:
    return [
        float(100 * np.mean(pred[labels == c] == c))
        if np.any(labels == c) else None for c in range(num_classes)
    ]


def train_classifier(train_x, train_y, num_classes: int, epochs: int,
                     seed: int, batch_size: int = 128):
    """ResNet-32 trained from scratch on uint8 (N, H, W, 3) images."""
    from mmpretrain.registry import MODELS
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = MODELS.build(
        dict(type='ImageClassifier',
             backbone=dict(type='CifarResNet', depth=32, channels_last=True),
             neck=dict(type='GlobalAveragePooling'),
             head=dict(type='LinearClsHead', num_classes=num_classes,
                       in_channels=64)))
    model.init_weights()
    optim = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                            weight_decay=2e-4, nesterov=True)
    x = torch.from_numpy(train_x).permute(0, 3, 1, 2).float()
    y = torch.from_numpy(train_y)
    steps = epochs * int(np.ceil(len(x) / batch_size))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, steps)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            batch = (augment(x[idx], generator) - MEAN) / STD
            logits = model(batch, mode='tensor')
            loss = F.cross_entropy(logits, y[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
    model.eval()
    return model


def evaluate(model, test_x, test_y, num_classes: int):
    """Top-1 and per-class accuracy (%) on uint8 (N, H, W, 3) images."""
    preds = []
    with torch.no_grad():
        tx = torch.from_numpy(test_x).permute(0, 3, 1, 2).float()
        for start in range(0, len(tx), 500):
            batch = (tx[start:start + 500] - MEAN) / STD
            preds.append(model(batch, mode='tensor').argmax(1))
    pred = torch.cat(preds).numpy()
    return float(100 * np.mean(pred == test_y)), per_class_accuracy(
        pred, test_y, num_classes)


def train_and_test(train_x, train_y, test_x, test_y, num_classes: int,
                   epochs: int, seed: int, batch_size: int = 128):
    """ResNet-32 on (train_x, train_y), accuracy on (test_x, test_y)."""
    model = train_classifier(train_x, train_y, num_classes, epochs, seed,
                             batch_size)
    return evaluate(model, test_x, test_y, num_classes)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bank', required=True)
    parser.add_argument('--tag', required=True,
                        help='name of the bank in the record')
    parser.add_argument('--data-config', default=DATA_CONFIG,
                        help='config whose test set is the real test set')
    # 15 epochs: a few minutes for a CIFAR-10-LT bank on 2 cores.
    parser.add_argument('--epochs', type=int, default=15)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results', 'bank_cas.jsonl'))
    args = parser.parse_args()

    import diffult_plugin  # noqa: F401
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    from diffult_plugin.datasets.long_tail_dataset import labels_of
    from diffult_plugin.datasets.raw_images import iter_raw_batches
    images, labels = bank_images(args.bank)
    classes = sorted(int(c) for c in np.unique(labels))
    if len(classes) < 2:
        raise SystemExit(f'{args.bank} fills {len(classes)} class(es); CAS '
                         'needs at least two.')
    cfg = Config.fromfile(osp.join(ROOT, args.data_config))
    test = DATASETS.build(cfg.test_dataloader.dataset)
    test_images = np.concatenate([
        batch for batch, _ in iter_raw_batches(test, range(len(test)), 512)
    ])
    test_x, test_y = restrict(test_images, np.asarray(labels_of(test)),
                              classes)
    train_x, train_y = restrict(images, labels, classes)
    start = time.perf_counter()
    top1, per_class = train_and_test(train_x, train_y, test_x, test_y,
                                     len(classes), args.epochs, args.seed)
    record = dict(
        benchmark='bank_cas', tag=args.tag, bank=args.bank,
        classes=classes, train_images=int(len(train_y)),
        test_images=int(len(test_y)), epochs=args.epochs, seed=args.seed,
        cas=top1, per_class=dict(zip(map(str, classes), per_class)),
        wall_s=round(time.perf_counter() - start, 1),
        threads=torch.get_num_threads(),
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine())
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(json.dumps(record, indent=1))


if __name__ == '__main__':
    main()
