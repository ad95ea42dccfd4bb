"""Meta-information next to the images: the spatio-temporal encoding by
hand, a CSV read with clear errors, masks for samples without a row."""
import math

import numpy as np
import pytest

from diffult_plugin.datasets import WithMetadata, spatiotemporal_meta
from tests.fixtures import make_image_folder


def test_spatiotemporal_encoding_by_hand():
    v = spatiotemporal_meta(0.0, 0.0, month=3, hour=6)
    assert np.allclose(v, [1, 0, 0, 1, 0, 1, 0], atol=1e-6)
    north = spatiotemporal_meta(90.0, 45.0)
    assert np.allclose(north[:3], [0, 0, 1], atol=1e-6)
    assert np.allclose(north[3:], 0)  # unknown month and hour
    east = spatiotemporal_meta(0.0, 90.0, month=12, hour=12)
    assert np.allclose(east, [0, 1, 0, 0, 1, 0, -1], atol=1e-6)


def _folder(tmp_path):
    return make_image_folder(str(tmp_path / 'img'), ('a', 'b'), (2, 1),
                             size=8)


def _dataset(root):
    return dict(type='CustomDataset', data_root=root, data_prefix='',
                pipeline=[])


def _csv(tmp_path, rows):
    path = tmp_path / 'meta.csv'
    path.write_text('image,lat,lon\n' + ''.join(f'{r}\n' for r in rows))
    return str(path)


def test_rows_by_relative_path_and_masks(tmp_path):
    root = _folder(tmp_path)
    meta = _csv(tmp_path, ['a/0000.jpg,10,20', 'a/0001.jpg,0,0'])
    data = WithMetadata(_dataset(root), meta, ['lat', 'lon'],
                        image_root=root, allow_missing=True)
    first = data.get_data_info(0)
    assert first['meta'].tolist() == [10.0, 20.0] and first['meta_mask'] == 1
    # b/0000.jpg has no row: zeros and a zero mask, never made-up values.
    last = data.get_data_info(2)
    assert last['meta'].tolist() == [0.0, 0.0] and last['meta_mask'] == 0
    spatial = WithMetadata(_dataset(root), meta, ['lat', 'lon'],
                           image_root=root, encoding='spatiotemporal',
                           allow_missing=True)
    assert spatial.get_data_info(1)['meta'].shape == (7, )


def test_bad_metadata_is_refused_naming_file_and_row(tmp_path):
    root = _folder(tmp_path)
    with pytest.raises(KeyError, match="no row for sample 'a/0001.jpg'"):
        WithMetadata(_dataset(root), _csv(tmp_path, ['a/0000.jpg,1,2']),
                     ['lat', 'lon'], image_root=root)
    with pytest.raises(ValueError, match='line 3: NaN'):
        WithMetadata(_dataset(root),
                     _csv(tmp_path, ['a/0000.jpg,1,2', 'a/0001.jpg,nan,2']),
                     ['lat', 'lon'], image_root=root, allow_missing=True)
    with pytest.raises(ValueError, match='line 2: a value'):
        WithMetadata(_dataset(root), _csv(tmp_path, ['a/0000.jpg,north,2']),
                     ['lat', 'lon'], image_root=root, allow_missing=True)
    with pytest.raises(ValueError, match=r"no column\(s\) \['alt'\]"):
        WithMetadata(_dataset(root), _csv(tmp_path, []), ['alt'],
                     image_root=root)
    with pytest.raises(FileNotFoundError, match='meta_file'):
        WithMetadata(_dataset(root), str(tmp_path / 'none.csv'), ['lat'])


def test_precomputed_embeddings_from_npz(tmp_path):
    root = _folder(tmp_path)
    path = str(tmp_path / 'text.npz')
    # a/0000.jpg: one embedding; a/0001.jpg, b/0000.jpg: two captions each.
    np.savez(path, keys=np.array(['a/0000.jpg', 'a/0001.jpg', 'b/0000.jpg']),
             vectors=np.array([[[1., 2.], [1., 2.]], [[0., 4.], [2., 0.]],
                               [[3., 3.], [5., 5.]]]))
    data = WithMetadata(_dataset(root), path, image_root=root,
                        multiple='mean')
    assert data.meta_dim == 2
    assert data.get_data_info(1)['meta'].tolist() == [1.0, 2.0]
    assert data.get_data_info(2)['meta'].tolist() == [4.0, 4.0]
    drawn = WithMetadata(_dataset(root), path, image_root=root)
    picks = {tuple(drawn.get_data_info(1)['meta']) for _ in range(40)}
    assert picks == {(0.0, 4.0), (2.0, 0.0)}  # one caption per read
    bad = str(tmp_path / 'bad.npz')
    np.savez(bad, keys=np.array(['a/0000.jpg']),
             vectors=np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="key 'a/0000.jpg'"):
        WithMetadata(_dataset(root), bad, image_root=root)
    np.savez(bad, names=np.array(['a/0000.jpg']))
    with pytest.raises(ValueError, match=r"no array\(s\) \['keys'"):
        WithMetadata(_dataset(root), bad, image_root=root)
    with pytest.raises(ValueError, match='columns'):
        WithMetadata(_dataset(root), _csv(tmp_path, []), image_root=root)
