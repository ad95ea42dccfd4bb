"""Un-augmented RGB images of a dataset, whatever its pipeline does."""
from typing import Iterator, Optional, Sequence, Tuple

import mmcv
import numpy as np


def raw_rgb_image(dataset, index: int) -> np.ndarray:
    """The stored image of sample ``index`` as uint8 RGB (H, W, 3).

    Works on datasets whose ``get_data_info`` holds the decoded image
    (``img``, RGB: the CIFAR datasets) or a file (``img_path``, read here
    in RGB order: ``CustomDataset``, ImageNet-LT ...), and on wrappers that
    delegate ``get_data_info`` (LongTailDataset, DiffuLTDataset).
    """
    return rgb_image_of_info(dataset.get_data_info(index))


def rgb_image_of_info(info: dict) -> np.ndarray:
    """The uint8 RGB image a data info holds (``img``) or names
    (``img_path``)."""
    if info.get('img') is not None:
        image = np.asarray(info['img'])
    elif info.get('img_path'):
        image = mmcv.imread(info['img_path'], channel_order='rgb')
        if image is None:
            raise FileNotFoundError(f'cannot read image {info["img_path"]}')
    else:
        raise ValueError("a data info without 'img' or 'img_path': cannot "
                         'read its raw image.')
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return np.ascontiguousarray(image, dtype=np.uint8)


def iter_raw_batches(dataset,
                     indices: Sequence[int],
                     batch_size: int = 256,
                     size: Optional[int] = None
                     ) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """(images (B, H, W, 3) uint8 RGB, positions) batches of ``indices``.

    Args:
        size (int, optional): Resize every image that is not ``size`` x
            ``size`` to it (bilinear): the generator's resolution, so real
            images of any size are seen as its samples are. None keeps the
            stored size, which must then be the same for every image.
    """
    indices = list(indices)
    for start in range(0, len(indices), batch_size):
        chunk = indices[start:start + batch_size]
        images = [raw_rgb_image(dataset, i) for i in chunk]
        if size is not None:
            images = [
                image if image.shape[:2] == (size, size) else mmcv.imresize(
                    image, (size, size), interpolation='bilinear')
                for image in images
            ]
        shapes = sorted({image.shape for image in images})
        if len(shapes) > 1:
            raise ValueError(
                f'real images of different sizes ({shapes[0][:2]} and '
                f'{shapes[-1][:2]}) cannot be compared with generated '
                "ones: set the filter's / metric's `image_size` to the "
                "generator's resolution (DiffuLTPipeline sets it when the "
                'stages follow the classifier data, stage_data='
                "'classifier').")
        yield np.stack(images), np.asarray(chunk)
