"""MetaFG (MetaFormer's hybrid backbone): relative positions by hand, the
paper's parameter count, masked meta-information is invisible, and meta
tokens carry what the images do not."""
import pytest
import torch
from mmpretrain.structures import DataSample

from diffult_plugin.models.backbones import MetaFG
from diffult_plugin.models.classifiers import MetaImageClassifier
from diffult_plugin.models.utils.meta_token_attention import \
    relative_position_index

TINY = dict(stem_channels=8, conv_stages=((8, 1), (16, 1)),
            attn_stages=((16, 1), (16, 1)), num_heads=2)


def test_relative_position_index_by_hand():
    # A 2 x 2 grid after one extra token: a table of 3 * 3 + 1 rows, the
    # offset (dy, dx) at row (dy + 1) * 3 + (dx + 1), extra pairs row 9.
    index = relative_position_index(2, 2, num_extra=1)
    assert index.shape == (5, 5)
    assert (index[0] == 9).all() and (index[:, 0] == 9).all()
    patches = index[1:, 1:]
    # patch order (0,0) (0,1) (1,0) (1,1)
    assert patches[0, 0] == 4  # offset (0, 0)
    assert patches[0, 3] == 0  # (0,0) - (1,1) = (-1, -1)
    assert patches[3, 0] == 8  # (1, 1)
    assert patches[1, 2] == 2  # (0,1) - (1,0) = (-1, 1)
    assert patches.max() < 9


def test_meta_0_has_the_papers_parameter_count():
    # MetaFormer-0: 28 M parameters (paper Table 1 / code README), without
    # the meta heads and the classifier.
    model = MetaFG('meta-0', img_size=224, meta_dims=())
    count = sum(p.numel() for p in model.parameters())
    assert 27.5e6 < count < 28.5e6, count
    assert model.out_dim == 768


def test_a_masked_samples_feature_ignores_its_meta():
    torch.manual_seed(0)
    model = MetaFG(TINY, img_size=16, meta_dims=(3, 4), stem_stride=1).eval()
    images = torch.randn(3, 3, 16, 16)
    mask = torch.tensor([1.0, 0.0, 1.0])
    with torch.no_grad():
        first = model(images, torch.randn(3, 7), mask)[0]
        second = model(images, torch.randn(3, 7), mask)[0]
        absent = model(images)[0]
    assert torch.equal(first[1], second[1])
    assert torch.allclose(first[1], absent[1], atol=1e-6)
    assert not torch.allclose(first[0], second[0])
    assert first.shape == (3, 16)
    with pytest.raises(ValueError, match='meta_dims'):
        model(images, torch.randn(3, 5))


def test_meta_tokens_separate_what_images_do_not():
    torch.manual_seed(0)
    classifier = MetaImageClassifier(
        mask_prob=0.0, mask_schedule='constant',
        backbone=dict(type='MetaFG', arch=TINY, img_size=8, stem_stride=1,
                      meta_dims=(3, )),
        head=dict(type='LinearClsHead', num_classes=3, in_channels=16,
                  loss=dict(type='CrossEntropyLoss')))

    def batch(seed, with_meta=True):
        g = torch.Generator().manual_seed(seed)
        labels = torch.arange(60) % 3
        images = torch.randn(60, 3, 8, 8, generator=g)  # no class signal
        codes = torch.eye(3)[labels] * 2 + 0.2 * torch.randn(
            60, 3, generator=g)
        samples = []
        for label, code in zip(labels, codes):
            sample = DataSample().set_gt_label(int(label))
            if with_meta:
                sample.set_field(code.numpy(), 'meta')
                sample.set_field(1.0, 'meta_mask')
            samples.append(sample)
        return images, samples, labels

    def accuracy(images, samples, labels):
        classifier.eval()
        with torch.no_grad():
            preds = classifier.predict(images, samples)
        return float((torch.cat([p.pred_label for p in preds]) ==
                      labels).float().mean())

    optimizer = torch.optim.Adam(classifier.parameters(), lr=3e-3)
    for step in range(60):
        # Fresh noise images every step: only the metadata can be learnt.
        images, samples, labels = batch(100 + step)
        classifier.train()
        loss = classifier.loss(images, samples)['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert accuracy(*batch(1)) > 0.9
    # Without metadata only the images are left, which carry nothing.
    assert accuracy(*batch(1, with_meta=False)) < 0.6


def test_the_classifier_needs_a_meta_backbone():
    with pytest.raises(TypeError, match='MetaFusionClsHead'):
        MetaImageClassifier(
            backbone=dict(type='CifarResNet', depth=20),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=3, in_channels=64))
    with pytest.raises(ValueError, match='mask_schedule'):
        MetaImageClassifier(
            mask_schedule='cosine',
            backbone=dict(type='MetaFG', arch=TINY, img_size=8,
                          stem_stride=1),
            head=dict(type='LinearClsHead', num_classes=3, in_channels=16))
