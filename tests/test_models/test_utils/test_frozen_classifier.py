"""One set of phi0 statistics: the filter, L_AID and the generator-quality
metric read the same real images the same way."""
import mmcv
import numpy as np
import pytest
import torch
from mmpretrain.registry import DATASETS, MODELS, TRANSFORMS

import diffult_plugin  # noqa: F401
from diffult_plugin.evaluation.metrics.generator_quality import \
    Phi0GeneratorQuality
from diffult_plugin.models.utils.frozen_classifier import (Phi0FeatureExtractor,
                                                  real_features)
from tests.fixtures import TINY_UNET, make_image_folder, make_phi0


@pytest.fixture(scope='module')
def jpeg_dataset(tmp_path_factory):
    root = make_image_folder(str(tmp_path_factory.mktemp('images')),
                             per_class=(5, 3, 2))
    # An augmenting pipeline that decodes BGR: the statistics must not see
    # either (stored images, RGB order).
    return dict(type='CustomDataset', data_root=root, data_prefix='',
                pipeline=[dict(type='LoadImageFromFile'),
                          dict(type='RandomFlip', prob=1.0),
                          dict(type='PackInputs')])


@pytest.fixture(scope='module')
def phi0(tmp_path_factory):
    return make_phi0(str(tmp_path_factory.mktemp('phi0')), num_classes=3)


def test_real_features_read_stored_rgb_images(jpeg_dataset, phi0):
    dataset = DATASETS.build(jpeg_dataset)
    extractor = Phi0FeatureExtractor(*phi0)
    feats, labels = real_features(extractor, dataset, batch_size=4)
    assert labels.tolist() == [0] * 5 + [1] * 3 + [2] * 2
    path = dataset.get_data_info(6)['img_path']
    rgb = mmcv.imread(path, channel_order='rgb')
    x = torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 127.5 - 1
    with torch.no_grad():
        assert torch.allclose(feats[6], extractor(x)[0], atol=1e-5)


def test_filter_aid_and_metric_see_identical_statistics(jpeg_dataset, phi0):
    config, checkpoint = phi0
    dataset = DATASETS.build(jpeg_dataset)
    sample_filter = TRANSFORMS.build(dict(
        type='DiffuLTFilter', phi0_config=config, phi0_checkpoint=checkpoint))
    filter_stats = sample_filter.prepare(dataset=dataset)

    generator = MODELS.build(dict(
        type='DiffuLTDiffusion', num_classes=3, unet=TINY_UNET, image_size=8,
        num_train_timesteps=10, cbdm=None,
        aid=dict(phi0_config=config, phi0_checkpoint=checkpoint,
                 real_dataset=jpeg_dataset)))
    generator._prepare_aid()
    assert torch.allclose(generator.aid_d_f, filter_stats['d_f_per_class'])
    assert float(generator.aid_d_f_global) == pytest.approx(
        float(filter_stats['d_f_global']))

    metric = Phi0GeneratorQuality(config, checkpoint, jpeg_dataset)
    metric_feats, metric_labels = metric._real_features()
    filter_feats, filter_labels = real_features(sample_filter.phi0, dataset)
    assert torch.equal(metric_labels, filter_labels)
    assert torch.allclose(metric_feats, filter_feats)
    means = torch.stack([metric_feats[metric_labels == c].mean(0)
                         for c in range(3)])
    assert torch.allclose(means, filter_stats['class_means'], atol=1e-6)


def test_the_hook_hands_the_filter_d_f_to_l_aid():
    from mmpretrain.registry import HOOKS
    hook = HOOKS.build(dict(
        type='DiffuLTSynthesisHook', phi0_config='phi0.py',
        generator_config='g.py',
        filter=dict(type='DiffuLTFilter', d_f='global',
                    d_f_reading='quantile', d_f_quantile=0.9)))
    assert hook._aid_d_f_settings() == {
        'model.aid.d_f': 'global', 'model.aid.d_f_reading': 'quantile',
        'model.aid.d_f_quantile': 0.9}
    default = HOOKS.build(dict(type='DiffuLTSynthesisHook',
                               phi0_config='phi0.py', generator_config='g.py'))
    assert default._aid_d_f_settings() == {
        'model.aid.d_f': 'per_class', 'model.aid.d_f_reading': 'radius',
        'model.aid.d_f_quantile': 0.95}
