import pytest
from mmpretrain.registry import DATASETS


def test_labels_in_class_blocks():
    ds = DATASETS.build(dict(type='ClassLabelDataset', num_classes=3,
                             per_class=2))
    assert len(ds) == 6
    assert [int(ds[i]['data_samples'].gt_label) for i in range(6)] == [
        0, 0, 1, 1, 2, 2
    ]
    assert ds[5]['data_samples'].metainfo['sample_idx'] == 5
    assert ds[0]['inputs'].numel() == 0
    assert ds.metainfo['classes'] == ('0', '1', '2')
    with pytest.raises(IndexError):
        ds[6]


def test_bad_sizes():
    with pytest.raises(ValueError):
        DATASETS.build(dict(type='ClassLabelDataset', num_classes=0))


def test_max_total_bounds_the_samples_of_many_classes():
    # 43 classes x 50 would be 2,150 generated samples per validation.
    ds = DATASETS.build(dict(type='ClassLabelDataset', num_classes=43,
                             per_class=50, max_total=500))
    assert ds.per_class == 500 // 43 == 11
    assert len(ds) == 43 * 11
    # Few classes keep per_class; never fewer than one per class.
    assert DATASETS.build(dict(type='ClassLabelDataset', num_classes=5,
                               per_class=50, max_total=500)).per_class == 50
    assert DATASETS.build(dict(type='ClassLabelDataset', num_classes=600,
                               per_class=50, max_total=500)).per_class == 1


def test_an_unfilled_auto_count_is_explained():
    with pytest.raises(ValueError, match='auto'):
        DATASETS.build(dict(type='ClassLabelDataset', num_classes='auto'))
