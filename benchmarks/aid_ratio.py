"""How large L_AID is next to L_DDPM under each reading of d_f.

L_AID = alpha * mean (d_t - 1.5 d_f)^2 pulls denoised samples into the AID
band of phi0's feature space; its size against L_DDPM decides whether it
can be switched on from the start. This script trains the tiny CPU generator
(the CPU config's UNet, L_DDPM + L_CBDM + L_AID, batch 64, Adam 5e-4) for a
few iterations on real CIFAR-10-LT for each d_f reading, from the same
initialisation and the same batches, and records the mean loss_aid /
loss_ddpm at the start and at the end.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/aid_ratio.py \\
        --phi0-checkpoint work_dirs/benchmarks/cpu-v2_ce_resnet32_cifar10lt-jpg/seed0/epoch_30.pth

Appends one record per reading to benchmarks/results/aid_ratio.jsonl.
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

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

PHI0_CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
GENERATOR_CONFIG = 'configs/diffusion/diffult-tiny_unet_cifar10lt-jpg_cpu.py'


def batches(dataset, count: int, batch_size: int, seed: int):
    """``count`` fixed batches of (uint8 NCHW RGB images, labels)."""
    from diffult_plugin.datasets.raw_images import raw_rgb_image
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(count):
        idx = rng.choice(len(dataset), batch_size, replace=False)
        images = np.stack([raw_rgb_image(dataset, int(i)) for i in idx])
        labels = [int(dataset.get_data_info(int(i))['gt_label'])
                  for i in idx]
        out.append((torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(),
                    torch.tensor(labels)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--phi0-config', default=PHI0_CONFIG)
    parser.add_argument('--iters', type=int, default=40)
    parser.add_argument('--window', type=int, default=10,
                        help='iterations averaged at the start and the end')
    parser.add_argument('--readings', nargs='+',
                        default=['radius', 'diameter'])
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results', 'aid_ratio.jsonl'))
    args = parser.parse_args()

    import diffult_plugin  # noqa: F401
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS, MODELS

    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(ROOT, GENERATOR_CONFIG))
    real = DATASETS.build(cfg.real_dataset)
    data = batches(real, args.iters, cfg.train_dataloader.batch_size, seed=0)
    counts = np.bincount([int(real.get_data_info(i)['gt_label'])
                          for i in range(len(real))]).tolist()
    rows = []
    for reading in args.readings:
        model_cfg = dict(cfg.model)
        model_cfg.update(
            class_counts=counts,
            aid=dict(phi0_config=osp.join(ROOT, args.phi0_config),
                     phi0_checkpoint=args.phi0_checkpoint,
                     real_dataset=cfg.real_dataset, alpha=0.1,
                     d_f='per_class', d_f_reading=reading))
        torch.manual_seed(0)
        model = MODELS.build(model_cfg)
        optim = build_optim_wrapper(model, dict(cfg.optim_wrapper))
        ratios = []
        start = time.perf_counter()
        for step, (images, labels) in enumerate(data):
            torch.manual_seed(1000 + step)  # the same noise per reading
            # The stored images are RGB: straight to [-1, 1], as the
            # preprocessor would hand them.
            with optim.optim_context(model):
                losses = model.loss(images.float() / 127.5 - 1, labels)
            total = sum(losses.values())
            optim.update_params(total)
            ratios.append(float(losses['loss_aid'] / losses['loss_ddpm']))
        w = min(args.window, len(ratios))
        rows.append(dict(
            benchmark='aid_ratio', reading=reading, iters=args.iters,
            ratio_start=float(np.mean(ratios[:w])),
            ratio_end=float(np.mean(ratios[-w:])),
            d_f_per_class=[round(float(v), 4) for v in model.aid_d_f],
            phi0_checkpoint=args.phi0_checkpoint,
            wall_s=round(time.perf_counter() - start, 1),
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine()))
        print(json.dumps(rows[-1]), flush=True)
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')


if __name__ == '__main__':
    main()
