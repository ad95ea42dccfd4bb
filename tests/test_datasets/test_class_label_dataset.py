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
