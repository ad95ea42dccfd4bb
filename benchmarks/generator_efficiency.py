"""Generator quality per CPU minute: DiffuLT generator variants trained for
the same wall time on real CIFAR-10-LT IF100 (the JPEG folder).

For each variant: train it (a latent variant trains its autoencoder first,
and that time counts against its budget) with ``TrainTimeBudgetHook``,
then measure

- CAS, the classification accuracy score (Ravuri and Vinyals, NeurIPS
  2019): a ResNet-32 trained only on ``--per-class`` generated images of
  each class the DiffuLT proxy fills (those under ``--target`` real
  images; the recipe of benchmarks/bank_cas.py), tested on real images of
  those classes twice: on ``--val-per-class`` real images per class that
  the long-tail subsampling left out (``cas_val``: what any choice made
  from this benchmark reads, so nothing is chosen on the test set) and on
  the real test images (``cas_test``, reported). The reference is the same
  classifier trained on as many *real* left-out images (disjoint from the
  validation ones), computed once per run;
- phi0-FD on those classes: the Frechet distance between phi0 features of
  the generated images and of those real reference images (phi0 =
  ``--phi0-config`` / ``--phi0-checkpoint``, the same for every variant,
  reused runs included), overall and averaged over the classes;
- sampling cost: network evaluations per image and seconds per image.

    export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
    python benchmarks/generator_efficiency.py --variants pixel-tiny \\
        latent-tiny --minutes 28 --phi0-checkpoint <CE checkpoint>

Training times are what the runs themselves logged (the autoencoder's log
span, the generator's time as ``TrainTimeBudgetHook`` counted it), so a
rerun of the same command skips finished training and measures again; the
generated images are cached in the variant's folder. ``--reuse
VARIANT=WORK_DIR`` measures a pixel run trained before with the same
config instead (its time: the median logged iteration time times its
iterations, robust to pauses). Appends one record per variant to
benchmarks/results/generator_efficiency.jsonl.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time

import numpy as np
import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.bank_cas import restrict  # noqa: E402
from benchmarks.train_protocol import machine  # noqa: E402

#: variant -> (generator config, autoencoder config or None).
VARIANTS = {
    'pixel-tiny': ('configs/diffusion/diffult-tiny_unet_cifar10lt-jpg_cpu.py',
                   None),
    'pixel-tiny-vpred-minsnr':
    ('configs/diffusion/diffult-tiny-vpred-minsnr_unet_cifar10lt-jpg_cpu.py',
     None),
    'latent-tiny':
    ('configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py',
     'configs/autoencoder/latent-ae-tiny-f4_cifar10lt-jpg_cpu.py'),
}
DATA_CONFIG = 'configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py'
WORK = osp.join(ROOT, 'work_dirs', 'benchmarks', 'generator_efficiency')
_STAMP = re.compile(r'^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) - mmengine')


def log_wall_seconds(work_dir: str) -> float:
    """Seconds between the first and the last line of a run's mmengine
    logs (all its resumed parts; gaps between parts are not counted)."""
    total = 0.0
    for log in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))):
        stamps = []
        with open(log) as f:
            for line in f:
                match = _STAMP.match(line)
                if match:
                    stamps.append(
                        datetime.datetime.strptime(match.group(1),
                                                   '%Y/%m/%d %H:%M:%S'))
        if len(stamps) > 1:
            total += (stamps[-1] - stamps[0]).total_seconds()
    return total


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def iterations_of(checkpoint: str) -> int:
    match = re.search(r'iter_(\d+)\.pth$', checkpoint)
    return int(match.group(1)) if match else -1


def train(config: str, work_dir: str, options: list) -> None:
    """tools/train.py on ``config`` (resuming what the folder holds); the
    time it took is read from the run's own logs and checkpoint."""
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), config,
           '--work-dir', work_dir]
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    if options:
        cmd += ['--cfg-options'] + options
    print('+', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def budgeted_config(config: str, out: str, minutes: float,
                    ae_checkpoint) -> str:
    """The variant's config with a training time budget (and its
    autoencoder and phi0 filled in), written to ``out``."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='TrainTimeBudgetHook', max_minutes=minutes)
    ]
    # The budget ends the run. No validation: quality is measured here,
    # on the same images for every variant.
    cfg.train_cfg.max_iters = 10**6
    cfg.train_cfg.pop('val_interval', None)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if ae_checkpoint:
        cfg.model.autoencoder.checkpoint = ae_checkpoint
    os.makedirs(osp.dirname(out), exist_ok=True)
    cfg.dump(out)
    return out


def lt_real_sets(data_config: str):
    """The long-tailed training set and the test set of the protocol."""
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(osp.join(ROOT, data_config))
    train_cfg = dict(cfg.train_dataloader.dataset)
    return DATASETS.build(train_cfg), DATASETS.build(
        cfg.test_dataloader.dataset)


def real_images(dataset, indices=None) -> np.ndarray:
    from diffult_plugin.datasets.raw_images import iter_raw_batches
    indices = range(len(dataset)) if indices is None else indices
    return np.concatenate(
        [batch for batch, _ in iter_raw_batches(dataset, indices, 512)])


def left_out_images(lt_set, classes, per_class: int, seed: int,
                    offset: int = 0):
    """``per_class`` real images of each class that the long-tail
    subsampling left out (never seen by the generator), from position
    ``offset`` of each class's seeded order (disjoint sets for disjoint
    ranges)."""
    from diffult_plugin.diffult.sources import OracleSource
    source = OracleSource(lt_set, seed=seed)
    images, labels = [], []
    for c in classes:
        if source.available(c) < offset + per_class:
            raise SystemExit(
                f'class {c} has {source.available(c)} left-out images, '
                f'fewer than the {offset + per_class} needed (--per-class '
                '+ --val-per-class).')
        images.append(source.generate(c, per_class, seed, offset))
        labels += [c] * per_class
    return np.concatenate(images), np.asarray(labels)


def cas_data(target: int, per_class: int, val_per_class: int, seed: int):
    """The real data of a CAS measurement on the protocol's CIFAR-10-LT:
    the class counts, the classes under ``target`` real images, the
    evaluation sets (``val``: left-out images from position ``per_class``;
    ``test``: the test set) and ``per_class`` left-out reference images per
    class (disjoint from ``val``)."""
    from diffult_plugin.datasets.long_tail_dataset import labels_of
    lt_set, test_set = lt_real_sets(DATA_CONFIG)
    counts = np.bincount(labels_of(lt_set))
    classes = [int(c) for c in np.flatnonzero(counts < target)]
    eval_sets = dict(
        val=left_out_images(lt_set, classes, val_per_class, seed,
                            offset=per_class),
        test=(real_images(test_set), np.asarray(labels_of(test_set))))
    real_x, real_y = left_out_images(lt_set, classes, per_class, seed)
    return counts, classes, eval_sets, (real_x, real_y)


def generated_images(config, checkpoint, classes, per_class, sampler,
                     num_steps, guidance, seed, cache: str):
    """``per_class`` samples of each class, cached in ``cache`` (an .npz
    keyed by the checkpoint and the settings); returns images, labels and
    the seconds per image of the sampling that made them."""
    from diffult_plugin.utils.atomic_io import atomic_write_bytes, sha256_file
    key = dict(checkpoint_sha256=sha256_file(checkpoint), classes=classes,
               per_class=per_class, sampler=sampler, num_steps=num_steps,
               guidance=guidance, seed=seed)
    if osp.isfile(cache):
        data = np.load(cache)
        if json.loads(str(data['key'])) == key:
            return data['images'], data['labels'], float(data['seconds'])
    from diffult_plugin.diffult.sources import load_generator
    model = load_generator(config, checkpoint, 'cpu')
    labels = np.repeat(np.asarray(classes), per_class)
    start = time.time()
    images = model.sample(torch.as_tensor(labels), num_steps=num_steps,
                          sampler=sampler, guidance_scale=guidance,
                          seed=seed, batch_size=250, progress=False)
    seconds = (time.time() - start) / max(1, len(labels))
    images = images.permute(0, 2, 3, 1).numpy()
    import io
    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=labels, seconds=seconds,
             key=json.dumps(key))
    atomic_write_bytes(cache, buffer.getvalue())
    return images, labels, seconds


def median_iteration_seconds(work_dir: str) -> float:
    """The median of the iteration times a run logged (vis_data)."""
    times = []
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'time' in record and 'loss' in record:
                    times.append(record['time'])
    if not times:
        raise SystemExit(f'{work_dir} logged no iteration times.')
    return float(np.median(times))


def phi0_features(phi0, images: np.ndarray) -> torch.Tensor:
    """phi0 features of uint8 RGB (N, H, W, 3) images."""
    feats = []
    with torch.no_grad():
        for start in range(0, len(images), 500):
            batch = torch.from_numpy(images[start:start + 500]).permute(
                0, 3, 1, 2).float() / 127.5 - 1
            feats.append(phi0(batch))
    return torch.cat(feats)


def phi0_fd(phi0, real_x, real_y, gen_x, gen_y, classes) -> dict:
    """phi0-FD of generated vs real images, overall and per class."""
    from diffult_plugin.evaluation.metrics.generator_quality import \
        frechet_distance
    real_f, gen_f = phi0_features(phi0, real_x), phi0_features(phi0, gen_x)
    per_class = {
        str(c): frechet_distance(real_f[torch.from_numpy(real_y == c)],
                                 gen_f[torch.from_numpy(gen_y == c)])
        for c in classes
    }
    return dict(fd=frechet_distance(real_f, gen_f),
                fd_class_mean=float(np.mean(list(per_class.values()))),
                fd_per_class=per_class)


def train_seconds(checkpoint: str):
    """Training seconds that TrainTimeBudgetHook kept in a checkpoint
    (without start-up and the final validation); None without the hook."""
    from diffult_plugin.engine.hooks.train_time_budget_hook import \
        ELAPSED_KEY
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    hub = state.get('message_hub', {})
    return (hub.get('runtime_info') or {}).get(ELAPSED_KEY)


def cas(train_x, train_y, eval_sets: dict, classes, epochs, seed) -> dict:
    """ResNet-32 on the (train_x, train_y) images of ``classes``; top-1
    and per-class accuracy on each of ``eval_sets`` ({name: (x, y)})."""
    from benchmarks.bank_cas import evaluate, train_classifier
    train_x, train_y = restrict(train_x, train_y, classes)
    model = train_classifier(train_x, train_y, len(classes), epochs, seed)
    out = {}
    for name, (x, y) in eval_sets.items():
        x, y = restrict(x, y, classes)
        top1, per_class = evaluate(model, x, y, len(classes))
        out[f'cas_{name}'] = top1
        out[f'cas_{name}_per_class'] = dict(zip(map(str, classes),
                                                per_class))
    return out


def trained_autoencoder(ae_dir: str, iterations: int):
    """The autoencoder checkpoint when its run finished, else None."""
    if not osp.isfile(osp.join(ae_dir, 'last_checkpoint')):
        return None
    checkpoint = last_checkpoint(ae_dir)
    return checkpoint if iterations_of(checkpoint) >= iterations else None


def budget_spent(gen_dir: str, minutes: float) -> bool:
    if not osp.isfile(osp.join(gen_dir, 'last_checkpoint')):
        return False
    spent = train_seconds(last_checkpoint(gen_dir))
    return spent is not None and spent >= minutes * 60


def train_variant(name, config, ae_config, run_dir, args):
    """Train (or find trained) one variant; returns its generator config,
    checkpoint and the seconds of autoencoder and generator training."""
    from mmengine.config import Config
    ae_wall, ae_checkpoint = 0.0, None
    if ae_config:
        ae_dir = osp.join(run_dir, 'autoencoder')
        ae_iters = args.autoencoder_iters or Config.fromfile(
            osp.join(ROOT, ae_config)).train_cfg.max_iters
        if trained_autoencoder(ae_dir, ae_iters) is None:
            train(osp.join(ROOT, ae_config), ae_dir,
                  [f'train_cfg.max_iters={ae_iters}'])
        ae_checkpoint = trained_autoencoder(ae_dir, ae_iters)
        ae_wall = log_wall_seconds(ae_dir)
    gen_dir = osp.join(run_dir, 'generator')
    gen_config = osp.join(run_dir, 'generator_config.py')
    if not osp.isfile(gen_config):
        remaining = args.minutes - ae_wall / 60
        if remaining <= 1:
            raise SystemExit(f'{name}: the autoencoder took '
                             f'{ae_wall / 60:.1f} of {args.minutes} minutes; '
                             'raise --minutes.')
        budgeted_config(config, gen_config, remaining, ae_checkpoint)
    budget = [h for h in Config.fromfile(gen_config).custom_hooks
              if h['type'] == 'TrainTimeBudgetHook'][0]['max_minutes']
    if not budget_spent(gen_dir, budget):
        train(gen_config, gen_dir, [])
    checkpoint = last_checkpoint(gen_dir)
    return gen_config, checkpoint, ae_wall, train_seconds(checkpoint)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--variants', nargs='+', default=list(VARIANTS),
                        choices=list(VARIANTS))
    parser.add_argument('--minutes', type=float, default=28.0,
                        help='training wall time of every variant, '
                        'autoencoder included (default 28: the CPU '
                        "protocol's pixel generator stage)")
    parser.add_argument('--phi0-config', default=DATA_CONFIG)
    parser.add_argument('--phi0-checkpoint', required=True)
    parser.add_argument('--reuse', nargs='*', default=[],
                        metavar='VARIANT=WORK_DIR')
    parser.add_argument('--target', type=int, default=1000,
                        help='CAS on the classes with fewer real images '
                        "(the proxy's N_t; default 1000)")
    # 200 images of 6 classes: 13 minutes of guided DDIM-25 sampling for
    # the tiny pixel generator on 2 cores.
    parser.add_argument('--per-class', type=int, default=200)
    parser.add_argument('--val-per-class', type=int, default=300)
    parser.add_argument('--sampler', default='ddim')
    parser.add_argument('--num-steps', type=int, default=25)
    parser.add_argument('--guidance', type=float, default=8.0)
    parser.add_argument('--epochs', type=int, default=15,
                        help='CAS classifier epochs (bank_cas recipe)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--autoencoder-iters', type=int, default=None,
                        help="override the autoencoder config's "
                        'iterations (a smoke run)')
    parser.add_argument('--work-dir', default=WORK)
    parser.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'generator_efficiency.jsonl'))
    args = parser.parse_args()
    reuse = dict(item.split('=', 1) for item in args.reuse)
    for name in reuse:
        if name not in VARIANTS or VARIANTS[name][1]:
            raise SystemExit(f'--reuse {name}: only pixel variants can be '
                             f'reused ({[k for k, v in VARIANTS.items() if not v[1]]}).')
    if not osp.isfile(args.phi0_checkpoint):
        raise SystemExit(f'--phi0-checkpoint {args.phi0_checkpoint} does '
                         'not exist.')

    import diffult_plugin  # noqa: F401
    from diffult_plugin.models.utils.frozen_classifier import \
        Phi0FeatureExtractor
    counts, classes, eval_sets, (real_x, real_y) = cas_data(
        args.target, args.per_class, args.val_per_class, args.seed)
    print(f'CAS classes (fewer than {args.target} real images): {classes}',
          flush=True)
    phi0 = Phi0FeatureExtractor(osp.join(ROOT, args.phi0_config),
                                args.phi0_checkpoint, len(counts))
    common = dict(
        benchmark='generator_efficiency',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(), threads=torch.get_num_threads(),
        cas_classes=classes, per_class=args.per_class,
        val_per_class=args.val_per_class, cas_epochs=args.epochs,
        seed=args.seed, minutes=args.minutes,
        phi0_checkpoint=args.phi0_checkpoint)
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    # The real reference depends on the data settings only: computed and
    # recorded once per work dir and settings.
    key = {k: common[k] for k in ('cas_classes', 'per_class',
                                  'val_per_class', 'cas_epochs', 'seed')}
    cached = osp.join(args.work_dir, 'real_reference.json')
    real = None
    if osp.isfile(cached):
        with open(cached) as f:
            real = json.load(f)
        if {k: real.get(k) for k in key} != key:
            real = None
    if real is None:
        real = dict(common, variant='real (left-out images)',
                    **cas(real_x, real_y, eval_sets, classes, args.epochs,
                          args.seed))
        with open(args.out, 'a') as f:
            f.write(json.dumps(real) + '\n')
        from diffult_plugin.utils.atomic_io import atomic_write_json
        os.makedirs(args.work_dir, exist_ok=True)
        atomic_write_json(cached, real)
    print(json.dumps(real), flush=True)
    records = [real]
    for name in args.variants:
        config, ae_config = VARIANTS[name]
        run_dir = osp.join(args.work_dir, name)
        if name in reuse:
            gen_dir = reuse[name]
            gen_config = osp.join(ROOT, config)
            checkpoint = last_checkpoint(gen_dir)
            ae_wall, trained_by = 0.0, f'reused run {gen_dir}'
            gen_train = median_iteration_seconds(gen_dir) * iterations_of(
                checkpoint)
        else:
            gen_config, checkpoint, ae_wall, gen_train = train_variant(
                name, config, ae_config, run_dir, args)
            trained_by = 'this benchmark'
        images, labels, seconds = generated_images(
            gen_config, checkpoint, classes, args.per_class, args.sampler,
            args.num_steps, args.guidance, args.seed,
            osp.join(run_dir, f'samples_{args.sampler}{args.num_steps}_w'
                     f'{args.guidance:g}_{args.per_class}.npz'))
        scores = cas(images, labels, eval_sets, classes, args.epochs,
                     args.seed)
        record = dict(
            common, variant=name, config=config,
            autoencoder_config=ae_config, trained_by=trained_by,
            checkpoint=osp.relpath(checkpoint, ROOT)
            if checkpoint.startswith(ROOT) else checkpoint,
            iterations=iterations_of(checkpoint),
            autoencoder_train_s=round(ae_wall, 1),
            generator_train_s=round(gen_train or 0.0, 1),
            train_s=round(ae_wall + (gen_train or 0.0), 1),
            sampler=args.sampler, num_steps=args.num_steps,
            guidance=args.guidance,
            nfe_per_image=args.num_steps * (2 if args.guidance else 1),
            sample_s_per_image=round(seconds, 4), **scores,
            cas_val_over_real=round(scores['cas_val'] / real['cas_val'], 3),
            **phi0_fd(phi0, real_x, real_y, images, labels, classes))
        records.append(record)
        print(json.dumps(record), flush=True)
        with open(args.out, 'a') as f:
            f.write(json.dumps(record) + '\n')
    print('\n| variant | training min (AE + generator) | iterations | '
          'phi0-FD (tail) | CAS val | CAS test | CAS val / real |')
    print('|---|---|---|---|---|---|---|')
    for r in records:
        fd = r.get('fd')
        print(f"| {r['variant']} | {r.get('train_s', 0) / 60:.1f} | "
              f"{r.get('iterations', '')} | "
              f"{'' if fd is None else f'{fd:.1f}'} | {r['cas_val']:.1f} | "
              f"{r['cas_test']:.1f} | {r.get('cas_val_over_real', 1.0)} |")


if __name__ == '__main__':
    main()
