import pytest
from mmpretrain.registry import DATASETS

from tests.fixtures import make_image_folder


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp('jpg')
    make_image_folder(str(root / 'train'), ('a', 'b', 'c'), (12, 12, 12))
    make_image_folder(str(root / 'test'), ('a', 'b', 'c'), (3, 3, 3))
    make_image_folder(str(root / 'natural'), ('a', 'b', 'c'), (9, 4, 1))
    # Not sorted by size: the largest class is the middle one.
    make_image_folder(str(root / 'unsorted'), ('a', 'b', 'c'), (4, 10, 6))
    return str(root)


def _folder(root, prefix):
    return dict(
        type='CustomDataset',
        data_root=root,
        data_prefix=prefix,
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')])


def test_protocol_on_image_folder(folders):
    ds = DATASETS.build(
        dict(
            type='LongTailDataset',
            dataset=_folder(folders, 'train'),
            imbalance_factor=4))
    assert ds.metainfo['class_counts'] == [12, 6, 3]
    assert ds.metainfo['train_class_counts'] == [12, 6, 3]
    assert len(ds) == 21
    assert sorted(ds.get_gt_labels().tolist()) == [0] * 12 + [1] * 6 + [2] * 3
    sample = ds[len(ds) - 1]
    assert sample['inputs'].shape == (3, 32, 32)
    assert ds.get_cat_ids(len(ds) - 1) == [2]


def test_natural_imbalance_and_reference_counts(folders):
    train = dict(
        type='LongTailDataset',
        dataset=_folder(folders, 'natural'),
        imbalance_factor=None)
    ds = DATASETS.build(train)
    assert ds.metainfo['class_counts'] == [9, 4, 1]
    test = DATASETS.build(
        dict(
            type='LongTailDataset',
            dataset=_folder(folders, 'test'),
            imbalance_factor=None,
            class_counts_from=train))
    assert test.metainfo['class_counts'] == [3, 3, 3]
    assert test.metainfo['train_class_counts'] == [9, 4, 1]


def test_too_few_samples_names_the_fix(folders):
    with pytest.raises(ValueError, match='n_max'):
        DATASETS.build(
            dict(
                type='LongTailDataset',
                dataset=_folder(folders, 'natural'),
                imbalance_factor=2))


def test_bad_imbalance_factor(folders):
    with pytest.raises(ValueError, match='imbalance_factor'):
        DATASETS.build(
            dict(
                type='LongTailDataset',
                dataset=_folder(folders, 'train'),
                imbalance_factor=0.5))


def test_missing_image_folder_says_how_to_set_the_data_root(tmp_path):
    with pytest.raises(FileNotFoundError, match='DIFFULT_CIFAR10_JPG'):
        DATASETS.build(
            dict(type='LongTailDataset',
                 dataset=dict(type='CustomDataset',
                              data_root=str(tmp_path / 'nowhere'),
                              data_prefix='train')))


def test_impossible_n_max_names_the_largest_that_works():
    from diffult_plugin.datasets.long_tail_dataset import \
        largest_feasible_n_max
    from diffult_plugin.datasets.long_tail_protocol import \
        long_tail_class_counts
    # Class 0 has 10 images, class 1 has 100: the head (class 0) caps n_max
    # at 10, and with IF 10 over 2 classes the profile is (n, n / 10).
    assert largest_feasible_n_max([10, 100], 10, 'exp') == 10
    # Class 1 caps it: the profile (n, int(n / 10)) needs int(n / 10) <= 3.
    assert largest_feasible_n_max([1000, 3], 10, 'exp') == 39
    assert long_tail_class_counts(39, 2, 10, 'exp') == [39, 3]
    assert long_tail_class_counts(40, 2, 10, 'exp') == [40, 4]


def test_classes_ordered_by_their_natural_size(folders):
    # Sizes (4, 10, 6), IF 4 over 3 classes: the profile by rank is
    # (n, int(n / 2), int(n / 4)). By index the head is class a (4 images):
    # n_max = 10 fails, and the largest n_max that fits is 4 (4, 2, 1).
    with pytest.raises(ValueError, match='largest n_max these classes allow '
                       'is 4'):
        DATASETS.build(dict(type='LongTailDataset', imbalance_factor=4,
                            dataset=_folder(folders, 'unsorted')))
    # By size: b (10) is the head, c (6) second, a (4) third:
    # b 10, c 5, a 2.
    dataset = DATASETS.build(dict(
        type='LongTailDataset', imbalance_factor=4, class_order='size',
        dataset=_folder(folders, 'unsorted')))
    assert dataset.metainfo['class_counts'] == [2, 10, 5]
    with pytest.raises(ValueError, match='class_order'):
        DATASETS.build(dict(type='LongTailDataset', imbalance_factor=4,
                            class_order='name',
                            dataset=_folder(folders, 'unsorted')))
