"""Train-step and sampling throughput of DiffuLT's UNet on this machine,
for the options that might pay on a CPU: channels_last, bf16 autocast,
torch.compile and the batch size.

    python benchmarks/diffusion_speed.py --unet tiny [--steps 5]

Prints a Markdown table and appends JSON records to
benchmarks/results/diffusion_speed.jsonl.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys
import time
from contextlib import nullcontext

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import diffult_plugin  # noqa: E402,F401
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402

from benchmarks.train_protocol import machine  # noqa: E402


def build(unet):
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='DiffuLTDiffusion',
            num_classes=10,
            unet=unet,
            cbdm=dict(tau=1.0, gamma=0.25),
            class_counts=[5000, 2997, 1796, 1077, 645, 387, 232, 139, 83,
                          50]))


def run_case(unet, batch, channels_last, bf16, compile_, steps):
    model = build(unet)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    if compile_:
        model.unet = torch.compile(model.unet)
    optim = build_optim_wrapper(
        model,
        dict(optimizer=dict(type='Adam', lr=2e-4),
             clip_grad=dict(max_norm=1.0)))
    images = torch.rand(batch, 3, 32, 32) * 2 - 1
    if channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 10, (batch, ))
    autocast = (torch.autocast('cpu', dtype=torch.bfloat16)
                if bf16 else nullcontext())

    def train_step():
        with autocast:
            losses = model.loss(images, labels)
        optim.update_params(sum(losses.values()))

    train_step()  # warm-up (and compilation)
    start = time.perf_counter()
    for _ in range(steps):
        train_step()
    train_s = (time.perf_counter() - start) / steps

    model.eval()
    t = torch.full((batch, ), 500)
    with torch.no_grad(), autocast:
        model.denoise(images, t, labels)
        start = time.perf_counter()
        for _ in range(steps):
            model.denoise(images, t, labels)
    forward_s = (time.perf_counter() - start) / steps
    return dict(
        unet=unet,
        batch=batch,
        channels_last=channels_last,
        bf16=bf16,
        compile=compile_,
        train_step_s=train_s,
        train_img_s=batch / train_s,
        denoise_forward_s=forward_s,
        denoise_img_s=batch / forward_s)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--unet', default='tiny')
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--batches', type=int, nargs='+', default=[64, 128])
    parser.add_argument('--compile', action='store_true',
                        help='also try torch.compile (slow to start)')
    args = parser.parse_args()
    cases = []
    for batch in args.batches:
        cases.append((batch, False, False, False))
    best_batch = args.batches[-1]
    cases += [(best_batch, True, False, False), (best_batch, False, True,
                                                 False)]
    if args.compile:
        cases.append((best_batch, False, False, True))
    rows = []
    print('| unet | batch | channels_last | bf16 | compile | train img/s '
          '| denoise img/s |')
    print('|---|---|---|---|---|---|---|')
    for batch, cl, bf16, comp in cases:
        row = run_case(args.unet, batch, cl, bf16, comp, args.steps)
        rows.append(row)
        print(f"| {row['unet']} | {batch} | {cl} | {bf16} | {comp} | "
              f"{row['train_img_s']:.1f} | {row['denoise_img_s']:.1f} |",
              flush=True)
    record = dict(
        benchmark='diffusion_speed',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(),
        torch=torch.__version__,
        threads=torch.get_num_threads(),
        steps=args.steps,
        rows=rows)
    out = osp.join(osp.dirname(osp.abspath(__file__)), 'results')
    os.makedirs(out, exist_ok=True)
    with open(osp.join(out, 'diffusion_speed.jsonl'), 'a') as f:
        f.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()
