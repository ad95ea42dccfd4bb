"""Evaluate a checkpoint on a config's test set, with diffult_plugin
registered. Same arguments as mmpretrain's ``tools/test.py``::

    python tools/test.py CONFIG CHECKPOINT [--out results.pkl]
"""
import argparse
import os
import os.path as osp

import diffult_plugin  # noqa: E402,F401  (registers components, safe loading)
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from diffult_plugin.utils.safe_loading import check_checkpoint  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a classifier')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument(
        '--out', help='dump every prediction to this pickle file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs (a.b=1, a=[1,2])')
    parser.add_argument(
        '--test-distributions',
        action='store_true',
        help="evaluate on SADE's shifted test label distributions (forward "
        'and backward long-tailed, IF 2-50, and uniform) from one pass over '
        'the test set, with the prior-free, train-prior-removed and '
        'test-prior (oracle) predictions; writes test_agnostic.json and '
        '.md in the work dir')
    parser.add_argument(
        '--test-distribution-lists',
        nargs='+',
        metavar=('DIR', 'TEMPLATE'),
        help="with --test-distributions: SADE's published list files of the "
        'shifted test sets instead of its subsampling rule (ImageNet-LT, '
        'Places-LT, iNaturalist 2018), a folder and the file-name template, '
        "e.g. data_txt/ImageNet_LT 'ImageNet_LT_{name}.txt'")
    parser.add_argument(
        '--test-time-aggregation',
        action='store_true',
        help="with --test-distributions and a multi-expert model (RIDE, "
        "SHIKE, MDCS): also SADE's test-time self-supervised aggregation of "
        'the experts, learned on each shifted test set (rows "sade")')
    parser.add_argument(
        '--train-class-counts',
        type=float,
        nargs='+',
        help='the training prior of --test-distributions (default: the test '
        "set's train_class_counts; give the weighted counts of a DiffuLT "
        'proxy for a model trained on one)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.test_time_aggregation and not args.test_distributions:
        parser.error('--test-time-aggregation needs --test-distributions.')
    if args.test_distribution_lists and not args.test_distributions:
        parser.error('--test-distribution-lists needs --test-distributions.')
    if args.test_distribution_lists and len(
            args.test_distribution_lists) > 2:
        parser.error('--test-distribution-lists takes a folder and, '
                     'optionally, a file-name template.')

    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.out and not args.out.endswith(('.pkl', '.pickle')):
        raise SystemExit('--out must be a .pkl file')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    check_checkpoint(args.checkpoint, 'tools/test.py checkpoint')
    cfg.load_from = args.checkpoint
    loader = cfg.get('test_dataloader') or {}
    if loader.get('num_workers', 0) == 0:
        loader['persistent_workers'] = False
    if args.out:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpResults', out_file_path=args.out)
        ]
    if args.test_distributions:
        lists = args.test_distribution_lists or []
        cfg.test_evaluator = [
            dict(type='TestAgnosticAccuracy',
                 train_class_counts=args.train_class_counts,
                 list_dir=lists[0] if lists else None,
                 list_template=lists[1] if len(lists) > 1 else '{name}.txt')
        ]
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.test_time_aggregation:
        metrics.update(test_time_aggregation(runner, args))
    if args.test_distributions and runner.rank == 0:
        write_test_agnostic(metrics, cfg.work_dir, args)


def test_time_aggregation(runner, args) -> dict:
    """SADE's aggregation on every shifted test set, from the experts'
    logits of the test images and of 2 x 5 augmented views of each."""
    from diffult_plugin.evaluation.test_time_aggregation import (
        SADE_SETTINGS, expert_logits, sade_test_agnostic)
    logits, labels, views, paths = expert_logits(
        runner.model, runner.test_dataloader,
        views=2 * SADE_SETTINGS['epochs'], with_paths=True)
    counts = args.train_class_counts or runner.test_dataloader.dataset.\
        metainfo['train_class_counts']
    subsets = None
    if args.test_distribution_lists:
        from diffult_plugin.datasets.test_distributions import (
            find_distribution_lists, indices_from_list)
        lists = find_distribution_lists(*args.test_distribution_lists)
        subsets = {name: indices_from_list(path, paths, labels.numpy())
                   for name, path in lists.items()}
    return {f'test_agnostic/{k}': v for k, v in sade_test_agnostic(
        logits, labels, views, counts, subsets=subsets).items()}


def write_test_agnostic(metrics: dict, work_dir: str, args) -> None:
    """test_agnostic.json (every value) and test_agnostic.md (the top-1
    table) in the work dir, and the table on stdout."""
    import datetime

    from diffult_plugin.evaluation.metrics import format_test_agnostic_table
    from diffult_plugin.utils.atomic_io import (atomic_write_bytes,
                                                atomic_write_json)
    from diffult_plugin.utils.machine import machine_name
    record = dict(config=args.config, checkpoint=args.checkpoint,
                  date=datetime.datetime.now().isoformat(timespec='seconds'),
                  machine=machine_name(), metrics=metrics)
    table = format_test_agnostic_table(metrics)
    atomic_write_json(osp.join(work_dir, 'test_agnostic.json'), record)
    atomic_write_bytes(osp.join(work_dir, 'test_agnostic.md'),
                       (table + '\n').encode())
    print(f'top-1 (%) on the shifted test distributions of '
          f'{args.checkpoint}:\n{table}', flush=True)


if __name__ == '__main__':
    main()
