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
        from diffult_plugin.utils.safe_loading import check_checkpoint
        check_checkpoint(checkpoint, 'phi0 checkpoint')
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


#: Readings of DiffuLT's d_f (``feature_statistics(reading=...)``).
D_F_READINGS = ('radius', 'diameter', 'quantile')


def _threshold(features: torch.Tensor, distances: torch.Tensor, reading: str,
               quantile: float) -> float:
    """d_f of one group of real features, given their distances to their
    class means."""
    if reading == 'diameter':
        return max_pairwise_distance(features)
    if reading == 'radius':
        return float(distances.max())
    return float(torch.quantile(distances.double(), quantile))


def check_d_f_reading(reading: str, quantile: float,
                      owner: str = 'd_f_reading') -> None:
    """A clear error for an unknown reading or a quantile outside (0, 1]."""
    if reading not in D_F_READINGS:
        raise ValueError(f'{owner} must be one of {D_F_READINGS}, got '
                         f'{reading!r}.')
    if reading == 'quantile' and not 0.0 < quantile <= 1.0:
        raise ValueError(f'd_f_quantile must be in (0, 1], got {quantile}.')


def feature_statistics(features: torch.Tensor,
                       labels: torch.Tensor,
                       num_classes: int,
                       reading: str = 'radius',
                       quantile: float = 0.95) -> dict:
    """Class centres and the d_f thresholds of DiffuLT, Sec. 3.2.

    The centre f_o of a class is the mean of its real features. The paper
    defines d_f as "the maximum Euclidean distance between two real samples'
    features"; read literally (``reading='diameter'``) no real sample and
    almost no generated one can leave the ID band ``d <= d_f`` around the
    class mean, since every real sample lies within the diameter of its
    class's mean, and the paper's own split of generated samples (Table 2:
    40.7 / 50.1 / 9.2 % ID / AID / OOD) cannot come out. An independent
    re-implementation (the DBG code) uses the largest distance of a real
    sample from its class mean (``'radius'``); ``'quantile'`` takes the
    ``quantile`` of those distances (robust to one outlier). The paper does
    not say whether d_f is per class or global, so both are returned: the
    global value is the same statistic over all real samples (the
    distances to their own class means; all pairs for the diameter). A
    class with fewer than two samples takes the global value.

    The default reading is 'radius'. Measured on real CIFAR-10-LT IF100 with
    the CE phi0 of the CPU protocol v2 (benchmarks/filter_readings.py,
    2026-11-28; benchmarks/RESULTS.md, "the readings of d_f"), 1,800 real
    training images that the long-tail subsampling left out split
    97.9 / 2.1 / 0.0 % ID / AID / OOD under the radius, 100 / 0 / 0 under
    the diameter and 89.5 / 10.5 / 0 under the 0.95 quantile: the radius
    keeps real-looking samples, and its OOD band starts at twice the
    largest real distance from the mean, where the diameter's starts
    1.4-1.8 times further out (on the first CPU protocol's bank the
    diameter called all 4,464 generated candidates ID). On the 4,464
    generated candidates of the protocol v2 DiffuLT arm's bank (the tiny CPU
    generator; same phi0 and statistics; 2026-11-28) the split is
    58.8 / 38.7 / 2.5 % under the radius (its OOD: 11.9 % of class 9, the
    noisiest), 92.7 / 7.3 / 0 under the diameter, 32.6 / 60.7 / 6.6 under
    the 0.95 quantile and 24.9 / 65.3 / 9.8 under the 0.9 quantile (the
    paper's: 40.7 / 50.1 / 9.2). The radius is the reading that keeps
    real held-out images ID and still rejects generated ones.

    Args:
        features (Tensor): Real features (N, D).
        labels (Tensor): Their labels (N,).
        num_classes (int): Number of classes C.
        reading (str): 'radius', 'diameter' or 'quantile'.
        quantile (float): The quantile of the 'quantile' reading.

    Returns:
        dict: ``class_means`` (C, D), ``d_f_per_class`` (C,), ``d_f_global``
        (float), ``counts`` (C,).
    """
    check_d_f_reading(reading, quantile)
    features = features.float()
    labels = labels.long()
    dim = features.shape[1]
    means = torch.zeros(num_classes, dim)
    d_f = torch.zeros(num_classes)
    counts = torch.bincount(labels, minlength=num_classes)
    for c in range(num_classes):
        feats = features[labels == c]
        if len(feats):
            means[c] = feats.mean(0)
    distances = (features - means[labels]).norm(dim=1)
    d_global = _threshold(features, distances, reading, quantile)
    for c in range(num_classes):
        mask = labels == c
        d_f[c] = (_threshold(features[mask], distances[mask], reading,
                             quantile) if int(mask.sum()) > 1 else d_global)
    return dict(
        class_means=means,
        d_f_per_class=d_f,
        d_f_global=d_global,
        counts=counts)


@torch.no_grad()
def real_features(phi0: 'Phi0FeatureExtractor',
                  dataset,
                  batch_size: int = 256,
                  image_size: Optional[int] = None):
    """phi0 features and labels of a dataset's stored images.

    The one way the filter, L_AID and the generator-quality metric see real
    images: each sample's stored image, un-augmented, in RGB order
    (:func:`diffult_plugin.datasets.raw_images.raw_rgb_image`, whatever the
    dataset's pipeline and however its files decode), scaled to [-1, 1] as
    the generator's samples are. So all three compute identical statistics
    for the same dataset.

    Args:
        phi0 (Phi0FeatureExtractor): The feature extractor.
        dataset: Any dataset whose ``get_data_info`` holds ``gt_label`` and
            an image (``img``) or its file (``img_path``), or a wrapper
            that delegates it.
        batch_size (int): Images per forward pass.
        image_size (int, optional): Resize images of another size to
            ``image_size`` x ``image_size`` first (the generator's
            resolution). None: the stored size, which must be one size.

    Returns:
        tuple[Tensor, Tensor]: features (N, D) and labels (N,), on the CPU.
    """
    from diffult_plugin.datasets.raw_images import iter_raw_batches
    device = phi0.mean.device
    labels = torch.as_tensor([
        int(dataset.get_data_info(i)['gt_label'])
        for i in range(len(dataset))
    ], dtype=torch.long)
    feats = []
    # Full precision even inside a mixed-precision train step.
    with torch.autocast(device_type=device.type, enabled=False):
        for images, _ in iter_raw_batches(dataset, range(len(dataset)),
                                          batch_size, image_size):
            x = torch.from_numpy(images).permute(0, 3, 1, 2).float()
            feats.append(phi0(x.to(device) / 127.5 - 1).float().cpu())
    if not feats:
        return torch.zeros(0, 0), labels
    return torch.cat(feats), labels
