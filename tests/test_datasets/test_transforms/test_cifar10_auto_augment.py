"""CIFAR10AutoAugment keeps the array format and applies the policy."""
import numpy as np
import torch
from mmpretrain.registry import TRANSFORMS

import diffult_plugin  # noqa: F401


def _image(seed=0):
    return np.random.RandomState(seed).randint(0, 256, (32, 32, 3),
                                               dtype=np.uint8)


def test_shape_dtype_and_change():
    transform = TRANSFORMS.build(dict(type='CIFAR10AutoAugment'))
    img = _image()
    changed = 0
    torch.manual_seed(0)
    for _ in range(20):
        out = transform(dict(img=img.copy()))['img']
        assert out.shape == img.shape and out.dtype == np.uint8
        changed += not np.array_equal(out, img)
    # Most of the 25 sub-policies alter the image.
    assert changed >= 10


def test_bgr_input_is_handled_as_rgb():
    rgb = _image(1)
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    on_rgb = TRANSFORMS.build(dict(type='CIFAR10AutoAugment'))
    on_bgr = TRANSFORMS.build(dict(type='CIFAR10AutoAugment', to_rgb=True))
    torch.manual_seed(5)
    a = on_rgb(dict(img=rgb.copy()))['img']
    torch.manual_seed(5)
    b = on_bgr(dict(img=bgr.copy()))['img']
    assert np.array_equal(a, b[..., ::-1])
