"""Train one stage of DiffuLT (phi0 or the generator) from its config.

Run by :func:`diffult_plugin.diffult.stages.run_training_stage` in
a separate process, so the stage's mmengine runner, logger and message hub
never mix with those of the run that launched it::

    python -m diffult_plugin.diffult.train_stage CONFIG \
        --work-dir DIR [--resume] [--cfg-options-json '{"a.b": 1}'] \
        [--launcher pytorch]

With ``--launcher pytorch`` (every rank of a distributed run starts one,
in a process group of the stage's own) the stage trains with DDP on all
ranks, each on ``batch_size / world_size`` of the config's global batch.
"""
import argparse
import json


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--resume', action='store_true')
    parser.add_argument('--cfg-options-json', default='{}')
    parser.add_argument('--launcher', choices=('none', 'pytorch'),
                        default='none')
    args = parser.parse_args(argv)

    import diffult_plugin  # noqa: F401  (registers components)
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(json.loads(args.cfg_options_json))
    from diffult_plugin.datasets import resolve_num_classes
    resolve_num_classes(cfg)
    cfg.work_dir = args.work_dir
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch':
        import os

        from diffult_plugin.utils.distributed import (prepare_launcher,
                                                      split_global_batch)
        split_global_batch(cfg, int(os.environ.get('WORLD_SIZE', 1)))
        prepare_launcher(cfg)
    cfg.resume = bool(args.resume)
    if args.resume:
        cfg.load_from = None
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(field)
        if loader and loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
