"""Train a model from an mmpretrain config, with diffult_plugin registered.

Same arguments as mmpretrain's ``tools/train.py``::

    python tools/train.py configs/baselines/ce_resnet32_cifar100lt.py
    python tools/train.py CONFIG --resume            # latest checkpoint
    python tools/train.py CONFIG --resume PATH.pth   # a given checkpoint
"""
import argparse
import os
import os.path as osp
import sys

import diffult_plugin  # noqa: E402,F401  (registers components, safe loading)
from mmengine.config import Config, ConfigDict, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from diffult_plugin.datasets import resolve_num_classes  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the latest checkpoint '
        'in the work dir when no path is given')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='skip validation during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr linearly with the total batch size')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='set pin_memory=False in every dataloader')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='set persistent_workers=False in every dataloader')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs (a.b=1, a=[1,2])')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        help='train once per seed, each in <work-dir>/seed<k> (sequential '
        'runs; tools/leaderboard.py aggregates them)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def _set_dataloader_flags(cfg, args):
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(field)
        if not loader:
            continue
        if args.no_pin_memory:
            loader['pin_memory'] = False
        # persistent workers need num_workers > 0 (mmengine refuses it else).
        if args.no_persistent_workers or loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False


def merge_args(cfg, args):
    """Apply the command-line arguments to the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.setdefault('auto_scale_lr', ConfigDict(base_batch_size=128))
        cfg.auto_scale_lr.enable = True
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    _set_dataloader_flags(cfg, args)
    return cfg


#: Settings that may differ between a run and its resumption.
RESUME_IGNORES = ('work_dir', 'resume', 'load_from', 'launcher')


def _comparable(cfg) -> dict:
    return {k: v for k, v in cfg.to_dict().items() if k not in RESUME_IGNORES}


def same_command_resumes(cfg, config_path: str) -> None:
    """Running the same command again continues a stopped run.

    Without ``--resume``: when the work dir holds a checkpoint of a run of
    this very config (the config mmengine dumped there), resume from it (an
    unreadable last checkpoint falls back to the newest readable one);
    when the checkpoints are another config's, refuse rather than overwrite
    them.
    """
    if cfg.get('resume') or cfg.get('load_from'):
        return
    from diffult_plugin.diffult.stages import resume_checkpoint
    work_dir = cfg.work_dir
    if not osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        return
    dumped = osp.join(work_dir, osp.basename(config_path))
    same = False
    if osp.isfile(dumped):
        try:
            same = _comparable(Config.fromfile(dumped)) == _comparable(cfg)
        except Exception:  # an unreadable dump is not the same config
            same = False
    if not same:
        raise SystemExit(
            f'{work_dir} holds checkpoints of a run of another config (or '
            f'without its config dump {dumped}); nothing is overwritten. '
            'Continue that run with --resume, or give a new --work-dir.')
    checkpoint = resume_checkpoint(work_dir)
    if checkpoint is None:
        return  # nothing readable: start over
    print(f'{work_dir} holds a stopped run of this config: resuming from '
          f'{checkpoint} (the same command continues a run; give another '
          '--work-dir to start a new one).', flush=True)
    cfg.resume = True
    cfg.load_from = None


def cpu_distributed(cfg) -> None:
    """``--launcher pytorch`` on machines without a GPU (gloo); see
    :func:`diffult_plugin.utils.distributed.prepare_launcher`."""
    from diffult_plugin.utils.distributed import prepare_launcher
    try:
        prepare_launcher(cfg)
    except ValueError as error:
        raise SystemExit(f'--{error}')


def run_seeds(args, argv):
    """Re-run this script once per seed, each in its own process (mmengine
    keeps global state per run) and its own work dir."""
    import subprocess
    argv = list(sys.argv[1:] if argv is None else argv)
    # Drop --seeds and its values, and --work-dir with its value.
    rest, skip = [], False
    for i, token in enumerate(argv):
        if skip:
            if token.startswith('-'):
                skip = False
            else:
                continue
        if token == '--seeds':
            skip = True
            continue
        if token == '--work-dir' or (i > 0 and argv[i - 1] == '--work-dir'):
            continue
        rest.append(token)
    base = args.work_dir or osp.join(
        './work_dirs', osp.splitext(osp.basename(args.config))[0])
    for seed in args.seeds:
        cmd = [sys.executable, osp.abspath(__file__)] + rest + [
            '--work-dir', osp.join(base, f'seed{seed}')
        ]
        # --cfg-options takes every value up to the next flag; append ours.
        if '--cfg-options' in cmd:
            cmd.insert(cmd.index('--cfg-options') + 1,
                       f'randomness.seed={seed}')
        else:
            cmd += ['--cfg-options', f'randomness.seed={seed}']
        print(f'[seeds] seed {seed}: {" ".join(cmd)}', flush=True)
        subprocess.run(cmd, check=True)


def main(argv=None):
    args = parse_args(argv)
    if args.seeds:
        return run_seeds(args, argv)
    cfg = merge_args(Config.fromfile(args.config), args)
    # num_classes='auto' from the training set; a mismatch stops here.
    resolve_num_classes(cfg)
    same_command_resumes(cfg, args.config)
    cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
