"""Non-leaking geometric augmentation for diffusion training.

After Karras et al., "Training Generative Adversarial Networks with Limited
Data" (ADA, NeurIPS 2020, https://arxiv.org/abs/2006.06676) as used by the
EDM / CBDM code: each image is flipped, translated, scaled and rotated with
probability ``p`` per transform, and the transform's parameters are given to
the denoiser as a condition. At sampling the condition is zero (the identity
transform), so the augmentations do not leak into the samples.
"""
import math

import torch
import torch.nn.functional as F

#: Size of the condition vector: [x-flip, tx, ty, log-scale, sin, cos - 1].
AUGMENT_DIM = 6


def ada_augment(images: torch.Tensor,
                p: float = 0.12,
                max_translate: float = 0.125,
                scale_std: float = 0.2,
                rotate_max: float = math.pi,
                generator: torch.Generator = None):
    """Augment a batch and return the condition vectors.

    Args:
        images (Tensor): (B, C, H, W) in [-1, 1].
        p (float): Probability of each transform. Defaults to 0.12.
        max_translate (float): Largest shift, as a fraction of the size.
        scale_std (float): Std of the log2 isotropic scale.
        rotate_max (float): Largest rotation (radians).
        generator (torch.Generator, optional): Random source.

    Returns:
        tuple[Tensor, Tensor]: augmented images and (B, AUGMENT_DIM) params;
        an image left unchanged has all-zero params.
    """
    b = images.shape[0]
    dev = images.device

    def draw(shape=()):
        return torch.rand((b, ) + shape, generator=generator).to(dev)

    def active():
        return (draw() < p).float()

    flip = active()
    shift = active()[:, None] * (draw((2, )) * 2 - 1) * max_translate
    log_scale = active() * torch.randn(b, generator=generator).to(dev) * \
        scale_std
    angle = active() * (draw() * 2 - 1) * rotate_max

    scale = torch.exp2(log_scale)
    cos, sin = torch.cos(angle), torch.sin(angle)
    sign = 1 - 2 * flip  # -1 flips x
    # Output -> input sampling grid (affine_grid uses normalised coords).
    theta = torch.zeros(b, 2, 3, device=dev)
    theta[:, 0, 0] = cos * sign / scale
    theta[:, 0, 1] = -sin / scale
    theta[:, 1, 0] = sin * sign / scale
    theta[:, 1, 1] = cos / scale
    theta[:, :, 2] = shift * 2
    grid = F.affine_grid(theta, images.shape, align_corners=False)
    out = F.grid_sample(
        images, grid, mode='bilinear', padding_mode='reflection',
        align_corners=False)
    unchanged = (flip + shift.abs().sum(1) + log_scale.abs() +
                 angle.abs()) == 0
    out[unchanged] = images[unchanged]
    params = torch.stack(
        [flip, shift[:, 0], shift[:, 1], log_scale, sin, cos - 1], dim=1)
    return out, params
