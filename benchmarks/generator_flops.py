"""Training FLOPs per image of the DiffuLT generator variants, and what the
paper's schedule costs with each (the GPU-hour projection of the generator
efficiency issue).

FLOPs are counted by ``torch.utils.flop_counter.FlopCounterMode`` on one
training step of one image (forward and backward of the UNet, plus the
second forward and backward of L_CBDM on the same noisy input, which the
CBDM code runs on every conditional batch; the latent variant adds the
frozen encoder's forward). Matrix products and convolutions are counted
(2 FLOPs per multiply-add); normalisation and activations are not.

The projection scales the paper's generator cost (CIFAR-100-LT: 500k
iterations of batch 128, 24 h on 8 RTX 3090 = 192 GPU-hours, DiffuLT
App. A.1) by the ratio of training FLOPs per image: the GPU-hours each
variant would need to see the paper's 64 M training images, at the
utilisation the paper's run had. It says nothing about the quality that
many images would give.

    python benchmarks/generator_flops.py

Appends a record to benchmarks/results/generator_flops.jsonl and prints
a table.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys

import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

PAPER_GPU_HOURS = 192.0
PAPER_IMAGES = 500_000 * 128

#: variant -> DiffuLTDiffusion arguments (autoencoder: LatentAutoencoder
#: preset; its weights do not matter for counting).
VARIANTS = {
    'paper (ddpm-cifar, pixel)': dict(unet='ddpm-cifar'),
    'pixel-tiny': dict(unet='tiny'),
    'latent-tiny': dict(unet='latent-tiny', autoencoder='tiny-f4'),
}


def step_flops(unet: str, autoencoder=None, cbdm: bool = True) -> dict:
    """FLOPs of one training step on one 32 x 32 image."""
    from diffusers import UNet2DModel
    from torch.utils.flop_counter import FlopCounterMode

    from diffult_plugin.models.diffusion import (UNET_PRESETS,
                                                 LatentAutoencoder)
    cfg = dict(UNET_PRESETS[unet])
    size, channels, encoder = 32, 3, None
    if autoencoder:
        encoder = LatentAutoencoder(autoencoder=autoencoder)
        size, channels = encoder.latent_size, encoder.latent_channels
    cfg.update(sample_size=size, in_channels=channels, out_channels=channels,
               class_embed_type='identity')
    net = UNet2DModel(**cfg)
    cond = torch.randn(1, net.config.block_out_channels[0] * 4)
    x = torch.randn(1, channels, size, size)
    t = torch.tensor([500])
    counts = {}
    with FlopCounterMode(display=False) as counter:
        net(x, t, class_labels=cond).sample.sum().backward()
    counts['unet_step'] = counter.get_total_flops()
    if cbdm:
        counts['cbdm_step'] = counts['unet_step']
    if encoder is not None:
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            encoder.encode(torch.randn(1, 3, 32, 32))
        counts['encoder_forward'] = counter.get_total_flops()
    counts['total'] = sum(counts.values())
    counts['parameters'] = sum(p.numel() for p in net.parameters())
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'generator_flops.jsonl'))
    args = parser.parse_args()
    rows = {}
    for name, kwargs in VARIANTS.items():
        rows[name] = step_flops(**kwargs)
    paper = rows['paper (ddpm-cifar, pixel)']['total']
    print('| variant | UNet parameters | training GFLOPs / image | vs paper '
          '| GPU-hours for the paper\'s 64 M images |')
    print('|---|---|---|---|---|')
    for name, row in rows.items():
        row['ratio_to_paper'] = row['total'] / paper
        row['projected_gpu_hours'] = PAPER_GPU_HOURS * row['ratio_to_paper']
        print(f"| {name} | {row['parameters'] / 1e6:.1f} M | "
              f"{row['total'] / 1e9:.2f} | {row['ratio_to_paper']:.3f} | "
              f"{row['projected_gpu_hours']:.1f} |")
    record = dict(benchmark='generator_flops', variants=rows,
                  paper_gpu_hours=PAPER_GPU_HOURS,
                  paper_images=PAPER_IMAGES,
                  date=datetime.datetime.now().isoformat(timespec='seconds'),
                  machine=machine())
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        f.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()
