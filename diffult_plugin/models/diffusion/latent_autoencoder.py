"""An image autoencoder trained on the long-tailed set, for latent DiffuLT."""
import copy
from typing import Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers import AutoencoderKL
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import load_checkpoint
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .data_preprocessor import build_diffusion_preprocessor

#: Autoencoder sizes (diffusers ``AutoencoderKL`` arguments). The image side
#: shrinks by 2 per block after the first: 'tiny-f4' maps 32 x 32 RGB to
#: 8 x 8 x 4 latents (12x fewer values), ~2.6 M parameters, no attention
#: (the mid-block attention of Stable Diffusion's VAE costs more than it
#: gives at 8 x 8).
AUTOENCODER_PRESETS = {
    'tiny-f4':
    dict(
        down_block_types=('DownEncoderBlock2D', ) * 3,
        up_block_types=('UpDecoderBlock2D', ) * 3,
        block_out_channels=(32, 64, 128),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=16,
        mid_block_add_attention=False),
}


@MODELS.register_module()
class LatentAutoencoder(BaseModel):
    """A KL-regularised autoencoder whose latents a DiffuLT generator models.

    Latent diffusion (`Rombach et al., CVPR 2022
    <https://arxiv.org/abs/2112.10752>`_) moves the denoising network to a
    smaller latent grid; here the autoencoder is trained on the long-tailed
    training set only, so DiffuLT's "no external knowledge" still holds.
    The network is diffusers' ``AutoencoderKL``; the loss is the per-pixel
    L1 reconstruction error plus ``kl_weight`` times the KL divergence of
    the posterior from N(0, I) (both means over elements). Stable
    Diffusion adds a perceptual and an adversarial loss, which need
    external networks or a second model to train; they are left out.

    The generator sees normalised latents ``(mu - m) / s``: ``mu`` the
    posterior mean, ``m`` and ``s`` per-channel running statistics of the
    training latents (updated like batch-norm statistics, momentum
    ``stats_momentum``), so the diffusion's unit-variance noise fits the
    latents' scale whatever the KL weight (Stable Diffusion's single
    ``scaling_factor``, per channel and learnt while training).

    Args:
        autoencoder (str | dict): A preset of :data:`AUTOENCODER_PRESETS`
            or ``AutoencoderKL`` arguments. Defaults to 'tiny-f4'.
        image_size (int): Image side. Defaults to 32.
        kl_weight (float): Weight of the KL term. Defaults to 1e-4.
        stats_momentum (float): Momentum of the latent statistics.
            Defaults to 0.01.
        data_preprocessor (dict, optional): Defaults to
            ``DiffusionDataPreprocessor`` (images in [-1, 1]).
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 autoencoder: Union[str, dict] = 'tiny-f4',
                 image_size: int = 32,
                 kl_weight: float = 1e-4,
                 stats_momentum: float = 0.01,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=build_diffusion_preprocessor(data_preprocessor),
            init_cfg=init_cfg)
        if isinstance(autoencoder, str):
            if autoencoder not in AUTOENCODER_PRESETS:
                raise KeyError(
                    f'LatentAutoencoder.autoencoder: unknown preset '
                    f'{autoencoder!r}; choose one of '
                    f'{sorted(AUTOENCODER_PRESETS)} or give a dict.')
            autoencoder = AUTOENCODER_PRESETS[autoencoder]
        if not kl_weight >= 0:
            raise ValueError('LatentAutoencoder.kl_weight must be >= 0, got '
                             f'{kl_weight!r}.')
        if not 0 < stats_momentum <= 1:
            raise ValueError('LatentAutoencoder.stats_momentum must lie in '
                             f'(0, 1], got {stats_momentum!r}.')
        autoencoder = dict(copy.deepcopy(autoencoder))
        autoencoder.setdefault('in_channels', 3)
        autoencoder.setdefault('out_channels', 3)
        autoencoder.setdefault('sample_size', image_size)
        self.vae = AutoencoderKL(**autoencoder)
        self.image_size = image_size
        self.downsample = 2**(len(self.vae.config.block_out_channels) - 1)
        if image_size % self.downsample:
            raise ValueError(
                f'LatentAutoencoder.image_size={image_size} is not divisible '
                f'by the autoencoder\'s downsampling factor '
                f'{self.downsample}.')
        self.latent_channels = self.vae.config.latent_channels
        self.latent_size = image_size // self.downsample
        self.kl_weight = float(kl_weight)
        self.stats_momentum = float(stats_momentum)
        self.register_buffer('latent_mean', torch.zeros(self.latent_channels))
        self.register_buffer('latent_std', torch.ones(self.latent_channels))
        # Zero until the first training batch: then the statistics are set
        # from it rather than blended with the placeholder (0, 1).
        self.register_buffer('stats_updates', torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------ latents
    def _posterior(self, images: torch.Tensor):
        return self.vae.encode(images).latent_dist

    def _view(self, stat: torch.Tensor) -> torch.Tensor:
        return stat.view(1, -1, 1, 1)

    @torch.no_grad()
    def _update_stats(self, mean: torch.Tensor) -> None:
        dims = (0, 2, 3)
        batch_mean = mean.float().mean(dims)
        batch_std = mean.float().std(dims).clamp_min(1e-6)
        if self.stats_updates == 0:
            self.latent_mean.copy_(batch_mean)
            self.latent_std.copy_(batch_std)
        else:
            self.latent_mean.lerp_(batch_mean, self.stats_momentum)
            self.latent_std.lerp_(batch_std, self.stats_momentum)
        self.stats_updates += 1

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """Normalised latents (posterior mean) of [-1, 1] RGB images."""
        mean = self._posterior(images).mean
        return (mean - self._view(self.latent_mean)) / self._view(
            self.latent_std)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """[-1, 1] RGB images (not clamped) of normalised latents."""
        raw = latents * self._view(self.latent_std) + self._view(
            self.latent_mean)
        return self.vae.decode(raw).sample

    # ------------------------------------------------------------ training
    def forward(self,
                inputs: Optional[torch.Tensor] = None,
                data_samples=None,
                labels: Optional[torch.Tensor] = None,
                mode: str = 'tensor'):
        if inputs is None:
            raise ValueError('LatentAutoencoder needs image batches.')
        if mode == 'loss':
            return self.loss(inputs)
        if mode == 'tensor':
            return self.decode(self.encode(inputs))
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f'unknown mode {mode!r}')

    def loss(self, images: torch.Tensor) -> dict:
        posterior = self._posterior(images)
        self._update_stats(posterior.mean.detach())
        reconstruction = self.vae.decode(posterior.sample()).sample
        l1 = (reconstruction.float() - images.float()).abs().mean()
        # KL per latent element: 0.5 (mu^2 + var - 1 - log var).
        kl = 0.5 * (posterior.mean.float().pow(2) + posterior.var.float() -
                    1.0 - posterior.logvar.float()).mean()
        with torch.no_grad():
            psnr = reconstruction_psnr(reconstruction.float().clamp(-1, 1),
                                       images.float())
        return dict(
            loss_rec=l1, loss_kl=self.kl_weight * kl, psnr=psnr)

    @torch.no_grad()
    def predict(self, images: torch.Tensor, data_samples=None) -> list:
        """Reconstructions from the posterior mean, with their PSNR."""
        recon = self.decode(self.encode(images)).float().clamp(-1, 1)
        psnr = reconstruction_psnr(recon, images.float(), reduce=False)
        samples = list(data_samples or [None] * len(images))
        out = []
        for i, sample in enumerate(samples):
            sample = sample if sample is not None else DataSample()
            sample.set_field(float(psnr[i]), 'psnr')
            out.append(sample)
        return out


def reconstruction_psnr(reconstruction: torch.Tensor,
                        images: torch.Tensor,
                        reduce: bool = True) -> torch.Tensor:
    """PSNR in dB of [-1, 1] images (peak-to-peak range 2)."""
    mse = F.mse_loss(reconstruction, images, reduction='none').flatten(1)
    psnr = 10 * torch.log10(4.0 / mse.mean(1).clamp_min(1e-10))
    return psnr.mean() if reduce else psnr


class FrozenAutoencoder(nn.Module):
    """A trained :class:`LatentAutoencoder` (config + checkpoint), frozen.

    The generator trains and samples in its latent space; gradients flow
    through the decoder to its input (L_AID), never into its weights.

    Args:
        config (str | Config | dict): The autoencoder's config (a file, or
            a config holding ``model``).
        checkpoint (str, optional): Its checkpoint. None builds it
            untrained, for a generator checkpoint that carries the weights.
    """

    def __init__(self, config, checkpoint: Optional[str] = None):
        super().__init__()
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        model_cfg = dict(cfg['model'])
        if model_cfg.get('type') not in ('LatentAutoencoder',
                                         LatentAutoencoder):
            raise ValueError(
                'DiffuLTDiffusion.autoencoder.config must be a '
                f'LatentAutoencoder config, got model type '
                f'{model_cfg.get("type")!r}.')
        self.model = MODELS.build(model_cfg)
        if checkpoint is not None:
            from diffult_plugin.utils.safe_loading import check_checkpoint
            check_checkpoint(checkpoint, 'autoencoder checkpoint')
            load_checkpoint(self.model, checkpoint, map_location='cpu',
                            strict=True, logger='silent')
        self.model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.latent_channels = self.model.latent_channels
        self.downsample = self.model.downsample

    def train(self, mode: bool = True):
        # Always in eval mode: the latent statistics stay as trained.
        super().train(False)
        return self

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.model.encode(images)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return self.model.decode(latents)
