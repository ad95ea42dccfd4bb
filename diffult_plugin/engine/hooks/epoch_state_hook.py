"""Tell epoch-dependent modules the epoch."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class EpochStateHook(Hook):
    """Call ``set_epoch(epoch)`` (0-based) on the model and every module of
    it that has one, before each training epoch.

    Deferred re-weighting (LDAM-DRW, CE-DRW), RIDE's per-class diversity
    temperature, SHIKE's switch to classifier re-training, MDCS's
    consistency ramp and DeiT-LT's end of Mixup depend on the epoch; the modules keep their own state, so a resumed run picks up the
    right stage at its first epoch.
    """
    priority = 'HIGH'

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for module in model.modules():
            if hasattr(module, 'set_epoch'):
                module.set_epoch(runner.epoch)
