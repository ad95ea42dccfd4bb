"""Generator quality against sampling cost: DDPM, DDIM and DPM-Solver++ at
several step counts on the same checkpoint, plus the cost of filtering.

For every ``sampler:steps`` setting the same images are requested (the same
classes, the same seed), timed, and scored with the generator configs'
``Phi0GeneratorQuality`` (phi0-FD against the real training images, the mean
per-class FD, and phi0's classification accuracy score). The phi0-distance
filter of DiffuLT then judges the images of the first setting, timed, which
gives the images per second of synthesis + filtering.

    export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
    python benchmarks/sampler_cost.py \\
        --generator-checkpoint work_dirs/benchmarks/diffult_cpu_from_scratch/seed0/generator/iter_750.pth \\
        --phi0-checkpoint work_dirs/benchmarks/ce_resnet32_cifar10lt-jpg_cpu-20e/seed0/epoch_20.pth \\
        --per-class 20 --settings ddpm:1000 ddim:10 ddim:25 ddim:50 dpm-solver++:10 dpm-solver++:20

Appends one record per setting to benchmarks/results/sampler_cost.jsonl
and prints a Markdown table.
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

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks.train_protocol import machine  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
GENERATOR_CONFIG = 'configs/diffusion/diffult-tiny_unet_cifar10lt-jpg_cpu.py'
PHI0_CONFIG = 'configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py'


def parse_setting(text):
    sampler, _, steps = text.rpartition(':')
    if sampler not in ('ddpm', 'ddim', 'dpm-solver++') or not steps.isdigit():
        raise SystemExit(f'bad setting {text!r}: use sampler:steps with '
                         'sampler ddpm, ddim or dpm-solver++')
    return sampler, int(steps)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--generator-config', default=GENERATOR_CONFIG)
    parser.add_argument('--generator-checkpoint', required=True)
    parser.add_argument('--phi0-config', default=PHI0_CONFIG)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--per-class', type=int, default=20)
    parser.add_argument('--settings', nargs='+',
                        default=['ddpm:1000', 'ddim:25', 'dpm-solver++:20'])
    parser.add_argument('--guidance-scale', type=float, default=0.0)
    parser.add_argument('--batch-size', type=int, default=250)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--grid-dir', default=None,
        help='also save each setting\'s images as a PNG grid (a row per '
        'class, up to 10 columns) in this folder')
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'sampler_cost.jsonl'))
    args = parser.parse_args()
    settings = [parse_setting(s) for s in args.settings]

    import diffult_plugin  # noqa: F401
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import METRICS

    from diffult_plugin.diffult.filters import DiffuLTFilter
    from diffult_plugin.diffult.sources import load_generator
    from diffult_plugin.utils import save_class_grid
    init_default_scope('mmpretrain')

    gen_cfg = Config.fromfile(osp.join(ROOT, args.generator_config))
    model = load_generator(gen_cfg, args.generator_checkpoint)
    evaluator = dict(gen_cfg.val_evaluator)
    evaluator.update(
        phi0_config=osp.join(ROOT, args.phi0_config),
        phi0_checkpoint=args.phi0_checkpoint)
    metric = METRICS.build(evaluator)
    metric._real_features()  # once, outside the timings
    labels = [c for c in range(model.num_classes)
              for _ in range(args.per_class)]
    cfg_factor = 2 if args.guidance_scale else 1

    date = datetime.datetime.now().isoformat(timespec='seconds')
    rows, first_images = [], None
    for sampler, steps in settings:
        start = time.perf_counter()
        images = model.sample(labels, num_steps=steps, sampler=sampler,
                              guidance_scale=args.guidance_scale,
                              seed=args.seed, batch_size=args.batch_size,
                              progress=True)
        seconds = time.perf_counter() - start
        if first_images is None:
            first_images = images
        if args.grid_dir:
            grid = osp.join(
                args.grid_dir,
                f'{sampler}-{steps}_w{args.guidance_scale:g}.png')
            save_class_grid(images, args.per_class, grid, columns=10)
            print(f'grid -> {grid}', flush=True)
        metric.results.clear()
        metric.process(None, [
            dict(gen_img=img, gt_label=torch.tensor([label]))
            for img, label in zip(images, labels)
        ])
        scores = metric.compute_metrics(metric.results)
        rows.append(
            dict(benchmark='sampler_cost',
                 generator_checkpoint=args.generator_checkpoint,
                 phi0_checkpoint=args.phi0_checkpoint,
                 sampler=sampler,
                 steps=steps,
                 nfe_per_image=steps * cfg_factor,
                 guidance_scale=args.guidance_scale,
                 images=len(labels),
                 seconds=seconds,
                 images_per_second=len(labels) / seconds,
                 threads=torch.get_num_threads(),
                 date=date,
                 machine=machine(),
                 **scores))
        print(json.dumps(rows[-1]), flush=True)

    # Filtering cost: DiffuLT's distance filter on the first setting's images.
    sample_filter = DiffuLTFilter(
        phi0_config=osp.join(ROOT, args.phi0_config),
        phi0_checkpoint=args.phi0_checkpoint,
        real_dataset=gen_cfg.val_evaluator.real_dataset)
    sample_filter._statistics()  # class means and d_f, outside the timing
    batch = first_images.permute(0, 2, 3, 1).numpy().astype(np.uint8)
    start = time.perf_counter()
    sample_filter.score_batch(batch, labels)
    filter_seconds = time.perf_counter() - start
    for row in rows:
        row['filter_seconds'] = filter_seconds * row['images'] / len(labels)
        row['synthesis_and_filter_images_per_second'] = row['images'] / (
            row['seconds'] + row['filter_seconds'])

    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'a') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')
    print('| sampler | steps | NFE / image | img/s (sampling) | img/s '
          '(+ filter) | phi0-FD | per-class FD | phi0 agreement (%) |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f'| {r["sampler"]} | {r["steps"]} | {r["nfe_per_image"]} | '
              f'{r["images_per_second"]:.2f} | '
              f'{r["synthesis_and_filter_images_per_second"]:.2f} | '
              f'{r["fd"]:.2f} | {r["fd_class_mean"]:.2f} | '
              f'{r["phi0_agreement"]:.1f} |')


if __name__ == '__main__':
    main()
