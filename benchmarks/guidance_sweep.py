"""Classifier-free guidance of a trained DiffuLT generator, chosen on
held-out real images (CAS val), never on the test set.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/guidance_sweep.py \\
        --stages work_dirs/benchmarks/cpu-v2_diffult-latent_resnet32_cifar10lt-jpg/seed0 \\
        --guidance 0 2 4 8

Takes the generator (and, for a latent generator, its autoencoder) that a
DiffuLT run trained as stages (``<stages>/generator``: the config as the
stage trained it and its last checkpoint; phi0 from ``<stages>/phi0``),
samples ``--per-class`` images of each class the proxy fills at each
guidance scale w (eps_u + w (eps_c - eps_u); w = 0 is the conditional model
alone, one network evaluation per step), and scores each set the way
benchmarks/generator_efficiency.py does: CAS (a ResNet-32 trained on the
samples only) on real images the long-tail subsampling left out (``cas_val``,
what the choice reads) and on the real test images (``cas_test``,
reported), phi0-FD against real left-out images, and seconds per image.
The same CAS seed and real images for every w, so the scales differ only in
the samples. Appends one record per scale to
benchmarks/results/guidance_sweep.jsonl and prints the table.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys


ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.generator_efficiency import (  # noqa: E402
    cas, cas_data, generated_images, iterations_of, last_checkpoint,
    phi0_fd)
from benchmarks.train_protocol import machine  # noqa: E402

RECORDS = osp.join(ROOT, 'benchmarks', 'results', 'guidance_sweep.jsonl')


def stage_files(stages: str) -> dict:
    """The generator config and checkpoint and phi0's config and checkpoint
    of a DiffuLT stages folder; a clear error for what is missing."""
    import glob
    files = {}
    for stage in ('generator', 'phi0'):
        folder = osp.join(stages, stage)
        if not osp.isfile(osp.join(folder, 'stage_done.json')):
            raise SystemExit(
                f'--stages {stages}: its {stage} stage is not finished '
                f'({folder}/stage_done.json is missing); give the folder of '
                'a DiffuLT run whose stages are done.')
        configs = sorted(glob.glob(osp.join(folder, '*.py')))
        configs = [c for c in configs
                   if not osp.basename(c).endswith('_as_trained.py')]
        if len(configs) != 1:
            raise SystemExit(f'--stages: expected one config in {folder}, '
                             f'found {[osp.basename(c) for c in configs]}.')
        files[stage] = (configs[0], last_checkpoint(folder))
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--stages', required=True)
    parser.add_argument('--guidance', type=float, nargs='+',
                        default=[0.0, 2.0, 4.0, 8.0])
    parser.add_argument('--target', type=int, default=1000)
    parser.add_argument('--per-class', type=int, default=200)
    parser.add_argument('--val-per-class', type=int, default=300)
    parser.add_argument('--sampler', default='ddim')
    parser.add_argument('--num-steps', type=int, default=25)
    parser.add_argument('--epochs', type=int, default=60,
                        help='CAS classifier epochs (the generator '
                        "efficiency table's 60)")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--records', default=RECORDS)
    args = parser.parse_args(argv)
    if any(w < 0 for w in args.guidance):
        parser.error('--guidance: scales must be >= 0 (0: no guidance).')
    files = stage_files(args.stages)
    gen_config, gen_checkpoint = files['generator']
    phi0_config, phi0_checkpoint = files['phi0']

    import diffult_plugin  # noqa: F401
    from diffult_plugin.models.utils.frozen_classifier import \
        Phi0FeatureExtractor
    counts, classes, eval_sets, (real_x, real_y) = cas_data(
        args.target, args.per_class, args.val_per_class, args.seed)
    phi0 = Phi0FeatureExtractor(phi0_config, phi0_checkpoint, len(counts))
    rel = (lambda p: osp.relpath(osp.abspath(p), ROOT))
    common = dict(
        benchmark='guidance_sweep',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(), stages=rel(args.stages),
        generator_checkpoint=rel(gen_checkpoint),
        generator_iterations=iterations_of(gen_checkpoint),
        phi0_checkpoint=rel(phi0_checkpoint), cas_classes=classes,
        per_class=args.per_class, val_per_class=args.val_per_class,
        cas_epochs=args.epochs, seed=args.seed, sampler=args.sampler,
        num_steps=args.num_steps)
    os.makedirs(osp.dirname(args.records), exist_ok=True)
    print('CAS of real left-out images (the reference)', flush=True)
    real = dict(common, guidance=None, source='real (left-out images)',
                **cas(real_x, real_y, eval_sets, classes, args.epochs,
                      args.seed))
    with open(args.records, 'a') as f:
        f.write(json.dumps(real) + '\n')
    rows = [real]
    cache_dir = osp.join(args.stages, 'guidance_sweep')
    os.makedirs(cache_dir, exist_ok=True)
    for w in args.guidance:
        print(f'guidance w = {w:g}', flush=True)
        images, labels, seconds = generated_images(
            gen_config, gen_checkpoint, classes, args.per_class,
            args.sampler, args.num_steps, w, args.seed,
            osp.join(cache_dir, f'samples_{args.sampler}{args.num_steps}_w'
                     f'{w:g}_{args.per_class}_seed{args.seed}.npz'))
        scores = cas(images, labels, eval_sets, classes, args.epochs,
                     args.seed)
        record = dict(
            common, guidance=w, source='generated',
            nfe_per_image=args.num_steps * (2 if w else 1),
            sample_s_per_image=round(seconds, 4), **scores,
            cas_val_over_real=round(scores['cas_val'] / real['cas_val'], 3),
            **phi0_fd(phi0, real_x, real_y, images, labels, classes))
        with open(args.records, 'a') as f:
            f.write(json.dumps(record) + '\n')
        rows.append(record)
        print(json.dumps(record), flush=True)
    print('\n| samples | NFE / image | phi0-FD | CAS val | CAS test | '
          'CAS val / real |')
    print('|---|---|---|---|---|---|')
    for r in rows:
        name = 'real' if r['guidance'] is None else f"w = {r['guidance']:g}"
        fd = r.get('fd')
        print(f"| {name} | {r.get('nfe_per_image', '')} | "
              f"{'' if fd is None else f'{fd:.1f}'} | {r['cas_val']:.1f} | "
              f"{r['cas_test']:.1f} | {r.get('cas_val_over_real', 1.0)} |")


if __name__ == '__main__':
    main()
