import pytest
import torch

from diffult_plugin.models.diffusion import (aid_distance, aid_loss,
                                             cbdm_loss, ddpm_loss)


def test_ddpm_loss_is_elementwise_mse():
    eps = torch.tensor([[[[1.0, 2.0]]]])
    pred = torch.tensor([[[[0.0, 4.0]]]])
    assert torch.isclose(ddpm_loss(pred, eps), torch.tensor(2.5))  # (1+4)/2


def test_cbdm_loss_by_hand():
    # Two samples, one element each; T = 10, t = (5, 10) -> w = (0.5, 1.0).
    eps_y = torch.tensor([1.0, 2.0]).view(2, 1, 1, 1)
    eps_other = torch.tensor([0.0, 4.0]).view(2, 1, 1, 1)
    t = torch.tensor([5, 10])
    # reg = mean(0.5*1, 1.0*4) = 2.25; com = same squares = 2.25
    # total = 2.25 + 0.25 * 2.25 = 2.8125
    value = cbdm_loss(eps_y, eps_other, t, 10, tau=1.0, gamma=0.25)
    assert torch.isclose(value, torch.tensor(2.8125))
    # tau scales it linearly
    assert torch.isclose(
        cbdm_loss(eps_y, eps_other, t, 10, tau=2.0), torch.tensor(5.625))


def test_cbdm_stop_gradients():
    eps_y = torch.tensor([1.0]).view(1, 1, 1, 1).requires_grad_()
    eps_other = torch.tensor([3.0]).view(1, 1, 1, 1).requires_grad_()
    cbdm_loss(eps_y, eps_other, torch.tensor([4]), 4, gamma=0.25).backward()
    # d/d eps_y of (eps_y - sg)^2 = 2 (1 - 3) = -4; of the commitment: 0.
    assert torch.isclose(eps_y.grad.flatten(), torch.tensor([-4.0]))
    # d/d eps_other of 0.25 (sg - eps_other)^2 = -0.5 (1 - 3) = 1.
    assert torch.isclose(eps_other.grad.flatten(), torch.tensor([1.0]))


def test_aid_distance_and_loss_by_hand():
    alphas_cumprod = torch.tensor([0.96, 0.75, 0.36])  # 1-abar: .04 .25 .64
    real = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    denoised = torch.tensor([[3.0, 4.0], [1.0, 2.0]])  # norms 5 and 1
    t = torch.tensor([0, 1])
    # scale = sqrt(.64) / sqrt(1 - abar_t) = 0.8/0.2 = 4 and 0.8/0.5 = 1.6
    d_t = aid_distance(real, denoised, alphas_cumprod, t)
    assert torch.allclose(d_t, torch.tensor([20.0, 1.6]))
    # alpha * mean((d_t - 1.5 d_f)^2), d_f = (10, 2) -> (5^2 + 1.4^2)/2 * .1
    value = aid_loss(d_t, torch.tensor([10.0, 2.0]), alpha=0.1)
    assert torch.isclose(value, torch.tensor(0.1 * (25 + 1.96) / 2))


def test_min_snr_weights_by_hand():
    from diffult_plugin.models.diffusion.losses import min_snr_weights
    # abar = 0.9 -> SNR 9; 0.5 -> 1; 0.1 -> 1/9.
    abar = torch.tensor([0.9, 0.5, 0.1])
    t = torch.arange(3)
    eps = min_snr_weights(abar, t, 5.0, 'epsilon')
    assert torch.allclose(eps, torch.tensor([5 / 9, 1.0, 1.0]))
    v = min_snr_weights(abar, t, 5.0, 'v_prediction')
    assert torch.allclose(v, torch.tensor([5 / 10, 1 / 2, (1 / 9) / (10 / 9)]))
    with pytest.raises(ValueError):
        min_snr_weights(abar, t, 5.0, 'x0')


def test_weighted_ddpm_loss_is_the_weighted_per_sample_mean():
    pred = torch.zeros(2, 1, 1, 2)
    target = torch.tensor([1.0, 1.0, 2.0, 2.0]).view(2, 1, 1, 2)
    # per sample: 1 and 4; weights 1 and 0.5 -> (1 + 2) / 2.
    assert torch.isclose(
        ddpm_loss(pred, target, torch.tensor([1.0, 0.5])), torch.tensor(1.5))
