"""A classification data preprocessor for several augmented views."""
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS


@MODELS.register_module()
class MultiViewClsDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` that also takes V views per sample.

    With mmpretrain's ``MultiView`` transform before ``PackInputs`` each
    sample's ``inputs`` is a list of V images; they are normalised like
    single images and stacked view-major into one batch of ``V * B`` images
    (all first views, then all second views), while the B data samples stay
    as they are. Losses that know the views (``MDCSLoss``) split the batch
    again. Single-view batches (validation, test) pass through unchanged.

    Args:
        **kwargs: ``ClsDataPreprocessor`` arguments. Batch augmentations
            (Mixup, CutMix) are refused for multi-view batches: they would
            mix the views of different samples.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if not (isinstance(inputs, (list, tuple)) and inputs
                and isinstance(inputs[0], (list, tuple))):
            return super().forward(data, training)
        samples = data.get('data_samples')
        batch = len(samples) if samples is not None else None
        if training and self.batch_augments is not None:
            raise ValueError(
                'MultiViewClsDataPreprocessor does not apply batch '
                'augmentations (Mixup / CutMix) to multi-view batches; '
                "remove model.train_cfg['augments'].")
        if batch is not None and len(inputs[0]) == batch:
            # mmengine's pseudo_collate transposes the per-sample view lists:
            # inputs[v][i] is view v of sample i (the dataloader's layout).
            per_view = inputs
        elif batch is None or len(inputs) == batch:
            # One list of views per sample.
            views = len(inputs[0])
            if any(len(sample) != views for sample in inputs):
                raise ValueError('MultiViewClsDataPreprocessor: every '
                                 f'sample needs the same number of views '
                                 f'({views}).')
            per_view = [[sample[v] for sample in inputs]
                        for v in range(views)]
        else:
            raise ValueError(
                f'MultiViewClsDataPreprocessor: {len(inputs)} x '
                f'{len(inputs[0])} inputs for {batch} data samples; expected '
                'views x samples (collated) or samples x views.')
        if any(len(view) != len(per_view[0]) for view in per_view):
            raise ValueError('MultiViewClsDataPreprocessor: every sample '
                             'needs the same number of views.')
        flat = [image for view in per_view for image in view]
        return super().forward(dict(data, inputs=flat), training)
