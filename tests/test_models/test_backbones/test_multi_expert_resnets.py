"""RIDE and SHIKE multi-expert ResNets: parameter counts of the references,
output shapes, and the depth-wise knowledge fusion."""
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import diffult_plugin  # noqa: F401


def _classifier(backbone, head):
    return MODELS.build(
        dict(type='ImageClassifier', backbone=backbone,
             neck=dict(type='GlobalAveragePooling'), head=head))


def _params(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('experts,reduce,channels,millions', [
    (2, True, 48, 0.53),
    (3, True, 48, 0.78),
    (4, True, 48, 1.04),
    (3, False, 64, 1.36),
])
def test_ride_parameter_counts(experts, reduce, channels, millions):
    # lt_methods.md, RIDE: ResNet-32, 100 classes, reduced 2/3/4 experts
    # ~0.53 / 0.78 / 1.04 M, full width 3 experts ~1.36 M.
    model = _classifier(
        dict(type='RIDEResNet', num_experts=experts,
             reduce_dimension=reduce),
        dict(type='MultiExpertClsHead', num_classes=100,
             in_channels=channels, num_experts=experts))
    assert _params(model) / 1e6 == pytest.approx(millions, abs=0.006)


def test_shike_parameter_count_and_fusion():
    model = _classifier(
        dict(type='SHIKEResNet'),
        dict(type='MultiExpertClsHead', num_classes=100, in_channels=64,
             num_experts=3, loss=dict(type='SHIKELoss'), retrain_epoch=1,
             retrain_loss=dict(type='BalancedSoftmaxLoss')))
    assert _params(model) / 1e6 == pytest.approx(1.28, abs=0.006)
    backbone = model.backbone
    # Experts 0 and 2 fuse with stage 1 (two strided convs), expert 1 with
    # stage 2 (one).
    convs = [sum(isinstance(m, torch.nn.Conv2d) for m in f.modules())
             for f in backbone.fusions]
    assert convs == [2, 1, 2]
    feats = backbone(torch.randn(2, 3, 32, 32))
    assert [tuple(f.shape) for f in feats] == [(2, 64, 8, 8)] * 3
    # f_m = stage3_m(F_2) * h_m(F_s): a zero gate h_1 zeroes expert 1 only.
    gate_bn = backbone.fusions[1][1]
    torch.nn.init.zeros_(gate_bn.weight)
    torch.nn.init.zeros_(gate_bn.bias)
    with torch.no_grad():
        fused = backbone(torch.randn(2, 3, 32, 32))
    assert torch.count_nonzero(fused[1]) == 0
    assert torch.count_nonzero(fused[0]) > 0
    assert torch.count_nonzero(fused[2]) > 0


def test_shike_fusions_follow_the_official_relu_placement():
    """Official ShallowExpert: ReLU after the k-th strided conv iff k != 1,
    so the stage-2 gate (one conv) ends in a ReLU and the stage-1 gate (two
    convs) does not."""
    backbone = MODELS.build(dict(type='SHIKEResNet', depth=20))
    backbone.eval()
    torch.manual_seed(0)
    with torch.no_grad():
        x = torch.randn(4, 3, 32, 32)
        shallow1 = backbone.stage1(torch.relu(backbone.bn1(backbone.conv1(x))))
        shallow2 = backbone.stage2(shallow1)
        gate_stage2 = backbone.fusions[1](shallow2)
        gate_stage1 = backbone.fusions[0](shallow1)
    assert gate_stage2.min() >= 0 and (gate_stage2 == 0).any()
    assert gate_stage1.min() < 0
    relus = [[type(m).__name__ for m in f.modules()].count('ReLU')
             for f in backbone.fusions]
    assert relus == [1, 1, 1]


def test_ride_outputs_and_train_step():
    model = _classifier(
        dict(type='RIDEResNet', depth=20, num_experts=3),
        dict(type='MultiExpertClsHead', num_classes=10, in_channels=48,
             num_experts=3, class_counts=[50, 30, 20, 10, 8, 6, 5, 4, 3, 2],
             loss=dict(type='RIDELoss', class_counts=[
                 50, 30, 20, 10, 8, 6, 5, 4, 3, 2])))
    feats = model.backbone(torch.randn(4, 3, 32, 32))
    assert [tuple(f.shape) for f in feats] == [(4, 48, 8, 8)] * 3
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    optim = torch.optim.SGD(model.parameters(), lr=0.05)
    x = torch.randn(4, 3, 32, 32)
    before = float(model(x, samples, mode='loss')['loss'])
    for _ in range(5):
        loss = model(x, samples, mode='loss')['loss']
        optim.zero_grad()
        loss.backward()
        optim.step()
    assert float(model(x, samples, mode='loss')['loss']) < before
    predictions = model(x, samples, mode='predict')
    assert predictions[0].pred_score.shape == (10, )


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match='fusion_stages'):
        MODELS.build(dict(type='SHIKEResNet', fusion_stages=(0, 2, 0)))
    with pytest.raises(KeyError, match='depth'):
        MODELS.build(dict(type='RIDEResNet', depth=33))
    head = MODELS.build(
        dict(type='MultiExpertClsHead', num_classes=10, in_channels=48,
             num_experts=3))
    with pytest.raises(ValueError, match='3 expert'):
        head.pre_logits((torch.randn(2, 48), ))
