import math

import pytest
import torch
import torch.nn.functional as F

from diffult_plugin.models.utils import AGLU, APA, SqueezeExcitation, apa


def _set(module, lambda_, kappa):
    with torch.no_grad():
        module.lambda_.fill_(lambda_)
        module.kappa.fill_(kappa)
    return module


def test_apa_matches_the_formula_by_hand():
    # (0.5 * exp(-2 * 0.3) + 1) ** (-1 / 0.5)
    expected = (0.5 * math.exp(-0.6) + 1) ** -2
    value = apa(torch.tensor([0.3]), torch.tensor(0.5), torch.tensor(2.0))
    assert value.item() == pytest.approx(expected, rel=1e-6)
    aglu = _set(AGLU(), 0.5, 2.0)
    assert aglu(torch.tensor([0.3])).item() == pytest.approx(
        0.3 * expected, rel=1e-6)


def test_apa_special_cases_and_large_inputs():
    z = torch.linspace(-8, 8, 33)
    assert torch.allclose(_set(APA(), 1, 1)(z), torch.sigmoid(z), atol=1e-6)
    assert torch.allclose(_set(AGLU(), 1, 1)(z), F.silu(z), atol=1e-6)
    # lambda -> 0: the Gumbel CDF exp(-exp(-kappa z)).
    gumbel = apa(z, torch.tensor(1e-4), torch.tensor(1.0))
    assert torch.allclose(gumbel, torch.exp(-torch.exp(-z)), atol=1e-3)
    # No overflow where exp(-kappa z) alone would be inf.
    big = apa(torch.tensor([-1e4, 1e4]), torch.tensor(0.3), torch.tensor(5.))
    assert torch.isfinite(big).all() and big.tolist() == [0.0, 1.0]


def test_apa_parameters_learn_and_are_per_site():
    first, second = AGLU(), AGLU()
    assert 0 <= first.lambda_.item() <= 1
    assert 0.8 <= first.kappa.item() <= 1.2
    z = torch.randn(64, requires_grad=True)
    first(z).sum().backward()
    assert first.lambda_.grad is not None and first.kappa.grad.abs() > 0
    assert second.lambda_.grad is None
    with pytest.raises(ValueError, match='kappa_init'):
        APA(kappa_init=(1.0, -1.0))


def test_squeeze_excitation_with_an_apa_gate():
    torch.manual_seed(0)
    block = SqueezeExcitation(
        16, ratio=4, gate_cfg=dict(type='APA'), layer_norm=True,
        dropout=0.1).eval()
    x = torch.randn(2, 16, 8, 8)
    out = block(x)
    assert out.shape == x.shape
    # Per-channel scaling by the gate, which lies in (0, 1).
    scale = out.mean((2, 3)) / x.mean((2, 3))
    assert torch.allclose(out, x * scale[:, :, None, None], atol=1e-5)
    assert ((scale > 0) & (scale < 1)).all()
    with pytest.raises(ValueError, match='ratio'):
        SqueezeExcitation(16, ratio=5)
    # As in the official APA / AGLU SE block: no biases in the excitation.
    linears = [m for m in block.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 2 and all(m.bias is None for m in linears)
    assert sum(p.numel() for p in block.excitation.parameters()) == \
        2 * 16 * 4
