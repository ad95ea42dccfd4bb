"""Generator quality in phi0's feature space (no Inception weights needed)."""
from typing import Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import DATASETS, METRICS


def frechet_distance(feats_a: torch.Tensor, feats_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two feature sets.

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2)``
    (Heusel et al., NeurIPS 2017), computed in float64 with symmetric
    eigendecompositions, which stay stable for rank-deficient covariances.
    """
    a = feats_a.double()
    b = feats_b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a = torch.cov(a.T) if len(a) > 1 else torch.zeros(a.shape[1],
                                                          a.shape[1]).double()
    cov_b = torch.cov(b.T) if len(b) > 1 else torch.zeros(b.shape[1],
                                                          b.shape[1]).double()
    vals, vecs = torch.linalg.eigh(cov_a)
    sqrt_a = vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T
    middle = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = middle.clamp(min=0).sqrt().sum()
    value = ((mu_a - mu_b)**2).sum() + torch.trace(cov_a) + torch.trace(
        cov_b) - 2 * trace_sqrt
    return float(value.clamp(min=0))


@METRICS.register_module()
class Phi0GeneratorQuality(BaseMetric):
    """phi0-FD of generated samples and phi0's agreement with their labels.

    Inception weights cannot be assumed (no download), so quality is measured
    with phi0, the long-tail CE classifier of DiffuLT: the Frechet distance
    between real and generated phi0 features, overall (``fd``) and averaged
    over classes (``fd_class_mean``), and phi0's top-1 agreement with the
    conditioning labels of the generated images (``phi0_agreement``, %).
    The agreement is not the classification accuracy score of Ravuri and
    Vinyals (a classifier trained on generated images only, tested on real
    test images: ``benchmarks/bank_cas.py``), and phi0 is head-biased (near
    0 % on the smallest classes of CIFAR-10-LT), so it barely judges the
    classes that receive synthetic samples. Real features are phi0's
    features of the stored real images (:func:`real_features`, the same as
    the filter's and L_AID's), computed once.

    Expects data samples with ``gen_img`` (uint8 RGB, C x H x W), as
    ``DiffuLTDiffusion.predict`` returns.

    Args:
        phi0_config (str): Config of the phi0 classifier.
        phi0_checkpoint (str): Its checkpoint.
        real_dataset (dict): The real (long-tailed) training set (its stored
            images are read, un-augmented, in RGB order).
        real_to_rgb (bool): Ignored: real images are always read in RGB
            order. Kept so that older configs load.
        image_size (int, optional): Side to which real images of another
            size are resized (the generator's resolution). None keeps their
            stored size.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Defaults to 'gen'.
    """
    default_prefix = 'gen'

    def __init__(self,
                 phi0_config: str,
                 phi0_checkpoint: str,
                 real_dataset: dict,
                 real_to_rgb: bool = False,
                 image_size: Optional[int] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        from diffult_plugin.models.utils.frozen_classifier import Phi0FeatureExtractor
        self.phi0 = Phi0FeatureExtractor(phi0_config, phi0_checkpoint)
        self.real_dataset = real_dataset
        self.real_to_rgb = real_to_rgb
        self.image_size = image_size
        self._real = None

    def _real_features(self):
        if self._real is None:
            from diffult_plugin.models.utils.frozen_classifier import real_features
            dataset = DATASETS.build(self.real_dataset) if isinstance(
                self.real_dataset, dict) else self.real_dataset
            self._real = real_features(self.phi0, dataset,
                                       image_size=self.image_size)
        return self._real

    @torch.no_grad()
    def process(self, data_batch, data_samples: Sequence[dict]):
        images = torch.stack([s['gen_img'] for s in data_samples]).float()
        labels = [int(s['gt_label'].reshape(-1)[0]) for s in data_samples]
        feats, logits = self.phi0.features_and_logits(images / 127.5 - 1)
        for feat, logit, label in zip(feats, logits, labels):
            self.results.append((feat, int(logit.argmax()), label))

    def compute_metrics(self, results: list) -> dict:
        gen_feats = torch.stack([r[0] for r in results])
        preds = torch.tensor([r[1] for r in results])
        labels = torch.tensor([r[2] for r in results])
        real_feats, real_labels = self._real_features()
        per_class = []
        for c in labels.unique().tolist():
            real_c = real_feats[real_labels == c]
            if len(real_c):
                per_class.append(
                    frechet_distance(real_c, gen_feats[labels == c]))
        return dict(
            fd=frechet_distance(real_feats, gen_feats),
            fd_class_mean=float(sum(per_class) / max(len(per_class), 1)),
            phi0_agreement=100.0 * float((preds == labels).float().mean()))
