"""Tell epoch-dependent modules the epoch."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class EpochStateHook(Hook):
    """Call ``set_epoch(epoch)`` (0-based) on every module of the model that
    has it, before each training epoch.

    Deferred re-weighting (LDAM-DRW, CE-DRW), RIDE's per-class diversity
    temperature and SHIKE's switch to classifier re-training depend on the
    epoch; the modules keep their own state, so a resumed run picks up the
    right stage at its first epoch.
    """
    priority = 'HIGH'

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for module in model.modules():
            if module is not model and hasattr(module, 'set_epoch'):
                module.set_epoch(runner.epoch)
