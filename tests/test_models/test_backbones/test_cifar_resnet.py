import pytest
import torch
from mmpretrain.registry import MODELS

from diffult_plugin.models import CifarResNet


def _params(module):
    return sum(p.numel() for p in module.parameters())


def _expected_params(depth):
    # Stem conv + BN, then per block two 3x3 convs and two BNs (2 params per
    # channel); option A adds no parameters.
    n = (depth - 2) // 6
    total = 3 * 16 * 9 + 2 * 16
    in_ch = 16
    for out_ch in (16, 32, 64):
        for _ in range(n):
            total += 9 * in_ch * out_ch + 9 * out_ch * out_ch + 4 * out_ch
            in_ch = out_ch
    return total


# Rounded sizes from He et al. 2016, Table 6 (in millions).
@pytest.mark.parametrize('depth,paper_m', [(20, 0.27), (32, 0.46), (44, 0.66),
                                           (56, 0.85), (110, 1.7)])
def test_parameter_counts(depth, paper_m):
    count = _params(CifarResNet(depth=depth))
    assert count == _expected_params(depth)
    assert round(count / 1e6, 2 if depth < 110 else 1) == paper_m


def test_resnet32_with_head_is_about_046m():
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(type='CifarResNet', depth=32),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=100, in_channels=64)))
    assert 0.46e6 < _params(model) < 0.48e6


def test_output_shapes_and_out_indices():
    net = CifarResNet(depth=20, out_indices=(0, 1, 2))
    outs = net(torch.randn(2, 3, 32, 32))
    assert [tuple(o.shape) for o in outs] == [(2, 16, 32, 32), (2, 32, 16, 16),
                                              (2, 64, 8, 8)]


def test_projection_shortcut_adds_parameters():
    a, b = CifarResNet(depth=20), CifarResNet(depth=20, shortcut='B')
    # Two 1x1 projections (16->32, 32->64) with their BNs.
    assert _params(b) - _params(a) == 16 * 32 + 64 + 32 * 64 + 128
    assert b(torch.randn(1, 3, 32, 32))[0].shape == (1, 64, 8, 8)


def test_channels_last_gives_same_output():
    torch.manual_seed(0)
    plain = CifarResNet(depth=20)
    plain.init_weights()
    fast = CifarResNet(depth=20, channels_last=True)
    fast.load_state_dict(plain.state_dict())
    plain.eval()
    fast.eval()
    x = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(plain(x)[0], fast(x)[0], rtol=1e-4, atol=1e-4)


def test_frozen_stages():
    net = CifarResNet(depth=20, frozen_stages=1)
    net.train()
    assert not net.conv1.weight.requires_grad
    assert not any(p.requires_grad for p in net.stages[0].parameters())
    assert all(p.requires_grad for p in net.stages[1].parameters())
    assert not net.stages[0][0].bn1.training


def test_bad_settings():
    with pytest.raises(KeyError, match='invalid depth 18'):
        CifarResNet(depth=18)
    with pytest.raises(ValueError, match='shortcut'):
        CifarResNet(shortcut='C')
    with pytest.raises(ValueError, match='out_indices'):
        CifarResNet(out_indices=(3, ))


def test_aglu_se_resnet32_adds_only_the_activation_and_se_parameters():
    plain = CifarResNet(depth=32)
    se_cfg = dict(ratio=4, gate_cfg=dict(type='APA'), layer_norm=True,
                  dropout=0.1)
    model = CifarResNet(depth=32, act_cfg=dict(type='AGLU'), se_cfg=se_cfg)
    # 31 AGLU sites (stem + 2 per block) and 15 APA gates, 2 scalars each;
    # an SE block on c channels: LayerNorm 2c, c -> c/4 -> c linears
    # without biases (as the official APA / AGLU SE block).
    se = sum(5 * (2 * c + c * (c // 4) + (c // 4) * c)
             for c in (16, 32, 64))
    assert _params(model) == _params(plain) + 2 * (31 + 15) + se
    assert model(torch.randn(2, 3, 32, 32))[0].shape == (2, 64, 8, 8)
    # The default network's weights keep their names (ReLU has none), so
    # checkpoints of the plain ResNet still load.
    assert set(plain.state_dict()) == set(CifarResNet(depth=32).state_dict())
    activations = [m for m in model.modules() if type(m).__name__ == 'AGLU']
    assert len(activations) == 31
    assert len({id(m.lambda_) for m in activations}) == 31
