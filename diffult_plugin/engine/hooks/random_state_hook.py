"""Save the random number generators with each checkpoint, restore them on
resume: a run that was killed and resumed draws the same augmentations and
ends with the same weights as one that was not."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Keep Python's, NumPy's and torch's global random states in the
    checkpoint (``checkpoint['random_state']``) and restore them when a run
    resumes from it.

    mmengine re-seeds a resumed run from the seed it started with, so the
    random crops and flips of the epochs after the resume (drawn from the
    global generators in the main process and, through mmengine's worker
    seeding, in loader workers) differ from those of an uninterrupted run.
    With this hook they are the same. The sampler's shuffling is already
    reproducible (mmengine seeds it by epoch).
    """
    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['random_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('random_state')
        if not state:
            return  # a checkpoint of a run without this hook
        random.setstate(_python_state(state['python']))
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'])
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])
        runner.logger.info('random state restored from the checkpoint: the '
                           'resumed run continues the same random draws')


def _python_state(state):
    """``random.setstate`` needs tuples; a loaded state may hold lists."""
    version, internal, gauss = state
    return version, tuple(internal), gauss
