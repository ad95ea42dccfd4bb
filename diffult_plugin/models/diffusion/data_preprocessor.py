"""Batches images for the diffusion model: uint8 -> float in [-1, 1]."""
from typing import List, Optional

import torch
from mmengine.model import BaseDataPreprocessor
from mmpretrain.registry import MODELS


@MODELS.register_module()
class DiffusionDataPreprocessor(BaseDataPreprocessor):
    """Stack uint8 images, scale them to [-1, 1] and gather the labels.

    Batches without images (a label-only validation set that asks the model
    to generate) pass the labels only.

    Args:
        to_rgb (bool): Flip BGR inputs (images decoded by OpenCV) to RGB, so
            the model always works on RGB. Defaults to False.
        channels_last (bool): Return images in NHWC memory layout.
            Defaults to False.
    """

    def __init__(self, to_rgb: bool = False, channels_last: bool = False):
        super().__init__()
        self.to_rgb = to_rgb
        self.channels_last = channels_last

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data.get('inputs')
        samples: Optional[List] = data.get('data_samples')
        images = None
        if inputs is not None and len(inputs) and inputs[0].numel():
            images = torch.stack(list(inputs)).float() if isinstance(
                inputs, (list, tuple)) else inputs.float()
            if self.to_rgb and images.shape[1] == 3:
                images = images.flip(1)
            images = images / 127.5 - 1
            if self.channels_last:
                images = images.contiguous(memory_format=torch.channels_last)
        labels = None
        if samples:
            labels = torch.cat([s.gt_label.reshape(-1)[:1] for s in samples
                                ]).to(self.device)
        return dict(inputs=images, data_samples=samples, labels=labels)


def build_diffusion_preprocessor(cfg=None):
    """The data preprocessor of a diffusion-side model (generator,
    autoencoder): ``DiffusionDataPreprocessor`` by default, a config built
    from mmpretrain's registry (mmengine's ``BaseModel`` would look in its
    own), or a module as it is."""
    if cfg is None:
        cfg = dict(type='DiffusionDataPreprocessor')
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg
