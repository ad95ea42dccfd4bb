"""Simulated meta-information for the CIFAR-10 JPEG folder (a benchmark
fixture, not data: CIFAR has no metadata).

    python benchmarks/simulated_metadata.py --root $DIFFULT_CIFAR10_JPG \
        --out work_dirs/simulated_meta/cifar10-jpg.csv

Writes one CSV row per image of ``<root>/{train,test}/<class>/<n>.jpg``:
``image`` (path relative to the root), ``latitude``, ``longitude``,
``month``. Each class gets its own place and season: a centre on a ring
around the globe (longitude -162 + 36 c, latitude +-20 alternating) and a
peak month (c + 1), and each image a draw around them (normal noise of
``--spread`` degrees, a month within +-2 of the peak), so neighbouring
classes overlap and the metadata alone recognises a class only in part. The
draws depend on the seed and the image path alone, so the train and test
rows of a folder are the same on every machine. The MetaFormer configs on
CIFAR-10-LT read this file (``DIFFULT_SIM_META``); results on it say they
are simulated.
"""
import argparse
import csv
import hashlib
import os
import os.path as osp

import numpy as np


def class_centre(label: int):
    """(latitude, longitude, peak month) of class ``label``."""
    return (20.0 if label % 2 == 0 else -20.0, -162.0 + 36.0 * label,
            label % 12 + 1)


def simulate_row(path: str, label: int, spread: float, seed: int) -> dict:
    """One image's simulated place and month, from its relative path."""
    digest = hashlib.sha256(f'{seed}:{path}'.encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], 'little'))
    lat, lon, month = class_centre(label)
    latitude = float(np.clip(lat + rng.normal(0, spread), -89.9, 89.9))
    longitude = float((lon + rng.normal(0, spread) + 180.0) % 360.0 - 180.0)
    month = (month - 1 + int(rng.integers(-2, 3))) % 12 + 1
    return dict(image=path, latitude=round(latitude, 4),
                longitude=round(longitude, 4), month=month)


def write_simulated_metadata(root: str, out: str, spread: float = 25.0,
                             seed: int = 0) -> int:
    """Write the CSV for every image under ``root`` (class folders sorted as
    mmpretrain's CustomDataset sorts them); returns the number of rows."""
    rows = []
    for split in ('train', 'test'):
        split_dir = osp.join(root, split)
        if not osp.isdir(split_dir):
            raise FileNotFoundError(
                f'{split_dir} does not exist: --root must hold train/ and '
                'test/ class folders (README, "Data").')
        for label, name in enumerate(sorted(os.listdir(split_dir))):
            for image in sorted(os.listdir(osp.join(split_dir, name))):
                rows.append(simulate_row(f'{split}/{name}/{image}', label,
                                         spread, seed))
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    tmp = f'{out}.tmp{os.getpid()}'
    with open(tmp, 'w', newline='') as f:
        writer = csv.DictWriter(
            f, fieldnames=['image', 'latitude', 'longitude', 'month'])
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out)  # a reader never sees half a file
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--root', default=os.environ.get(
        'DIFFULT_CIFAR10_JPG', 'data/cifar10-jpg'))
    parser.add_argument('--out', default='work_dirs/simulated_meta/'
                        'cifar10-jpg.csv')
    parser.add_argument('--spread', type=float, default=25.0)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    count = write_simulated_metadata(args.root, args.out, args.spread,
                                     args.seed)
    print(f'{count} rows -> {args.out}')


if __name__ == '__main__':
    main()
