"""TrainTimeBudgetHook ends an iteration loop when its time is spent."""
import types

import pytest
from mmengine.logging import MessageHub, MMLogger

from diffult_plugin.engine.hooks import TrainTimeBudgetHook
from diffult_plugin.engine.hooks import train_time_budget_hook as module


class _Loop:
    def __init__(self, max_iters):
        self._max_iters = max_iters

    @property
    def max_iters(self):
        return self._max_iters


def _runner(max_iters=100, hub_name='budget'):
    return types.SimpleNamespace(
        train_loop=_Loop(max_iters), iter=0,
        message_hub=MessageHub.get_instance(hub_name),
        logger=MMLogger.get_instance('budget-test'))


def test_budget_makes_the_current_iteration_the_last(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(module.time, 'monotonic', lambda: clock[0])
    hook = TrainTimeBudgetHook(max_minutes=1)
    runner = _runner(hub_name='budget-1')
    hook.before_train(runner)
    for it in range(10):
        runner.iter = it
        clock[0] += 10  # 10 s per iteration: the budget ends at iter 5
        hook.after_train_iter(runner, it)
        if runner.train_loop.max_iters == it + 1:
            break
    # After 6 iterations (60 s) iteration index 5 is the last: the loop
    # stops with 6 done, the checkpoint hook sees runner.iter + 1 ==
    # max_iters.
    assert runner.iter == 5 and runner.train_loop.max_iters == 6
    assert runner.message_hub.get_info(module.ELAPSED_KEY) == 60


def test_time_before_a_resume_counts(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(module.time, 'monotonic', lambda: clock[0])
    runner = _runner(hub_name='budget-2')
    # A resumed run: 50 s were spent before (restored with the hub).
    runner.message_hub.update_info(module.ELAPSED_KEY, 50.0)
    hook = TrainTimeBudgetHook(max_minutes=1)
    hook.before_train(runner)
    runner.iter = 40
    clock[0] += 5
    hook.after_train_iter(runner, 40)
    assert runner.train_loop.max_iters == 100  # 55 s < 60 s
    clock[0] += 5
    runner.iter = 41
    hook.after_train_iter(runner, 41)
    assert runner.train_loop.max_iters == 42


def test_a_run_inside_its_budget_is_untouched(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(module.time, 'monotonic', lambda: clock[0])
    runner = _runner(max_iters=3, hub_name='budget-3')
    hook = TrainTimeBudgetHook(max_minutes=10)
    hook.before_train(runner)
    for it in range(3):
        runner.iter = it
        clock[0] += 1
        hook.after_train_iter(runner, it)
    assert runner.train_loop.max_iters == 3


def test_bad_budget_and_epoch_loops_are_refused():
    with pytest.raises(ValueError, match='max_minutes'):
        TrainTimeBudgetHook(max_minutes=0)
    runner = _runner(hub_name='budget-4')
    runner.train_loop = object()
    with pytest.raises(TypeError, match='IterBasedTrainLoop'):
        TrainTimeBudgetHook(max_minutes=1).before_train(runner)
