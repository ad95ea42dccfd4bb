"""Distributed launches on GPUs and on CPU-only machines, for runs and for
the DiffuLT stages they start."""
import hashlib
import os
from typing import Optional

#: Variables a launcher (torchrun, tools/dist_train.sh) sets per process.
LAUNCHER_VARIABLES = ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR',
                      'MASTER_PORT', 'LOCAL_WORLD_SIZE')


def prepare_launcher(cfg) -> None:
    """Let ``launcher='pytorch'`` (torchrun, tools/dist_train.sh) train on
    machines without a GPU.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` and wraps the
    model with ``device_ids=[LOCAL_RANK]``; both fail on the CPU. Without a
    GPU the process group is initialised here with gloo (mmengine then
    skips its own initialisation) and DDP gets ``device_ids=None``. With a
    GPU, or ``launcher='none'``, nothing changes.
    """
    import torch
    import torch.distributed as dist
    from mmengine.config import ConfigDict
    if cfg.launcher == 'none' or torch.cuda.is_available():
        return
    if cfg.launcher != 'pytorch':
        raise ValueError(f'launcher {cfg.launcher!r} needs GPUs here; on a '
                         'CPU-only machine use --launcher pytorch (torchrun, '
                         'tools/dist_train.sh), which trains with gloo.')
    cfg.setdefault('env_cfg', ConfigDict())
    cfg.env_cfg.setdefault('dist_cfg', ConfigDict())
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def stage_port(master_port: int, stage: str) -> int:
    """The rendezvous port of a stage's own process group: next to the
    run's, different per stage (so a stage never meets the port of the
    one before it in TIME_WAIT), the same on every node."""
    offset = int(hashlib.sha256(stage.encode()).hexdigest(), 16) % 97
    port = master_port + 1 + offset
    return port if port < 65536 else master_port - 1 - offset


def stage_environment(stage: str, rank: int, world_size: int,
                      env: Optional[dict] = None) -> dict:
    """The environment of the process that trains ``stage`` for ``rank``:
    without the run's launcher variables for one process; with those of a
    process group of its own (same ranks, same master, another port) for
    several."""
    env = dict(os.environ if env is None else env)
    # torchrun's agent variables (TORCHELASTIC_USE_AGENT_STORE makes
    # init_process_group join the agent's store instead of starting the
    # stage group's own: the stage would wait for it forever).
    for key in [k for k in env if k.startswith('TORCHELASTIC_')]:
        env.pop(key)
    if world_size <= 1:
        for key in LAUNCHER_VARIABLES:
            env.pop(key, None)
        return env
    master_port = int(env.get('MASTER_PORT', 29500))
    env.update(
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=env.get('LOCAL_RANK', str(rank)),
        MASTER_ADDR=env.get('MASTER_ADDR', '127.0.0.1'),
        MASTER_PORT=str(stage_port(master_port, stage)))
    return env


def split_global_batch(cfg, world_size: int) -> None:
    """Give every rank ``batch_size / world_size`` of the training loader,
    so N ranks train on the global batch of the config (the recipe of one
    process). Raises if the batch does not divide."""
    if world_size <= 1:
        return
    loader = cfg.get('train_dataloader')
    if not loader or 'batch_size' not in loader:
        return
    batch = int(loader['batch_size'])
    if batch % world_size:
        raise ValueError(
            f'train_dataloader.batch_size={batch} does not divide over '
            f'{world_size} ranks: set a global batch that is a multiple of '
            'the number of processes.')
    loader['batch_size'] = batch // world_size
