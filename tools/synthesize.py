"""The synthesis stage of DiffuLT alone: fill the synthetic bank of a config.

Uses the ``DiffuLTSynthesisHook`` and the ``DiffuLTDataset`` of a DiffuLT
config, trains phi0 / the generator first when no checkpoint is given, and
stops before the classifier::

    python tools/synthesize.py configs/diffult_resnet32_cifar100lt.py \
        --phi0-checkpoint phi0.pth --generator-checkpoint generator.pth
    torchrun --nproc_per_node 2 tools/synthesize.py CONFIG --launcher pytorch

Killed, it continues where it stopped when run again; the bank is the same
byte for byte.
"""
import argparse
import os
import os.path as osp

import diffult_plugin  # noqa: E402,F401
from mmengine.config import Config, DictAction  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Fill the synthetic bank')
    parser.add_argument('config', help='a DiffuLT config')
    parser.add_argument('--work-dir', help='defaults to the config\'s')
    parser.add_argument('--phi0-checkpoint', help='a trained phi0')
    parser.add_argument('--generator-checkpoint', help='a trained generator')
    parser.add_argument('--bank-dir', help='where the bank goes')
    parser.add_argument('--oracle', action='store_true',
                        help='fill the slots with left-out real images')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        './work_dirs', osp.splitext(osp.basename(args.config))[0])

    from mmengine.dist import init_dist
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    if args.launcher != 'none':
        import torch
        if torch.cuda.is_available():
            init_dist(args.launcher, backend='nccl')
        elif args.launcher == 'pytorch':
            # mmengine's init_dist selects a CUDA device; on CPUs join the
            # torchrun group directly.
            torch.distributed.init_process_group(backend='gloo')
        else:
            raise SystemExit(f'--launcher {args.launcher} needs GPUs here; '
                             'use torchrun (--launcher pytorch) on CPUs.')
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    os.makedirs(work_dir, exist_ok=True)
    MMLogger.get_instance(
        'diffult_synthesize', log_file=osp.join(work_dir, 'synthesize.log'))

    from diffult_plugin.diffult import DiffuLTPipeline, find_diffult_dataset
    overrides = dict(phi0_checkpoint=args.phi0_checkpoint,
                     generator_checkpoint=args.generator_checkpoint,
                     bank_dir=args.bank_dir)
    if args.oracle:
        overrides['source'] = 'oracle'
    try:
        pipeline = DiffuLTPipeline.from_config(cfg, **overrides)
    except ValueError as error:
        raise SystemExit(f'{args.config}: {error}')
    dataset = find_diffult_dataset(
        DATASETS.build(cfg.train_dataloader.dataset))
    if dataset is None:
        raise SystemExit('the training set of the config is not a '
                         'DiffuLTDataset.')
    bank = pipeline(work_dir, dataset)
    dataset.attach_bank(bank)
    print(f'bank complete: {bank.bank_dir} ({len(bank)} slots)')


if __name__ == '__main__':
    main()
