"""DeiT-LT: a ViT student distilled from a CNN teacher on strongly
augmented inputs."""
import os.path as osp
from typing import Optional, Union

import torch
import torch.nn.functional as F
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS


@MODELS.register_module()
class DeiTLTClassifier(ImageClassifier):
    """An image classifier whose head also learns from a frozen CNN teacher.

    `DeiT-LT: Distillation Strikes Back for Vision Transformer Training on
    Long-Tailed Datasets <https://arxiv.org/abs/2404.02900>`_ (Rangwani et
    al., CVPR 2024), Sec. 4: the teacher sees the student's own training
    batch after every augmentation (Mixup / CutMix included: the
    out-of-distribution images that make the distillation useful), resized to
    the teacher's resolution, and its predictions go to the head
    (``DeiTLTClsHead``) as ``teacher_logits``.

    The teacher (any mmpretrain classifier config and checkpoint, e.g. a
    ResNet-32 trained on the long-tailed set) is built on first use and kept
    out of the module tree: checkpoints hold the student only, and a test run
    needs no teacher.

    Args:
        teacher_config (str | dict): The teacher's mmpretrain config.
        teacher_checkpoint (str): The teacher's weights.
        teacher_size (int): Side of the teacher's input. Defaults to 32.
        mixup_off_epoch (int, optional): From this epoch on, batch
            augmentations are switched off (DeiT-LT's DRW phase trains
            without Mixup / CutMix); needs ``EpochStateHook``.
        **kwargs: ``ImageClassifier`` arguments.
    """

    def __init__(self,
                 teacher_config: Union[str, dict, None] = None,
                 teacher_checkpoint: Optional[str] = None,
                 teacher_size: int = 32,
                 mixup_off_epoch: Optional[int] = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.teacher_config = teacher_config
        self.teacher_checkpoint = teacher_checkpoint
        self.teacher_size = teacher_size
        self.mixup_off_epoch = mixup_off_epoch
        self._teacher = []  # a list keeps it out of the module tree

    @property
    def teacher(self):
        if not self._teacher:
            if self.teacher_config is None or self.teacher_checkpoint is None:
                raise ValueError(
                    'DeiTLTClassifier needs teacher_config and '
                    'teacher_checkpoint (a CNN trained on the same '
                    'long-tailed set) to train.')
            if not osp.isfile(self.teacher_checkpoint):
                raise FileNotFoundError(
                    f'DeiTLTClassifier.teacher_checkpoint '
                    f'{self.teacher_checkpoint!r} does not exist: train the '
                    'teacher config first or set model.teacher_checkpoint.')
            from diffult_plugin.models.utils.frozen_classifier import \
                Phi0FeatureExtractor
            num_classes = getattr(self.head, 'num_classes', None)
            self._teacher.append(
                Phi0FeatureExtractor(self.teacher_config,
                                     self.teacher_checkpoint, num_classes))
        return self._teacher[0]

    def set_epoch(self, epoch: int) -> None:
        """Called by ``EpochStateHook``: the DRW phase drops Mixup."""
        if self.mixup_off_epoch is not None and \
                epoch >= self.mixup_off_epoch:
            self.data_preprocessor.batch_augments = None

    @torch.no_grad()
    def teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """The teacher's logits of the (normalised) student inputs."""
        teacher = self.teacher.to(inputs.device)
        preprocessor = self.data_preprocessor
        images = inputs
        if getattr(preprocessor, '_enable_normalize', False):
            images = images * preprocessor.std + preprocessor.mean
        # The teacher takes [-1, 1] RGB and applies its own normalisation.
        images = images / 127.5 - 1
        if images.shape[-2:] != (self.teacher_size, self.teacher_size):
            images = F.interpolate(
                images, size=(self.teacher_size, self.teacher_size),
                mode='bilinear', align_corners=False, antialias=True)
        return teacher.features_and_logits(images)[1]

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        feats = self.extract_feat(inputs)
        return self.head.loss(
            feats, data_samples, teacher_logits=self.teacher_logits(inputs))
