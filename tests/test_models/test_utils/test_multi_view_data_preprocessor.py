import pytest
import torch
from mmpretrain.structures import DataSample

from diffult_plugin.models.utils import MultiViewClsDataPreprocessor


def _batch(views):
    inputs, samples = [], []
    for i in range(3):
        sample_views = [torch.full((3, 2, 2), 10 * i + v, dtype=torch.uint8)
                        for v in range(views)]
        inputs.append(sample_views if views > 1 else sample_views[0])
        samples.append(DataSample().set_gt_label(i))
    return dict(inputs=inputs, data_samples=samples)


def test_views_are_stacked_view_major():
    preprocessor = MultiViewClsDataPreprocessor(mean=[0, 0, 0],
                                                std=[1, 1, 1])
    out = preprocessor(_batch(2), training=True)
    assert out['inputs'].shape == (6, 3, 2, 2)
    assert out['inputs'][:, 0, 0, 0].tolist() == [0, 10, 20, 1, 11, 21]
    assert len(out['data_samples']) == 3
    single = preprocessor(_batch(1), training=False)
    assert single['inputs'][:, 0, 0, 0].tolist() == [0, 10, 20]


def test_collated_batches_from_the_dataloader_stay_aligned():
    # mmengine's pseudo_collate turns per-sample view lists into one tuple
    # per view; image k of view v must stay with data sample k.
    from mmengine.dataset import pseudo_collate
    batch = _batch(2)
    collated = pseudo_collate([
        dict(inputs=views, data_samples=sample)
        for views, sample in zip(batch['inputs'], batch['data_samples'])
    ])
    assert len(collated['inputs']) == 2  # views, not samples
    preprocessor = MultiViewClsDataPreprocessor(mean=[0, 0, 0],
                                                std=[1, 1, 1])
    out = preprocessor(collated, training=True)
    assert out['inputs'][:, 0, 0, 0].tolist() == [0, 10, 20, 1, 11, 21]


def test_batch_augments_are_refused_for_views():
    preprocessor = MultiViewClsDataPreprocessor(
        num_classes=3, batch_augments=dict(augments=dict(type='Mixup',
                                                         alpha=0.2)))
    with pytest.raises(ValueError, match='Mixup'):
        preprocessor(_batch(2), training=True)
