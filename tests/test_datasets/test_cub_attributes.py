"""CUB-200-2011 attributes as meta-information, read from the published
file layout (including its six-field lines)."""
import numpy as np
import pytest

from diffult_plugin.datasets import CUBAttributes


def _cub(root, attribute_lines):
    (root / 'images').mkdir()
    (root / 'attributes').mkdir()
    (root / 'images.txt').write_text(
        '1 001.Albatross/a.jpg\n2 001.Albatross/b.jpg\n3 002.Auklet/c.jpg\n')
    (root / 'image_class_labels.txt').write_text('1 1\n2 1\n3 2\n')
    (root / 'train_test_split.txt').write_text('1 1\n2 0\n3 1\n')
    (root / 'attributes' / 'image_attribute_labels.txt').write_text(
        ''.join(f'{line}\n' for line in attribute_lines))
    return str(root)


def test_attributes_by_image(tmp_path):
    root = _cub(tmp_path, [
        '1 1 1 3 27.7', '1 312 1 4 5.0', '2 5 1 2 3.0',
        '3 2 0 1 4.0', '3 3 1 2 0 11.5'  # a six-field line
    ])
    train = CUBAttributes(root, split='train')
    assert len(train) == 2  # images 1 and 3
    first, second = train.get_data_info(0), train.get_data_info(1)
    assert first['meta'].shape == (312, ) and first['meta_mask'] == 1.0
    assert np.flatnonzero(first['meta']).tolist() == [0, 311]
    assert np.flatnonzero(second['meta']).tolist() == [2]
    assert second['gt_label'] == 1
    test = CUBAttributes(root, split='test')
    assert np.flatnonzero(test.get_data_info(0)['meta']).tolist() == [4]


def test_bad_attribute_lines_are_named(tmp_path):
    root = _cub(tmp_path, ['1 1 1 3 27.7', '3 400 1 1 2.0'])
    with pytest.raises(ValueError, match='line 2: attribute 400'):
        CUBAttributes(root, split='train')


def test_an_image_without_attributes_is_named(tmp_path):
    root = _cub(tmp_path, ['1 1 1 3 27.7'])
    with pytest.raises(KeyError, match='no row for image 3'):
        CUBAttributes(root, split='train')
