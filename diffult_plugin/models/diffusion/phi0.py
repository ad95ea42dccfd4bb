"""phi0: the plain-CE long-tail classifier used as a feature space by DiffuLT.

DiffuLT (Shao et al., NeurIPS 2024, https://arxiv.org/abs/2403.05170),
Sec. 3.2: a classifier trained with CE on the long-tailed set only; its
penultimate features measure how far generated samples are from their class.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.runner import load_checkpoint
from mmpretrain.registry import MODELS


class Phi0FeatureExtractor(nn.Module):
    """A frozen classifier (mmpretrain config + checkpoint) on [-1, 1] images.

    Inputs are RGB images scaled to [-1, 1], as the diffusion model produces;
    they are mapped to the classifier's own normalisation. Gradients flow to
    the input (L_AID trains the generator through phi0), never to phi0.

    Args:
        config (str | Config | dict): The classifier's mmpretrain config (a
            file, or a config holding ``model`` and ``data_preprocessor``).
        checkpoint (str): The classifier checkpoint.
        num_classes (int, optional): Classes of the dataset phi0 is used on;
            a mismatch with the checkpoint's head is an error.
    """

    def __init__(self,
                 config,
                 checkpoint: str,
                 num_classes: Optional[int] = None):
        super().__init__()
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        model_cfg = dict(cfg['model'])
        # As mmengine's Runner does: the top-level preprocessor feeds the model.
        if cfg.get('data_preprocessor') is not None:
            model_cfg.setdefault('data_preprocessor',
                                 dict(cfg['data_preprocessor']))
        self.classifier = MODELS.build(model_cfg)
        load_checkpoint(
            self.classifier, checkpoint, map_location='cpu', strict=True,
            logger='silent')
        head_classes = getattr(self.classifier.head, 'num_classes', None)
        if num_classes is not None and head_classes is not None and \
                head_classes != num_classes:
            raise ValueError(
                f'phi0 checkpoint {checkpoint} classifies {head_classes} '
                f'classes but the dataset has {num_classes}: use the phi0 '
                'trained on this dataset (its CE config).')
        self.num_classes = head_classes
        self.classifier.eval()
        for param in self.classifier.parameters():
            param.requires_grad_(False)
        preprocessor = self.classifier.data_preprocessor
        mean = getattr(preprocessor, 'mean', None)
        std = getattr(preprocessor, 'std', None)
        self.register_buffer(
            'mean', (mean if mean is not None else torch.zeros(3, 1, 1)).
            reshape(1, -1, 1, 1).clone(), persistent=False)
        self.register_buffer(
            'std', (std if std is not None else torch.ones(3, 1, 1)).reshape(
                1, -1, 1, 1).clone(), persistent=False)

    def train(self, mode: bool = True):
        # phi0 stays in eval mode (BN statistics frozen).
        super().train(mode)
        self.classifier.eval()
        return self

    def _normalise(self, images: torch.Tensor) -> torch.Tensor:
        return ((images + 1) * 127.5 - self.mean) / self.std

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Penultimate features (after the neck) of [-1, 1] RGB images."""
        return self.classifier.extract_feat(self._normalise(images))[-1]

    def features_and_logits(
            self, images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        feats = self.classifier.extract_feat(self._normalise(images))
        return feats[-1], self.classifier.head(feats)


def max_pairwise_distance(features: torch.Tensor,
                          chunk: int = 2048) -> float:
    """Largest Euclidean distance between two rows, in memory-bounded chunks."""
    best = 0.0
    for start in range(0, len(features), chunk):
        block = torch.cdist(features[start:start + chunk], features)
        best = max(best, float(block.max()))
    return best


def feature_statistics(features: torch.Tensor, labels: torch.Tensor,
                       num_classes: int) -> dict:
    """Class centres and the d_f thresholds of DiffuLT, Sec. 3.2.

    "the center f_o of a class's features [is] the average of the real data
    in feature space, and [d_f is] the maximum Euclidean distance between two
    real samples' features". The paper does not say whether d_f is per class
    or global, so both are returned; a class with fewer than two samples
    takes the global value.

    Returns:
        dict: ``class_means`` (C, D), ``d_f_per_class`` (C,), ``d_f_global``
        (float), ``counts`` (C,).
    """
    features = features.float()
    labels = labels.long()
    dim = features.shape[1]
    means = torch.zeros(num_classes, dim)
    d_f = torch.zeros(num_classes)
    counts = torch.bincount(labels, minlength=num_classes)
    d_global = max_pairwise_distance(features)
    for c in range(num_classes):
        feats = features[labels == c]
        if len(feats):
            means[c] = feats.mean(0)
        d_f[c] = max_pairwise_distance(feats) if len(feats) > 1 else d_global
    return dict(
        class_means=means,
        d_f_per_class=d_f,
        d_f_global=d_global,
        counts=counts)


@torch.no_grad()
def extract_dataset_features(phi0: Phi0FeatureExtractor,
                             dataset,
                             to_rgb: bool = False,
                             batch_size: int = 256):
    """phi0 features and labels of every sample of a packed dataset.

    Args:
        phi0 (Phi0FeatureExtractor): The feature extractor.
        dataset: A dataset whose items are ``dict(inputs=uint8 CHW,
            data_samples=DataSample)`` (any mmpretrain dataset with a
            ``PackInputs`` pipeline; use one without random augmentation).
        to_rgb (bool): The dataset yields BGR images (decoded by OpenCV).
        batch_size (int): Images per forward pass.

    Returns:
        tuple[Tensor, Tensor]: features (N, D) and labels (N,), on the CPU.
    """
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import DataLoader
    device = phi0.mean.device
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=False,
        collate_fn=pseudo_collate)
    feats, labels = [], []
    for batch in loader:
        images = torch.stack(batch['inputs']).float().to(device)
        if to_rgb:
            images = images.flip(1)
        feats.append(phi0(images / 127.5 - 1).cpu())
        labels.append(
            torch.cat([s.gt_label.reshape(-1)[:1]
                       for s in batch['data_samples']]))
    return torch.cat(feats), torch.cat(labels)
