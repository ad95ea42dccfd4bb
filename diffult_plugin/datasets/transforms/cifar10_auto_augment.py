"""AutoAugment's CIFAR-10 policy as an mmpretrain transform."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS
from PIL import Image
from torchvision.transforms import AutoAugment, AutoAugmentPolicy


@TRANSFORMS.register_module()
class CIFAR10AutoAugment(BaseTransform):
    """The learned CIFAR-10 AutoAugment policy (`Cubuk et al., CVPR 2019
    <https://arxiv.org/abs/1805.09501>`_), through torchvision.

    Long-tail recipes (SHIKE, PaCo, BALMS, MDCS) train with this policy
    ("CIFAR10Policy"); mmpretrain's ``AutoAugment`` only ships the ImageNet
    one. Works on the HWC uint8 ``results['img']`` in place; the colour
    operations assume RGB channel order, so ``to_rgb=True`` converts a BGR
    image (``LoadImageFromFile``) around the policy.

    Args:
        to_rgb (bool): The image is BGR; flip channels around the policy.
            Defaults to False (mmpretrain's in-memory CIFAR is RGB).
    """

    def __init__(self, to_rgb: bool = False):
        self.to_rgb = to_rgb
        self.policy = AutoAugment(AutoAugmentPolicy.CIFAR10)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if self.to_rgb:
            img = img[..., ::-1]
        out = np.asarray(self.policy(Image.fromarray(np.ascontiguousarray(
            img))))
        results['img'] = np.ascontiguousarray(
            out[..., ::-1] if self.to_rgb else out)
        return results

    def __repr__(self):
        return f'{type(self).__name__}(to_rgb={self.to_rgb})'
