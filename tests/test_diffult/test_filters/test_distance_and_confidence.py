"""DiffuLTFilter (ID / AID / OOD by phi0 distance) and Phi0ConfidenceFilter."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import TRANSFORMS

import diffult_plugin  # noqa: F401
from tests.fixtures import make_phi0


@pytest.fixture(scope='module')
def phi0(tmp_path_factory):
    return make_phi0(str(tmp_path_factory.mktemp('phi0')), num_classes=3)


def _images(n, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (n, 32, 32, 3)).astype(
        np.uint8)


def test_categories_follow_the_paper_thresholds(phi0):
    config, checkpoint = phi0
    f = TRANSFORMS.build(
        dict(type='DiffuLTFilter', phi0_config=config,
             phi0_checkpoint=checkpoint))
    images = _images(6)
    labels = [0, 0, 1, 1, 2, 2]
    feats, _ = f.features_and_logits(images)
    # Per-class d_f = 1 and, per sample, a class mean placed at a known
    # distance from its feature: 0.5, 0.99 (ID), 1.5, 1.99 (AID), 2.5, 3 (OOD).
    direction = torch.randn(feats.shape[1])
    direction /= direction.norm()
    wanted = torch.tensor([0.5, 0.99, 1.5, 1.99, 2.5, 3.0])
    verdicts = []
    for i, label in enumerate(labels):
        means = torch.zeros(3, feats.shape[1])
        means[label] = feats[i] - wanted[i] * direction
        f.stats = dict(class_means=means, d_f_per_class=torch.ones(3),
                       d_f_global=torch.tensor(1.0))
        verdicts.append(f.score_batch(images[i:i + 1], [label]))
    assert [v['category'][0] for v in verdicts] == [
        'ID', 'ID', 'AID', 'AID', 'OOD', 'OOD'
    ]
    assert [bool(v['keep'][0]) for v in verdicts] == [True] * 4 + [False] * 2
    assert np.allclose([v['score'][0] for v in verdicts], wanted, atol=1e-4)

    # global d_f: the same distances against a global threshold of 2.
    g = TRANSFORMS.build(
        dict(type='DiffuLTFilter', phi0_config=config,
             phi0_checkpoint=checkpoint, d_f='global', keep=('ID', )))
    g.stats = dict(class_means=f.stats['class_means'],  # sample 5 at 3
                   d_f_per_class=torch.ones(3), d_f_global=torch.tensor(2.0))
    verdict = g.score_batch(images[5:6], [2])  # distance 3 -> AID at 2
    assert verdict['category'] == ['AID'] and not verdict['keep'][0]


def test_prepare_from_real_images_gives_means_and_d_f(phi0):
    config, checkpoint = phi0
    f = TRANSFORMS.build(dict(type='DiffuLTFilter', phi0_config=config,
                              phi0_checkpoint=checkpoint))
    images = _images(9, seed=1)
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    stats = f.prepare(images, labels)
    feats, _ = f.features_and_logits(images)
    assert torch.allclose(stats['class_means'][1], feats[3:6].mean(0),
                          atol=1e-5)
    # The default reading: the largest distance from the class mean.
    radius = (feats[6:9] - feats[6:9].mean(0)).norm(dim=1).max()
    assert torch.isclose(stats['d_f_per_class'][2], radius, atol=1e-4)
    diameter = TRANSFORMS.build(dict(
        type='DiffuLTFilter', phi0_config=config, phi0_checkpoint=checkpoint,
        d_f_reading='diameter')).prepare(images, labels)
    d01 = torch.cdist(feats[6:9], feats[6:9]).max()
    assert torch.isclose(diameter['d_f_per_class'][2], d01, atol=1e-4)


def test_the_default_filter_rejects_what_lies_beyond_twice_the_radius(phi0):
    """Real features on two known clusters; candidates at known distances
    from their class mean; the categories computed by hand."""
    config, checkpoint = phi0
    # class 0: four points at distance 1 from (0, 0); class 1: distances
    # 1, 1, 3, 3 from (10, 0). Radius d_f: 1 and 3; diameter d_f: 2 and 6.
    real = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0],
                         [11.0, 0.0], [9.0, 0.0], [10.0, 3.0], [10.0, -3.0]])
    real_labels = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    candidates = torch.tensor([[0.5, 0.0], [0.0, 1.5], [-2.5, 0.0],
                               [10.0, 2.0], [10.0, 5.0], [17.0, 0.0]])
    labels = torch.tensor([0, 0, 0, 1, 1, 1])  # distances .5 1.5 2.5 2 5 7
    expected = {
        'radius': ['ID', 'AID', 'OOD', 'ID', 'AID', 'OOD'],
        'diameter': ['ID', 'ID', 'AID', 'ID', 'ID', 'AID'],
    }
    from diffult_plugin.models.utils.frozen_classifier import feature_statistics
    for reading, categories in expected.items():
        cfg = dict(type='DiffuLTFilter', phi0_config=config,
                   phi0_checkpoint=checkpoint)
        if reading != 'radius':
            cfg['d_f_reading'] = reading
        f = TRANSFORMS.build(cfg)
        f.stats = feature_statistics(real, real_labels, 2, reading)
        scores, verdicts = f._judge(candidates, None, labels)
        assert np.allclose(scores, [0.5, 1.5, 2.5, 2.0, 5.0, 7.0])
        assert verdicts == categories, reading
    # Only the default reading rejects anything (keep = ID, AID).
    assert 'OOD' not in expected['diameter']


def test_pipeline_use_drops_rejected_synthetic_samples_only(phi0):
    config, checkpoint = phi0
    f = TRANSFORMS.build(dict(type='DiffuLTFilter', phi0_config=config,
                              phi0_checkpoint=checkpoint,
                              channel_order='bgr'))
    image = _images(1)[0]
    feats, _ = f.features_and_logits(image[None, ..., ::-1].copy())
    far = feats[0] + 10.0
    f.stats = dict(class_means=far[None].repeat(3, 1),
                   d_f_per_class=torch.ones(3), d_f_global=torch.tensor(1.))
    synthetic = dict(img=image, gt_label=1, is_synthetic=True)
    assert f(dict(synthetic)) is None  # OOD
    real = dict(img=image, gt_label=1)
    assert f(dict(real)) is not None  # real samples pass
    f.stats['class_means'] = feats[0][None].repeat(3, 1)
    kept = f(dict(synthetic))
    assert kept['filter_category'] == 'ID'
    assert kept['filter_score'] == pytest.approx(0.0, abs=1e-4)


def test_confidence_filter(phi0):
    config, checkpoint = phi0
    f = TRANSFORMS.build(dict(type='Phi0ConfidenceFilter', threshold=0.34,
                              phi0_config=config, phi0_checkpoint=checkpoint))
    images = _images(4, seed=2)
    _, logits = f.features_and_logits(images)
    prob = torch.softmax(logits, 1)
    labels = [0, 1, 2, 0]
    verdict = f.score_batch(images, labels)
    expected = prob[torch.arange(4), torch.tensor(labels)]
    assert np.allclose(verdict['score'], expected.numpy(), atol=1e-6)
    assert verdict['keep'].tolist() == (expected >= 0.34).tolist()
    assert f.lower_is_better is False


def test_bad_settings_name_the_option(phi0):
    with pytest.raises(ValueError, match='keep'):
        TRANSFORMS.build(dict(type='DiffuLTFilter', keep=('good', )))
    with pytest.raises(ValueError, match='d_f'):
        TRANSFORMS.build(dict(type='DiffuLTFilter', d_f='mean'))
    with pytest.raises(ValueError, match='d_f_reading'):
        TRANSFORMS.build(dict(type='DiffuLTFilter', d_f_reading='max'))
    with pytest.raises(ValueError, match='phi0_checkpoint'):
        TRANSFORMS.build(dict(type='DiffuLTFilter')).score_batch(
            _images(1), [0])
    config, checkpoint = phi0
    f = TRANSFORMS.build(dict(type='DiffuLTFilter', phi0_config=config,
                              phi0_checkpoint=checkpoint))
    with pytest.raises(ValueError, match='statistics'):
        f.score_batch(_images(1), [0])
