"""The generator losses of DiffuLT (Shao et al., NeurIPS 2024,
https://arxiv.org/abs/2403.05170): L_DDPM + L_CBDM + L_AID."""
from typing import Optional

import torch
import torch.nn.functional as F


def ddpm_loss(prediction: torch.Tensor,
              target: torch.Tensor,
              weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """L_DDPM (Ho et al., 2020; DiffuLT Eq. 2): element-wise mean of
    ``(target - prediction)^2``, the target being eps (DDPM's uniform
    weighting, the paper's) or v; ``weights`` (B,) weight each sample
    (:func:`min_snr_weights`)."""
    if weights is None:
        return F.mse_loss(prediction, target)
    per_sample = ((prediction - target)**2).flatten(1).mean(1)
    return (weights * per_sample).mean()


def min_snr_weights(alphas_cumprod: torch.Tensor, timesteps: torch.Tensor,
                    gamma: float, prediction_type: str) -> torch.Tensor:
    """Min-SNR-gamma loss weights (Hang et al., "Efficient Diffusion Training
    via Min-SNR Weighting Strategy", ICCV 2023,
    https://arxiv.org/abs/2303.09556): with ``SNR(t) = abar_t / (1 -
    abar_t)``, ``min(SNR, gamma) / SNR`` for an eps target and
    ``min(SNR, gamma) / (SNR + 1)`` for a v target; each weights the
    x0-error of its sample by ``min(SNR, gamma)``, so the many nearly clean
    steps stop dominating training."""
    abar = alphas_cumprod[timesteps].float()
    snr = abar / (1 - abar)
    clipped = torch.clamp(snr, max=gamma)
    if prediction_type == 'epsilon':
        return clipped / snr
    if prediction_type == 'v_prediction':
        return clipped / (snr + 1)
    raise ValueError(f'unknown prediction_type {prediction_type!r}')


def cbdm_loss(eps_y: torch.Tensor,
              eps_other: torch.Tensor,
              timesteps: torch.Tensor,
              num_train_timesteps: int,
              tau: float = 1.0,
              gamma: float = 0.25) -> torch.Tensor:
    """L_CBDM of Qin et al., "Class-Balancing Diffusion Models", CVPR 2023
    (https://arxiv.org/abs/2305.00562), in the form of the CBDM code.

    The paper (and DiffuLT Eq. 3) prints a sum over all classes y' with
    weight ``tau * t / |Y|``; the CBDM code, which DiffuLT trains with, draws
    one ``y'`` per sample from the class prior and weights by ``tau * t / T``:
    ``w * [ ||eps(y) - sg(eps(y'))||^2 + gamma * ||sg(eps(y)) - eps(y')||^2 ]``,
    element-wise mean. We follow the code.

    Args:
        eps_y (Tensor): eps_theta(x_t, t, y), (B, C, H, W).
        eps_other (Tensor): eps_theta(x_t, t, y') for the drawn y'.
        timesteps (Tensor): t of each sample, (B,).
        num_train_timesteps (int): T.
        tau (float): Weight of the term. Defaults to 1.
        gamma (float): Weight of the commitment part. Defaults to 0.25.
    """
    weight = (tau * timesteps.float() / num_train_timesteps).view(-1, 1, 1, 1)
    regulariser = (weight * (eps_y - eps_other.detach())**2).mean()
    commitment = (weight * (eps_y.detach() - eps_other)**2).mean()
    return regulariser + gamma * commitment


def aid_distance(features_real: torch.Tensor, features_denoised: torch.Tensor,
                 alphas_cumprod: torch.Tensor,
                 timesteps: torch.Tensor) -> torch.Tensor:
    """d_t of DiffuLT Eq. 5: the phi0-feature deviation of the one-step
    denoised image ``x0 + eps - eps_theta``, rescaled to the last step by
    ``sqrt(1 - abar_T) / sqrt(1 - abar_t)``."""
    scale = torch.sqrt(1 - alphas_cumprod[-1]) / torch.sqrt(
        1 - alphas_cumprod[timesteps])
    return scale * torch.linalg.vector_norm(
        features_real - features_denoised, dim=1)


def aid_loss(d_t: torch.Tensor, d_f: torch.Tensor,
             alpha: float = 0.1) -> torch.Tensor:
    """L_AID of DiffuLT Eq. 6: ``alpha * mean (d_t - 1.5 d_f)^2``, which pulls
    generated samples into the AID band (d_f, 2 d_f] of phi0's feature space.

    Args:
        d_t (Tensor): Rescaled deviation of each sample, (B,).
        d_f (Tensor): Threshold of each sample's class (or the global one),
            (B,) or scalar.
        alpha (float): Weight. Defaults to 0.1.
    """
    return alpha * ((d_t - 1.5 * d_f)**2).mean()
