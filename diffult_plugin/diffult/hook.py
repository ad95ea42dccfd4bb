"""The adapter that runs the DiffuLT pipeline inside an mmengine run."""
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop
from mmpretrain.registry import HOOKS

from .dataset import DiffuLTDataset
from .pipeline import DiffuLTPipeline


def find_diffult_dataset(dataset):
    """The DiffuLTDataset in a (possibly wrapped) training set, or None."""
    while dataset is not None:
        if isinstance(dataset, DiffuLTDataset):
            return dataset
        dataset = getattr(dataset, 'dataset', None)
    return None


@HOOKS.register_module()
class DiffuLTSynthesisHook(Hook):
    """Run :class:`DiffuLTPipeline` before the classifier trains on the
    balanced proxy, and attach its bank to the proxy.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_).
    Runs in ``before_run``, after mmengine built the dataloader whose
    :class:`DiffuLTDataset` planned the slots; the loop and the schedulers
    stay mmengine's. Every argument is the pipeline's (see
    :class:`DiffuLTPipeline`); settings are checked when the hook is built,
    before any long work.
    """
    priority = 'VERY_HIGH'

    def __init__(self, **settings):
        self.pipeline = DiffuLTPipeline(**settings)

    def __getattr__(self, name):
        # The pipeline's settings read through the hook (hook.sampler ...).
        if name == 'pipeline':
            raise AttributeError(name)
        return getattr(self.pipeline, name)

    def prepare(self, work_dir: str, dataset: DiffuLTDataset):
        """The pipeline's bank for ``dataset`` (see DiffuLTPipeline)."""
        return self.pipeline(work_dir, dataset)

    def before_run(self, runner) -> None:
        # tools/test.py and val-only runs call before_run too: no training
        # loop, nothing to synthesise.
        if not isinstance(runner._train_loop, BaseLoop):
            return
        dataset = find_diffult_dataset(runner.train_dataloader.dataset)
        if dataset is None:
            raise ValueError(
                'DiffuLTSynthesisHook: the training set is not a '
                'DiffuLTDataset; wrap it: train_dataloader.dataset = '
                "dict(type='DiffuLTDataset', dataset=<LT dataset>, "
                'target=...).')
        check_batch_augments(runner.model, dataset)
        # stage_data='classifier' derives the stages' data from this run's.
        self.pipeline.classifier_cfg = getattr(runner, 'cfg', None)
        dataset.attach_bank(self.pipeline(runner.work_dir, dataset))


def check_batch_augments(model, dataset: DiffuLTDataset) -> None:
    """Refuse Mixup / CutMix that would drop the synthetic weight omega.

    mmpretrain's batch augments give a mixed image the weight of the sample
    at its position; ``SampleWeightedClsDataPreprocessor`` mixes the weights
    with the targets instead.
    """
    from mmengine.model import is_model_wrapper

    from diffult_plugin.models.utils import SampleWeightedClsDataPreprocessor
    if is_model_wrapper(model):
        model = model.module
    preprocessor = getattr(model, 'data_preprocessor', None)
    if getattr(preprocessor, 'batch_augments', None) is None or \
            float(dataset.synthetic_weight) == 1.0 or \
            isinstance(preprocessor, SampleWeightedClsDataPreprocessor):
        return
    raise ValueError(
        f'{type(preprocessor).__name__} applies batch augments (Mixup / '
        'CutMix) that would give a mixed image the weight of one of its '
        f'sources, not the synthetic weight {dataset.synthetic_weight:g} '
        "of each: set data_preprocessor = dict(type='SampleWeighted"
        "ClsDataPreprocessor') (it mixes the weights with the targets), or "
        "remove model.train_cfg['augments'].")

