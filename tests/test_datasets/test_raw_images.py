"""Raw images of a dataset: one size for phi0, resized to the generator's."""
import numpy as np
import pytest

from diffult_plugin.datasets.raw_images import iter_raw_batches


class _Images:

    def __init__(self, shapes):
        rng = np.random.RandomState(0)
        self.images = [rng.randint(0, 255, s).astype(np.uint8) for s in shapes]

    def get_data_info(self, i):
        return dict(img=self.images[i], gt_label=0)


def test_mixed_sizes_need_an_image_size():
    data = _Images([(32, 32, 3), (40, 36, 3)])
    with pytest.raises(ValueError, match='image_size'):
        list(iter_raw_batches(data, [0, 1]))


def test_images_are_resized_to_the_given_size_only_where_they_differ():
    data = _Images([(32, 32, 3), (40, 36, 3), (8, 8, 3)])
    [(images, positions)] = list(iter_raw_batches(data, [0, 1, 2], size=32))
    assert images.shape == (3, 32, 32, 3)
    assert positions.tolist() == [0, 1, 2]
    # An image already at the size is passed through untouched.
    np.testing.assert_array_equal(images[0], data.images[0])
    # A constant image stays constant when resized.
    data.images[2][:] = 77
    [(images, _)] = list(iter_raw_batches(data, [2], size=32))
    assert (images == 77).all()
