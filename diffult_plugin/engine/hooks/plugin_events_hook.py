"""Tell plugins (pluggy, ``diffult_plugin`` entry points) a run finished."""
import os.path as osp

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class PluginEventsHook(Hook):
    """Fire ``diffult_stage_finished`` after a run (rank 0 only).

    The stage is the run's experiment name; the artifact is the checkpoint
    named in ``work_dir/last_checkpoint`` when there is one. In every config
    through ``default_hooks`` of ``configs/_base_/default_runtime.py``.
    """
    priority = 'LOWEST'

    def after_run(self, runner) -> None:
        if runner.rank != 0:
            return
        from diffult_plugin.plugins import get_plugin_manager
        pointer = osp.join(runner.work_dir, 'last_checkpoint')
        artifact = None
        if osp.isfile(pointer):
            with open(pointer) as f:
                artifact = f.read().strip() or None
        get_plugin_manager().hook.diffult_stage_finished(
            stage=runner.experiment_name,
            work_dir=runner.work_dir,
            artifact=artifact)
