"""Run a training stage (phi0, generator) once: skip when done, resume when
interrupted."""
import contextlib
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time
from typing import Optional

from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger

from diffult_plugin.utils.atomic_io import atomic_write_json, sha256_file
from diffult_plugin.utils.distributed import stage_environment
from diffult_plugin.utils.folder_lock import folder_lock
from diffult_plugin.utils.safe_loading import readable_checkpoint

DONE = 'stage_done.json'
FAILED = 'stage_failed.json'
#: Written when a stage starts: marks its folder as a stage of a DiffuLT
#: run (the leaderboard does not list stages as runs of their own).
MARKER = 'stage.json'


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to SIGTERM this process when its parent dies, so a killed
    pipeline never leaves its stage training as an orphan."""
    try:
        import ctypes
        libc = ctypes.CDLL('libc.so.6', use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: no such guarantee


def child_process_kwargs() -> dict:
    """``subprocess`` arguments that tie a child's life to this process."""
    return dict(preexec_fn=_die_with_parent) if sys.platform.startswith(
        'linux') else {}


def resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint a stage resumes from, or None to start over.

    ``last_checkpoint`` names it; when that is empty, dangling or names a
    truncated file, the newest readable ``*.pth`` of the folder is taken
    and ``last_checkpoint`` rewritten to it (mmengine resumes from what it
    names); with none, ``last_checkpoint`` is removed."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        named = f.read().strip()
    if named and readable_checkpoint(named):
        return named
    candidates = sorted(glob.glob(osp.join(work_dir, '*.pth')),
                        key=osp.getmtime, reverse=True)
    fallback = next((p for p in candidates if readable_checkpoint(p)), None)
    logger = MMLogger.get_current_instance()
    if fallback is None:
        logger.warning(f'{pointer} names {named!r}, which is not a readable '
                       'checkpoint, and no other is: training from the '
                       'start.')
        os.remove(pointer)
        return None
    logger.warning(f'{pointer} names {named!r}, which is not a readable '
                   f'checkpoint: resuming from {fallback}.')
    _point_at(work_dir, fallback)
    return fallback


def _point_at(work_dir: str, checkpoint: str) -> None:
    """Make ``last_checkpoint`` (what mmengine resumes from) name
    ``checkpoint``, atomically."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    tmp = f'{pointer}.tmp-{os.getpid()}'
    with open(tmp, 'w') as f:
        f.write(checkpoint)
    os.replace(tmp, pointer)


#: Written by :func:`continue_stage_from`: which checkpoint a stage
#: continued from (its path and sha256).
CONTINUED = 'continued_from.json'


def continue_stage_from(work_dir: str, checkpoint: str) -> bool:
    """Make a stage that has not started continue from ``checkpoint``.

    ``checkpoint`` is a training checkpoint of the same config (model, EMA,
    optimiser, schedulers and iteration, e.g. another run's
    ``<stages>/generator/iter_<N>.pth``). It is copied into ``work_dir``
    (temporary name, fsync, rename) and ``last_checkpoint`` names it, so
    :func:`run_training_stage` resumes from it up to the config's
    ``max_iters`` instead of training from iteration 0. A folder that holds
    a finished stage or a run of its own is left as it is: its own run
    goes on, the given checkpoint is not used again. Returns whether the
    folder was set up to continue.
    """
    import shutil
    if _finished(work_dir) or resume_checkpoint(work_dir) is not None:
        return False
    os.makedirs(work_dir, exist_ok=True)
    target = osp.join(work_dir, osp.basename(checkpoint))
    tmp = f'{target}.tmp-{os.getpid()}'
    try:
        shutil.copyfile(checkpoint, tmp)
        with open(tmp, 'rb+') as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    atomic_write_json(osp.join(work_dir, CONTINUED),
                      dict(checkpoint=osp.abspath(checkpoint),
                           sha256=sha256_file(target)))
    _point_at(work_dir, target)
    return True


def _finished(work_dir: str) -> Optional[str]:
    path = osp.join(work_dir, DONE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        done = json.load(f)
    checkpoint = done.get('checkpoint')
    if checkpoint and osp.isfile(checkpoint) and sha256_file(
            checkpoint) == done.get('sha256'):
        return checkpoint
    return None


def run_training_stage(name: str,
                       config: str,
                       work_dir: str,
                       cfg_options: Optional[dict] = None,
                       poll_seconds: float = 10.0) -> str:
    """Train ``config`` in ``work_dir`` unless done; returns its checkpoint.

    The stage trains in child processes (``train_stage``), passing
    ``--resume`` when the folder holds an interrupted run, and rank 0 writes
    ``stage_done.json`` (checkpoint path and sha256) at the end. In a
    distributed run every rank starts one child, and the children form a
    process group of their own (same ranks and master, another port): the
    stage trains with DDP on all ranks, each on ``1 / world_size`` of the
    config's global batch, so one process and N follow the same recipe.
    Rank 0 decides (done, resume or start) and tells the others before any
    child starts; no collective is held while the stage trains (the other
    ranks then wait for ``stage_done.json``).

    Args:
        name (str): Stage name for messages ('phi0', 'generator').
        config (str): The stage's config file.
        work_dir (str): Its own folder.
        cfg_options (dict, optional): Config overrides.
        poll_seconds (float): How often ranks > 0 look for the result.
    """
    logger = MMLogger.get_current_instance()
    rank, world_size = get_dist_info()
    if world_size == 1:
        checkpoint = _finished(work_dir)
        if checkpoint:
            logger.info(f'stage {name}: done before ({checkpoint}), skipped')
            return checkpoint
        with folder_lock(work_dir, f'{name} stage folder'):
            # Finished by a run that held the lock before this one got it?
            checkpoint = _finished(work_dir)
            if checkpoint:
                logger.info(f'stage {name}: done meanwhile ({checkpoint})')
                return checkpoint
            return _train_stage(name, config, work_dir, cfg_options, logger,
                                resume_checkpoint(work_dir) is not None)

    import torch.distributed as dist
    lock = folder_lock(work_dir, f'{name} stage folder') if rank == 0 \
        else contextlib.nullcontext()
    with lock:
        plan = [None, False]
        if rank == 0:
            checkpoint = _finished(work_dir)
            plan = [checkpoint, checkpoint is None
                    and resume_checkpoint(work_dir) is not None]
        dist.broadcast_object_list(plan, src=0)
        checkpoint, resume = plan
        if checkpoint:
            logger.info(f'stage {name}: done before ({checkpoint}), skipped')
            return checkpoint
        checkpoint = _train_stage(name, config, work_dir, cfg_options, logger,
                                  resume, rank, world_size)
    while checkpoint is None:
        checkpoint = _finished(work_dir)
        if checkpoint is None:
            if osp.isfile(osp.join(work_dir, FAILED)):
                raise RuntimeError(f'stage {name} failed on rank 0; see '
                                   f'{work_dir}.')
            time.sleep(poll_seconds)
    return checkpoint


def _train_stage(name, config, work_dir, cfg_options, logger, resume: bool,
                 rank: int = 0, world_size: int = 1) -> Optional[str]:
    """Train the stage in a child process (one per rank); rank 0 returns
    the checkpoint, other ranks None."""
    failed = osp.join(work_dir, FAILED)
    if rank == 0:
        atomic_write_json(osp.join(work_dir, MARKER),
                          dict(stage=name, config=config))
        if osp.isfile(failed):
            os.remove(failed)
    command = [
        sys.executable, '-m', 'diffult_plugin.diffult.train_stage',
        config, '--work-dir', work_dir, '--cfg-options-json',
        json.dumps(cfg_options or {})
    ] + (['--resume'] if resume else []) + (
        ['--launcher', 'pytorch'] if world_size > 1 else [])
    logger.info(f'stage {name}: {"resuming" if resume else "training"} '
                f'{config} in {work_dir}'
                + (f' on {world_size} ranks' if world_size > 1 else ''))
    env = stage_environment(name, rank, world_size)
    # The child must import the same diffult_plugin as this process.
    package_root = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
        osp.abspath(__file__)))))
    env['PYTHONPATH'] = os.pathsep.join(
        [package_root] + [p for p in [env.get('PYTHONPATH')] if p])
    result = subprocess.run(command, env=env, **child_process_kwargs())
    if result.returncode != 0:
        if rank == 0:
            atomic_write_json(failed, dict(returncode=result.returncode))
        if rank == 0:
            checkpoint = resume_checkpoint(work_dir)
            hint = (f'Running the same command again resumes it from '
                    f'{checkpoint}.' if checkpoint else
                    'It wrote no checkpoint: fix the error in its log; the '
                    'same command then trains it from the start.')
        else:
            hint = ('Rank 0 says whether it resumes; the same command '
                    'continues from its last checkpoint.')
        raise RuntimeError(
            f'stage {name} ({config}) failed with exit code '
            f'{result.returncode}'
            + (f' on rank {rank}' if world_size > 1 else '')
            + f'; its log is in {work_dir}. {hint}')
    if rank != 0:
        return None
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    atomic_write_json(
        osp.join(work_dir, DONE),
        dict(stage=name, config=config, checkpoint=checkpoint,
             sha256=sha256_file(checkpoint)))
    logger.info(f'stage {name}: finished, {checkpoint}')
    return checkpoint
