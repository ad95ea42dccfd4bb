"""iNaturalist from its official JSON files: place and date encoded by hand,
missing parts zeroed, nothing at all masked, training counts for val."""
import json
import math

import numpy as np
import pytest

from diffult_plugin.datasets import INaturalistMeta, observation_meta
from diffult_plugin.datasets.inaturalist_meta import parse_month_hour


def _write(path, data):
    path.write_text(json.dumps(data))


def _release_2018(root):
    categories = [dict(id=0, name='0'), dict(id=1, name='1')]
    train = dict(
        images=[dict(id=i, file_name=f'train_val2018/{i}.jpg')
                for i in range(4)],
        annotations=[dict(image_id=i, category_id=int(i == 3))
                     for i in range(4)],
        categories=categories)
    val = dict(images=[dict(id=10, file_name='train_val2018/10.jpg'),
                       dict(id=11, file_name='train_val2018/11.jpg')],
               annotations=[dict(image_id=10, category_id=1),
                            dict(image_id=11, category_id=0)],
               categories=categories)
    _write(root / 'train2018.json', train)
    _write(root / 'val2018.json', val)
    _write(root / 'train2018_locations.json', [
        dict(id=0, lat=0.0, lon=90.0, date='2017-03-01 06:00:00'),
        dict(id=1, lat=None, lon=None, date='2017-12-05 12:30:00'),
        dict(id=2, lat=None, lon=None, date=None),
        dict(id=3, lat=90.0, lon=0.0, date='not a date'),
    ])
    _write(root / 'val2018_locations.json', [
        dict(id=10, lat=0.0, lon=0.0, date='2017-06-01'),
        dict(id=11, lat=0.0, lon=0.0, date=None)])


def test_dates_parsed_as_published():
    assert parse_month_hour('2017-05-23 21:43:00') == (5, 21)
    assert parse_month_hour('2013-05-12') == (5, None)
    assert parse_month_hour('2017-05-23 21:43:00', with_hour=False) == (5,
                                                                          None)
    assert parse_month_hour('') == (None, None)
    assert parse_month_hour('May 2017') == (None, None)


def test_observations_by_hand(tmp_path):
    _release_2018(tmp_path)
    data = INaturalistMeta(str(tmp_path), version='2018', split='train')
    assert len(data) == 4
    infos = [data.get_data_info(i) for i in range(4)]
    # lat 0, lon 90 -> (0, 1, 0); March -> sin, cos of 2 pi 3/12 = (1, 0);
    # 6 h -> (1, 0).
    assert np.allclose(infos[0]['meta'], [0, 1, 0, 1, 0, 1, 0], atol=1e-6)
    assert infos[0]['meta_mask'] == 1.0
    # No place: spatial zeros; December 12:30 -> (0, 1), (0, -1).
    assert np.allclose(infos[1]['meta'], [0, 0, 0, 0, 1, 0, -1], atol=1e-6)
    assert infos[1]['meta_mask'] == 1.0
    # Neither place nor date: masked, all zeros.
    assert infos[2]['meta_mask'] == 0.0 and not infos[2]['meta'].any()
    # North pole, no usable date: temporal zeros.
    assert np.allclose(infos[3]['meta'], [0, 0, 1, 0, 0, 0, 0], atol=1e-6)
    assert infos[3]['img_path'].endswith('train_val2018/3.jpg')
    assert [i['gt_label'] for i in infos] == [0, 0, 0, 1]
    assert data.metainfo['class_counts'] == [3, 1]


def test_val_split_gets_training_counts(tmp_path):
    _release_2018(tmp_path)
    val = INaturalistMeta(str(tmp_path), version='2018', split='val')
    assert val.metainfo['class_counts'] == [1, 1]
    assert val.metainfo['train_class_counts'] == [3, 1]
    june = val.get_data_info(0)['meta']
    assert np.allclose(june[3:5], [math.sin(math.pi), math.cos(math.pi)],
                       atol=1e-6)
    assert np.allclose(june[5:], 0)  # no hour in the date


def test_2021_reads_place_from_the_image_list(tmp_path):
    categories = [dict(id=5, name='b'), dict(id=2, name='a')]
    _write(tmp_path / 'train.json', dict(
        images=[dict(id=1, file_name='train/x.jpg', latitude=0.0,
                     longitude=180.0, date='2019-09-01 18:00:00')],
        annotations=[dict(image_id=1, category_id=5)],
        categories=categories))
    data = INaturalistMeta(str(tmp_path), version='2021', split='train')
    info = data.get_data_info(0)
    # Categories in ascending id: 2 -> 0 ('a'), 5 -> 1 ('b').
    assert info['gt_label'] == 1 and data.metainfo['classes'] == ('a', 'b')
    assert np.allclose(info['meta'], observation_meta(0.0, 180.0,
                                                      '2019-09-01 18:00')[0])
    assert np.allclose(info['meta'][:3], [-1, 0, 0], atol=1e-6)


def test_missing_files_and_bad_settings_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='train2018.json'):
        INaturalistMeta(str(tmp_path), version='2018')
    with pytest.raises(ValueError, match='version'):
        INaturalistMeta(str(tmp_path), version='2019')
    _release_2018(tmp_path)
    (tmp_path / 'train2018_locations.json').unlink()
    with pytest.raises(FileNotFoundError, match='location file'):
        INaturalistMeta(str(tmp_path), version='2018')
