"""MetaFusionClsHead: metadata that separates classes the images do not;
masked or missing metadata falls back to the image alone."""
import pytest
import torch
from mmpretrain.structures import DataSample

from diffult_plugin.models.heads import MetaFusionClsHead


def _batch(n=120, classes=3, meta=True, mask=1.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % classes
    feats = torch.randn(n, 16, generator=g)  # images: no class information
    codes = torch.eye(classes)[labels] * 3 + 0.3 * torch.randn(
        n, classes, generator=g)  # metadata: one location per class
    samples = []
    for i in range(n):
        sample = DataSample().set_gt_label(int(labels[i]))
        if meta:
            sample.set_field(codes[i].numpy(), 'meta')
            sample.set_field(mask, 'meta_mask')
        samples.append(sample)
    return (feats, ), samples, labels


def _accuracy(head, feats, samples, labels):
    head.eval()
    with torch.no_grad():
        preds = head.predict(feats, samples)
    return float((torch.stack([p.pred_label for p in preds]).view(-1) ==
                  labels).float().mean())


@pytest.mark.parametrize('fusion', ['concat', 'film'])
def test_metadata_separates_what_images_do_not(fusion):
    torch.manual_seed(0)
    head = MetaFusionClsHead(num_classes=3, in_channels=16, meta_dim=3,
                             encoder=dict(width=16), fusion=fusion,
                             loss=dict(type='CrossEntropyLoss'))
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
    feats, samples, labels = _batch()
    for _ in range(150):
        head.train()
        loss = head.loss(feats, samples)['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    test_feats, test_samples, test_labels = _batch(seed=1)
    assert _accuracy(head, test_feats, test_samples, test_labels) > 0.95
    # Masked or absent metadata: the image alone, which carries nothing.
    for kwargs in (dict(mask=0.0), dict(meta=False)):
        feats_m, samples_m, labels_m = _batch(seed=1, **kwargs)
        assert _accuracy(head, feats_m, samples_m, labels_m) < 0.6


def test_a_zero_embedding_leaves_the_image_feature():
    head = MetaFusionClsHead(num_classes=3, in_channels=4, meta_dim=2,
                             fusion='film')
    image = torch.randn(5, 4)
    fused = head.fuse(image, torch.randn(5, 2), torch.zeros(5))
    assert torch.allclose(fused, image)
    concat = MetaFusionClsHead(num_classes=3, in_channels=4, meta_dim=2,
                               encoder=dict(width=6))
    fused = concat.fuse(image, torch.randn(5, 2), torch.zeros(5))
    assert torch.equal(fused[:, :4], image) and not fused[:, 4:].any()
    with pytest.raises(ValueError, match='fusion'):
        MetaFusionClsHead(num_classes=3, in_channels=4, meta_dim=2,
                          fusion='sum')
