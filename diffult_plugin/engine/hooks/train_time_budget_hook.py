"""Stop an iteration-based training run after a wall-clock budget."""
import time
from typing import Optional

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

#: Message-hub key of the training time spent so far (saved with every
#: checkpoint, so a resumed run keeps counting).
ELAPSED_KEY = 'train_wall_s'


@HOOKS.register_module()
class TrainTimeBudgetHook(Hook):
    """End training once it has run ``max_minutes`` (iteration loops).

    Compare generator variants at equal compute ("quality per CPU minute",
    ``benchmarks/generator_efficiency.py``), or give a stage the time a user
    has: when the budget is spent, the iteration that just ran becomes the
    last one, so the checkpoint hook saves it (``save_last``), the final
    validation runs, and the stage ends as if ``max_iters`` had been
    reached. The time spent before a resume counts (it is kept in the
    checkpoint's message hub); data-loading and validation time count too.

    Args:
        max_minutes (float): Training wall-clock budget in minutes.
    """
    # Before CheckpointHook (VERY_LOW), which must see the new last iteration.
    priority = 'NORMAL'

    def __init__(self, max_minutes: float):
        if not max_minutes > 0:
            raise ValueError('TrainTimeBudgetHook.max_minutes must be > 0, '
                             f'got {max_minutes!r}.')
        self.max_seconds = float(max_minutes) * 60
        self._start: Optional[float] = None
        self._before = 0.0

    def before_train(self, runner) -> None:
        if not hasattr(runner.train_loop, '_max_iters'):
            raise TypeError('TrainTimeBudgetHook needs an iteration-based '
                            'train loop (train_cfg type IterBasedTrainLoop).')
        self._before = float(
            runner.message_hub.get_info(ELAPSED_KEY, 0.0) or 0.0)
        self._start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds of training so far, resumed runs included."""
        if self._start is None:
            return self._before
        return self._before + time.monotonic() - self._start

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        elapsed = self.elapsed()
        runner.message_hub.update_info(ELAPSED_KEY, elapsed)
        loop = runner.train_loop
        if elapsed >= self.max_seconds and runner.iter + 1 < loop.max_iters:
            runner.logger.info(
                f'TrainTimeBudgetHook: {elapsed / 60:.1f} of '
                f'{self.max_seconds / 60:.1f} minutes spent; iteration '
                f'{runner.iter + 1} is the last (of {loop.max_iters}).')
            loop._max_iters = runner.iter + 1
