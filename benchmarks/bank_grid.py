"""A picture of a synthetic bank: the first images of each class that
received synthetic slots, one row per class (what the classifier trains on).

    python benchmarks/bank_grid.py \
        work_dirs/benchmarks/cpu-v2_diffult-latent_resnet32_cifar10lt-jpg/seed0/bank \
        docs/images/cpu-v2_diffult-latent_bank.png --per-class 12

Rows run from the class with the most synthetic slots (the smallest real
class) to the one with the fewest; classes without slots are left out.
"""
import argparse
import os.path as osp
import sys

import numpy as np
import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)


def bank_rows(bank, per_class: int):
    """(images (rows * per_class, 3, H, W) uint8, the rows' classes)."""
    labels = bank.labels()
    slots = np.asarray(bank.slots_per_class)
    classes = [int(c) for c in np.argsort(-slots, kind='stable')
               if slots[c] > 0]
    images = []
    for label in classes:
        where = np.flatnonzero(labels == label)[:per_class]
        picked = [bank[int(i)][0] for i in where]
        # A class with fewer slots than per_class is padded with black.
        picked += [np.zeros_like(picked[0])] * (per_class - len(picked))
        images += picked
    stacked = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2)
    return stacked.contiguous(), classes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('bank_dir')
    parser.add_argument('out', help='the PNG to write')
    parser.add_argument('--per-class', type=int, default=12)
    args = parser.parse_args()
    from diffult_plugin.diffult.bank import SyntheticBank
    from diffult_plugin.utils import save_class_grid
    bank = SyntheticBank(args.bank_dir)
    images, classes = bank_rows(bank, args.per_class)
    save_class_grid(images, args.per_class, args.out)
    print(f'rows (classes): {classes} -> {args.out}')


if __name__ == '__main__':
    main()
