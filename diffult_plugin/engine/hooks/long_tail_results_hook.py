"""Write what the long-tail metrics computed, where the leaderboard reads
it, and tell the plugins."""
import json
import os.path as osp

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from diffult_plugin.utils.atomic_io import atomic_write_json


@HOOKS.register_module()
class LongTailResultsHook(Hook):
    """After each validation and test, write the full record of every
    :class:`LongTailAccuracy` of the evaluator (its ``last_results``) to
    ``lt_results.json`` (latest) and append it to ``lt_results.jsonl``
    (history) in the run's log dir (``work_dir/<timestamp>/``, or the
    metric's ``out_dir``), then fire the plugins' ``diffult_run_evaluated``.
    Rank 0 only. The metric computes; this hook does the I/O and the events.
    In every config through ``default_hooks`` of
    ``configs/_base_/default_runtime.py``.
    """
    priority = 'LOW'

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._write(runner, getattr(runner, 'val_evaluator', None))

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._write(runner, getattr(runner, 'test_evaluator', None))

    @staticmethod
    def _write(runner, evaluator) -> None:
        for metric in getattr(evaluator, 'metrics', []):
            record = getattr(metric, 'last_results', None)
            if record is None:
                continue
            metric.last_results = None
            if runner.rank != 0:
                continue
            out_dir = metric.out_dir or runner.log_dir
            atomic_write_json(osp.join(out_dir, 'lt_results.json'), record)
            with open(osp.join(out_dir, 'lt_results.jsonl'), 'a') as f:
                f.write(json.dumps(record) + '\n')
            from diffult_plugin.plugins import get_plugin_manager
            get_plugin_manager().hook.diffult_run_evaluated(
                work_dir=out_dir, results=record)
