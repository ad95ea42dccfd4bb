"""WeightedLinearClsHead: omega-weighted CE against hand-computed values."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

import diffult_plugin  # noqa: F401
from tests.fixtures import data_samples


def _head(**kwargs):
    head = MODELS.build(
        dict(type='WeightedLinearClsHead', num_classes=2, in_channels=2,
             **kwargs))
    with torch.no_grad():
        head.fc.weight.copy_(torch.eye(2))
        head.fc.bias.zero_()
    return head


def _ce(logits, label):
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


def test_weighted_loss_by_hand():
    feats = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    labels = [0, 0, 1]
    weights = [1.0, 0.3, 0.3]
    losses = [_ce(f.tolist(), y) for f, y in zip(feats, labels)]
    batch = sum(w * l for w, l in zip(weights, losses)) / 3
    weight_sum = sum(w * l for w, l in zip(weights, losses)) / sum(weights)

    got = _head().loss((feats, ), data_samples(labels, weights))['loss']
    assert float(got) == pytest.approx(batch, rel=1e-6)
    got = _head(sample_weight_norm='weight_sum').loss(
        (feats, ), data_samples(labels, weights))['loss']
    assert float(got) == pytest.approx(weight_sum, rel=1e-6)
    # No weights anywhere: plain mean CE.
    got = _head().loss((feats, ), data_samples(labels))['loss']
    assert float(got) == pytest.approx(sum(losses) / 3, rel=1e-6)
    # Only some samples weighted: the others count 1.
    mixed = data_samples(labels)
    mixed[2].set_metainfo(dict(sample_weight=0.3))
    got = _head().loss((feats, ), mixed)['loss']
    assert float(got) == pytest.approx(
        (losses[0] + losses[1] + 0.3 * losses[2]) / 3, rel=1e-6)


def test_unknown_normalisation_is_refused():
    with pytest.raises(ValueError, match='normalisation'):
        _head(sample_weight_norm='sum')
