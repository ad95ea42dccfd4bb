import pytest
from mmpretrain.registry import DATASETS

from tests.fixtures import make_image_folder


@pytest.fixture()
def places_like(tmp_path):
    root = tmp_path
    make_image_folder(str(root / 'train'), ('x', 'y'), (5, 2))
    make_image_folder(str(root / 'val'), ('x', 'y'), (2, 2))
    (root / 'Places_LT_train.txt').write_text(''.join(
        [f'train/x/{i:04d}.jpg 0\n' for i in range(5)] +
        [f'train/y/{i:04d}.jpg 364\n' for i in range(2)]))
    (root / 'Places_LT_val.txt').write_text(''.join(
        [f'val/x/{i:04d}.jpg 0\n' for i in range(2)] +
        [f'val/y/{i:04d}.jpg 364\n' for i in range(2)]))
    return str(root)


@pytest.mark.parametrize('name,num_classes', [('ImageNetLT', 1000),
                                              ('PlacesLT', 365),
                                              ('INaturalist2018', 8142)])
def test_list_datasets(places_like, name, num_classes):
    pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
    train = DATASETS.build(
        dict(
            type=name,
            data_root=places_like,
            ann_file='Places_LT_train.txt',
            pipeline=pipeline))
    assert len(train) == 7
    assert len(train.metainfo['classes']) == num_classes
    assert train.metainfo['class_counts'][0] == 5
    assert train.metainfo['class_counts'][364] == 2
    assert sum(train.metainfo['class_counts']) == 7
    assert train[6]['inputs'].shape == (3, 32, 32)

    val = DATASETS.build(
        dict(
            type=name,
            data_root=places_like,
            ann_file='Places_LT_val.txt',
            train_ann_file='Places_LT_train.txt',
            pipeline=pipeline))
    assert val.metainfo['class_counts'][0] == 2
    assert val.metainfo['train_class_counts'][0] == 5


def test_missing_list_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='ImageNet_LT_train.txt'):
        DATASETS.build(
            dict(
                type='ImageNetLT',
                data_root=str(tmp_path),
                ann_file='ImageNet_LT_train.txt'))
    with pytest.raises(ValueError, match='ann_file'):
        DATASETS.build(dict(type='PlacesLT', data_root=str(tmp_path)))
