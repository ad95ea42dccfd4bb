"""Non-leaking geometric augmentation for diffusion training.

After Karras et al., "Training Generative Adversarial Networks with Limited
Data" (ADA, NeurIPS 2020, https://arxiv.org/abs/2006.06676) as used by the
EDM / CBDM code: each image is transformed with probability ``p`` per
transform, and the transform's parameters are given to the denoiser as a
condition. At sampling the condition is zero (the identity transform), so
the augmentations do not leak into the samples.

Two sets (``pipeline``):

- 'cbdm': the set of the CBDM code's ``KarrasAugmentationPipeline``, which
  DiffuLT's generator is trained with (DiffuLT App. A.1): an x-flip with
  probability 1/2 always, then with probability ``p`` each a y-flip, an
  isotropic scale 2^(0.2 N(0, 1)), a rotation U(-pi, pi), an anisotropic
  scale 2^(+-0.2 N(0, 1)) along a random axis, and a translation of
  N(0, 1) / 8 of the size per axis; bicubic resampling with reflection.
  Condition (9): [x-flip, y-flip, log2-scale / 0.2, cos - 1, sin of the
  rotation, the anisotropy times cos and sin of its axis, tx, ty].
- 'simple': x-flip, uniform translation, scale and rotation, each with
  probability ``p``, bilinear resampling; condition (6): [x-flip, tx, ty,
  log-scale, sin, cos - 1]. The plugin's first reading, kept for its
  checkpoints.
"""
import math

import torch
import torch.nn.functional as F

#: Size of the 'simple' condition vector: [x-flip, tx, ty, log-scale, sin,
#: cos - 1].
AUGMENT_DIM = 6
#: Condition size of each augmentation set.
AUGMENT_DIMS = {'cbdm': 9, 'simple': AUGMENT_DIM}


def augment_dim(ada: dict) -> int:
    """Condition size of an ``ada`` config (default set: 'cbdm')."""
    pipeline = ada.get('pipeline', 'cbdm')
    if pipeline not in AUGMENT_DIMS:
        raise ValueError(f'ada.pipeline must be one of {sorted(AUGMENT_DIMS)},'
                         f' got {pipeline!r}.')
    return AUGMENT_DIMS[pipeline]


def _matrices(b, dev):
    return torch.eye(3, device=dev).repeat(b, 1, 1)


def _scale(sx, sy):
    m = _matrices(len(sx), sx.device)
    m[:, 0, 0], m[:, 1, 1] = sx, sy
    return m


def _rotate(angle):
    m = _matrices(len(angle), angle.device)
    cos, sin = torch.cos(angle), torch.sin(angle)
    m[:, 0, 0], m[:, 0, 1], m[:, 1, 0], m[:, 1, 1] = cos, -sin, sin, cos
    return m


def _translate(tx, ty):
    m = _matrices(len(tx), tx.device)
    m[:, 0, 2], m[:, 1, 2] = tx, ty
    return m


def cbdm_augment(images: torch.Tensor,
                 p: float = 0.12,
                 scale_base: float = 2**0.2,
                 aniso_base: float = 2**0.2,
                 translate_std: float = 1 / 8,
                 generator: torch.Generator = None):
    """The CBDM code's augmentation set (see the module docstring).

    Args:
        images (Tensor): (B, C, H, W) in [-1, 1].
        p (float): Probability of each transform after the x-flip.
        scale_base (float): Isotropic scale base (2^0.2).
        aniso_base (float): Anisotropic scale base (2^0.2).
        translate_std (float): Std of the shift, as a fraction of the size.
        generator (torch.Generator, optional): Random source.

    Returns:
        tuple[Tensor, Tensor]: augmented images and (B, 9) conditions; an
        image left unchanged has an all-zero condition.
    """
    b = images.shape[0]
    dev = images.device

    def uniform(n=None):
        return torch.rand(b if n is None else (b, n),
                          generator=generator).to(dev)

    def normal():
        return torch.randn(b, generator=generator).to(dev)

    def active():
        return (uniform() < p).float()

    x_flip = (uniform() < 0.5).float()
    y_flip = active() * (uniform() < 0.5).float()
    iso = active() * normal()
    angle = active() * (uniform() * 2 - 1) * math.pi
    do_aniso = active()
    axis = do_aniso * (uniform() * 2 - 1) * math.pi
    aniso = do_aniso * normal()
    do_shift = active()
    tx, ty = do_shift * normal(), do_shift * normal()
    # Forward transform in coordinates normalised to [-1, 1] (a shift of
    # translate_std * size pixels is 2 * translate_std there), composed in
    # the CBDM code's order.
    forward = (_scale(1 - 2 * x_flip, torch.ones_like(x_flip))
               @ _scale(torch.ones_like(y_flip), 1 - 2 * y_flip)
               @ _scale(scale_base**iso, scale_base**iso)
               @ _rotate(-angle) @ _rotate(axis)
               @ _scale(aniso_base**aniso, aniso_base**-aniso)
               @ _rotate(-axis)
               @ _translate(2 * translate_std * tx, 2 * translate_std * ty))
    # affine_grid maps output to input coordinates: the inverse.
    theta = torch.linalg.inv(forward)[:, :2, :]
    grid = F.affine_grid(theta, images.shape, align_corners=False)
    out = F.grid_sample(images, grid, mode='bicubic',
                        padding_mode='reflection', align_corners=False)
    params = torch.stack([
        x_flip, y_flip, iso, torch.cos(angle) - 1, torch.sin(angle),
        aniso * torch.cos(axis), aniso * torch.sin(axis), tx, ty
    ], dim=1)
    # Exact flips and the identity are pixel permutations: no resampling.
    geometric = (params[:, 2:].abs().sum(1) != 0)
    flipped = images.flip(3) * x_flip[:, None, None, None] + images * (
        1 - x_flip[:, None, None, None])
    flipped = flipped.flip(2) * y_flip[:, None, None, None] + flipped * (
        1 - y_flip[:, None, None, None])
    out[~geometric] = flipped[~geometric]
    return out, params


def ada_augment(images: torch.Tensor,
                p: float = 0.12,
                pipeline: str = 'simple',
                max_translate: float = 0.125,
                scale_std: float = 0.2,
                rotate_max: float = math.pi,
                generator: torch.Generator = None):
    """Augment a batch and return the condition vectors.

    Args:
        images (Tensor): (B, C, H, W) in [-1, 1].
        p (float): Probability of each transform. Defaults to 0.12.
        pipeline (str): 'simple' (this function's own set) or 'cbdm'
            (:func:`cbdm_augment`, which then takes ``p`` and
            ``generator`` only).
        max_translate (float): Largest shift, as a fraction of the size.
        scale_std (float): Std of the log2 isotropic scale.
        rotate_max (float): Largest rotation (radians).
        generator (torch.Generator, optional): Random source.

    Returns:
        tuple[Tensor, Tensor]: augmented images and (B, AUGMENT_DIM) params;
        an image left unchanged has all-zero params.
    """
    if pipeline == 'cbdm':
        return cbdm_augment(images, p=p, generator=generator)
    if pipeline != 'simple':
        raise ValueError(f"ada pipeline must be 'cbdm' or 'simple', got "
                         f'{pipeline!r}.')
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
