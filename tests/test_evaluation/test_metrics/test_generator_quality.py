import pytest
import torch
from mmpretrain.structures import DataSample

from diffult_plugin.evaluation.metrics import (Phi0GeneratorQuality,
                                               frechet_distance)
from tests.fixtures import make_phi0


def test_frechet_distance_by_hand():
    # Two point clouds with equal covariance: FD = squared mean distance.
    a = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    assert frechet_distance(a, a + torch.tensor([3.0, 4.0])) == \
        pytest.approx(25.0, abs=1e-6)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # Diagonal covariances s_a, s_b: sum (sqrt(s_a) - sqrt(s_b))^2.
    b = a * 3  # variances x9 -> (sqrt(v) - 3 sqrt(v))^2 = 4 v per axis
    var = float(torch.var(a[:, 0]))
    mean_shift = float(((a.mean(0) - b.mean(0))**2).sum())
    assert frechet_distance(a, b) == pytest.approx(
        mean_shift + 2 * 4 * var, rel=1e-6)


class _StoredImages:
    """Images stored as a dataset stores them (HWC uint8 RGB in ``img``)."""

    def __init__(self, images, labels):
        self.infos = [dict(img=img.permute(1, 2, 0).numpy(), gt_label=label)
                      for img, label in zip(images, labels)]

    def __len__(self):
        return len(self.infos)

    def get_data_info(self, index):
        return dict(self.infos[index])


def test_metric_scores_generated_images(tmp_path):
    config, checkpoint = make_phi0(str(tmp_path), num_classes=3)
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (12, 3, 32, 32), generator=g,
                           dtype=torch.uint8)
    labels = [i % 3 for i in range(12)]
    metric = Phi0GeneratorQuality(config, checkpoint,
                                  real_dataset=_StoredImages(images, labels))
    gen = [
        dict(gen_img=images[i], gt_label=torch.tensor([labels[i]]))
        for i in range(12)
    ]
    metric.process(None, gen)
    result = metric.evaluate(12)
    # Generating exactly the real images: FD 0, and the agreement is phi0's
    # own top-1 on them.
    assert result['gen/fd'] == pytest.approx(0.0, abs=1e-3)
    assert result['gen/fd_class_mean'] == pytest.approx(0.0, abs=1e-3)
    with torch.no_grad():
        _, logits = metric.phi0.features_and_logits(images.float() / 127.5
                                                    - 1)
    expected = 100.0 * float(
        (logits.argmax(1) == torch.tensor(labels)).float().mean())
    assert result['gen/phi0_agreement'] == pytest.approx(expected)
    assert 'gen/cas' not in result
    noise = [
        dict(gen_img=torch.full((3, 32, 32), 255, dtype=torch.uint8),
             gt_label=torch.tensor([i % 3])) for i in range(12)
    ]
    metric.process(None, noise)
    assert metric.evaluate(12)['gen/fd'] > 1.0
