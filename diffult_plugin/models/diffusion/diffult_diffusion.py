"""The class-conditional diffusion generator of DiffuLT."""
import copy
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from diffusers import (DDIMScheduler, DDPMScheduler,
                       DPMSolverMultistepScheduler, UNet2DModel)
from mmengine.logging import MessageHub, MMLogger
from mmengine.model import BaseModel
from mmpretrain.registry import DATASETS, MODELS
from mmpretrain.structures import DataSample

from .ada_augment import ada_augment, augment_dim
from .data_preprocessor import build_diffusion_preprocessor
from .latent_autoencoder import FrozenAutoencoder
from .losses import (aid_distance, aid_loss, cbdm_loss, ddpm_loss,
                     min_snr_weights)
from ..utils.frozen_classifier import (Phi0FeatureExtractor, check_d_f_reading,
                   feature_statistics, real_features)

#: What the network predicts (``DiffuLTDiffusion.prediction_type``).
PREDICTION_TYPES = ('epsilon', 'v_prediction')

#: UNet sizes. 'ddpm-cifar' is the DDPM / CBDM CIFAR network (~35.7 M
#: parameters); 'small' (~9 M) and 'tiny' (~1.6 M) fit a CPU.
#: DDPM / CBDM attend with a single head over all channels, at 16x16 and in
#: the middle block; diffusers' default (heads of width 8) would give the
#: same parameters in 32 heads.
_DDPM_CIFAR = dict(
    block_out_channels=(128, 256, 256, 256),
    layers_per_block=2,
    down_block_types=('DownBlock2D', 'AttnDownBlock2D', 'DownBlock2D',
                      'DownBlock2D'),
    up_block_types=('UpBlock2D', 'UpBlock2D', 'AttnUpBlock2D', 'UpBlock2D'),
    attention_head_dim=256,
    dropout=0.1)
UNET_PRESETS = {
    'ddpm-cifar': _DDPM_CIFAR,
    'small': dict(_DDPM_CIFAR, block_out_channels=(64, 128, 128, 128),
                  attention_head_dim=128),
    'tiny':
    dict(
        block_out_channels=(32, 64, 64),
        layers_per_block=1,
        down_block_types=('DownBlock2D', 'AttnDownBlock2D', 'DownBlock2D'),
        up_block_types=('UpBlock2D', 'AttnUpBlock2D', 'UpBlock2D'),
        norm_num_groups=16,
        dropout=0.0),
    # For 8 x 8 latents (``autoencoder``): two levels (8, 4), attention
    # at 4 x 4, ~4 M parameters; a training step on a batch of 128 latents
    # costs about half a 'tiny' step on 64 images on a 2-core CPU.
    'latent-tiny':
    dict(
        block_out_channels=(64, 128),
        layers_per_block=2,
        down_block_types=('DownBlock2D', 'AttnDownBlock2D'),
        up_block_types=('AttnUpBlock2D', 'UpBlock2D'),
        attention_head_dim=64,
        norm_num_groups=32,
        dropout=0.0),
}

SAMPLERS = ('ddpm', 'ddim', 'dpm-solver++')


@MODELS.register_module()
class DiffuLTDiffusion(BaseModel):
    """Class-conditional DDPM trained from scratch on the long-tailed set.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    step 2: a diffusers ``UNet2DModel`` predicts eps; the class embedding
    (plus, with ADA, an embedding of the augmentation parameters) is added to
    the time embedding; an extra null class trains the unconditional branch
    for classifier-free guidance (labels dropped with ``label_drop_prob``).
    Loss = L_DDPM + L_CBDM (Qin et al., CVPR 2023) + L_AID (DiffuLT Eq. 6),
    each switchable.

    Args:
        num_classes (int): Number of classes (the null class is added).
        unet (str | dict): A preset of :data:`UNET_PRESETS` or the
            ``UNet2DModel`` arguments. Defaults to 'ddpm-cifar'.
        image_size (int): Image side. Defaults to 32.
        num_train_timesteps (int): T. Defaults to 1000.
        beta_schedule (str): diffusers beta schedule. Defaults to 'linear'.
        beta_start (float): Defaults to 1e-4.
        beta_end (float): Defaults to 0.02.
        label_drop_prob (float): Probability of training unconditionally.
            Defaults to 0.1.
        label_drop_mode (str): 'batch' drops the labels of the whole batch
            (the CBDM code, which skips L_CBDM then) or 'sample' per sample.
            Defaults to 'batch'.
        cbdm (dict, optional): ``dict(tau=1.0, gamma=0.25)`` enables L_CBDM;
            None disables it. Its y' is drawn from the training class prior
            (set by ``TrainClassCountsHook`` or ``class_counts``).
        aid (dict, optional): Enables L_AID: ``phi0_config``,
            ``phi0_checkpoint``, ``real_dataset`` (the real training set;
            its stored images are read un-augmented, for d_f),
            ``alpha`` (0.1), ``d_f`` ('per_class' or 'global'; the paper does
            not say which; default 'per_class'), ``d_f_reading`` ('radius',
            'diameter' or 'quantile', with ``d_f_quantile`` 0.95; default
            'radius', see :func:`feature_statistics`; the synthesis hook
            hands the filter's d_f settings here, so L_AID's target 1.5 d_f
            and the filter's bands are one statistic), ``start_iter`` (0: from the
            start, as we read the paper; a later start lets a short run learn
            to denoise first, since L_AID dominates the loss of an untrained
            model), ``image_size`` (None: real images at their stored size,
            as the filter's default; the pipeline sets the generator's
            resolution for real images of other sizes). None disables it.
        ada (dict, optional): Enables ADA-style augmentation with its
            arguments: ``pipeline`` ('cbdm', the CBDM code's set that
            DiffuLT trains with, default; or 'simple'), ``p`` (0.12) ...;
            None disables it.
        class_counts (Sequence[int], optional): Training images per class.
        prediction_type (str): 'epsilon' (DDPM, the paper's) or
            'v_prediction' (Salimans and Ho, ICLR 2022: v = sqrt(abar) eps -
            sqrt(1 - abar) x0); the samplers read the output accordingly,
            L_CBDM and L_AID see it as eps. Defaults to 'epsilon'.
        snr_gamma (float, optional): Min-SNR-gamma weighting of L_DDPM
            (Hang et al., ICCV 2023; gamma 5 there); None keeps DDPM's
            uniform weighting (the paper's). Defaults to None.
        autoencoder (dict, optional): Latent DiffuLT: ``config`` (a
            :class:`LatentAutoencoder` config) and ``checkpoint`` (its
            trained weights; the pipeline trains it as a stage and fills it
            in). The UNet then denoises the autoencoder's normalised latents
            (``image_size / downsample`` square, its latent channels), the
            loss encodes the real images, sampling decodes, and L_AID
            applies phi0 to the decoded x0 estimate; everything outside
            (bank, filter, metrics) sees 32 x 32 images as before. The
            autoencoder's weights are saved with the generator. Samples are
            not clipped to [-1, 1] in latent space (latents are not
            bounded); ADA (image augmentations) is not available here.
            None (default): the paper's pixel-space DDPM.
        sample_cfg (dict): Sampling settings of ``predict`` (validation):
            ``num_steps``, ``sampler``, ``guidance_scale``, ``seed``,
            ``batch_size``.
        data_preprocessor (dict, optional): Defaults to
            ``DiffusionDataPreprocessor``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 num_classes: int,
                 unet: Union[str, dict] = 'ddpm-cifar',
                 image_size: int = 32,
                 num_train_timesteps: int = 1000,
                 beta_schedule: str = 'linear',
                 beta_start: float = 1e-4,
                 beta_end: float = 0.02,
                 label_drop_prob: float = 0.1,
                 label_drop_mode: str = 'batch',
                 cbdm: Optional[dict] = dict(tau=1.0, gamma=0.25),
                 aid: Optional[dict] = None,
                 ada: Optional[dict] = None,
                 class_counts: Optional[Sequence[int]] = None,
                 prediction_type: str = 'epsilon',
                 snr_gamma: Optional[float] = None,
                 autoencoder: Optional[dict] = None,
                 sample_cfg: dict = dict(
                     num_steps=50,
                     sampler='ddim',
                     guidance_scale=0.0,
                     seed=0,
                     batch_size=256),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=build_diffusion_preprocessor(data_preprocessor),
            init_cfg=init_cfg)
        if prediction_type not in PREDICTION_TYPES:
            raise ValueError(f'DiffuLTDiffusion.prediction_type must be one '
                             f'of {PREDICTION_TYPES}, got '
                             f'{prediction_type!r}.')
        if snr_gamma is not None and not snr_gamma > 0:
            raise ValueError('DiffuLTDiffusion.snr_gamma must be > 0 (5 in '
                             'the Min-SNR paper) or None for uniform '
                             f'weighting, got {snr_gamma!r}.')
        if label_drop_mode not in ('batch', 'sample'):
            raise ValueError("label_drop_mode must be 'batch' or 'sample', "
                             f'got {label_drop_mode!r}')
        if isinstance(unet, str):
            if unet not in UNET_PRESETS:
                raise KeyError(f'unknown UNet preset {unet!r}; choose one of '
                               f'{sorted(UNET_PRESETS)} or give a dict.')
            unet = UNET_PRESETS[unet]
        unet = dict(copy.deepcopy(unet))
        self.autoencoder = None
        if autoencoder is not None:
            autoencoder = dict(autoencoder)
            if not autoencoder.get('config'):
                raise ValueError(
                    'DiffuLTDiffusion.autoencoder needs `config` (a '
                    'LatentAutoencoder config) and `checkpoint` (its '
                    'trained weights), or autoencoder=None for pixel '
                    'space.')
            if ada is not None:
                raise ValueError(
                    'DiffuLTDiffusion: ADA augments images, the latent '
                    'generator (autoencoder=...) denoises latents; set '
                    'ada=None.')
            self.autoencoder = FrozenAutoencoder(
                autoencoder['config'], autoencoder.get('checkpoint'))
            if image_size % self.autoencoder.downsample:
                raise ValueError(
                    f'DiffuLTDiffusion.image_size={image_size} is not a '
                    'multiple of the autoencoder\'s downsampling factor '
                    f'{self.autoencoder.downsample}.')
            unet['sample_size'] = image_size // self.autoencoder.downsample
            unet['in_channels'] = unet['out_channels'] = \
                self.autoencoder.latent_channels
        unet.setdefault('sample_size', image_size)
        unet.setdefault('in_channels', 3)
        unet.setdefault('out_channels', 3)
        # Our own conditioning vector replaces diffusers' class embedding.
        unet['class_embed_type'] = 'identity'
        unet.pop('num_class_embeds', None)
        self.unet = UNet2DModel(**unet)
        embed_dim = self.unet.config.block_out_channels[0] * 4
        self.num_classes = num_classes
        self.image_size = image_size
        self.null_class = num_classes
        self.class_embedding = nn.Embedding(num_classes + 1, embed_dim)
        self.ada = dict(ada) if ada is not None else None
        if self.ada is not None:
            self.ada.setdefault('pipeline', 'cbdm')
            self.augment_dim = augment_dim(self.ada)
        # No bias: zero parameters (no augmentation) give a zero embedding.
        self.augment_embedding = nn.Linear(
            self.augment_dim, embed_dim,
            bias=False) if ada is not None else None

        self.scheduler = DDPMScheduler(
            num_train_timesteps=num_train_timesteps,
            beta_schedule=beta_schedule,
            beta_start=beta_start,
            beta_end=beta_end,
            variance_type='fixed_large',  # the CBDM / DDPM CIFAR sampler
            # Pixels lie in [-1, 1]; normalised latents do not.
            clip_sample=self.autoencoder is None,
            # The samplers made from this config read the output as it is.
            prediction_type=prediction_type)
        self.register_buffer(
            'alphas_cumprod',
            self.scheduler.alphas_cumprod.clone().float(),
            persistent=False)
        self.prediction_type = prediction_type
        self.snr_gamma = None if snr_gamma is None else float(snr_gamma)
        self.label_drop_prob = label_drop_prob
        self.label_drop_mode = label_drop_mode
        self.cbdm = dict(cbdm) if cbdm is not None else None
        self.sample_cfg = dict(sample_cfg)
        self.register_buffer('class_counts', torch.zeros(num_classes))
        if class_counts is not None:
            self.set_class_counts(class_counts)

        self.aid = dict(aid) if aid is not None else None
        self.phi0 = None
        if self.aid is not None:
            self.aid.setdefault('alpha', 0.1)
            self.aid.setdefault('d_f', 'per_class')
            self.aid.setdefault('d_f_reading', 'radius')
            self.aid.setdefault('d_f_quantile', 0.95)
            self.aid.setdefault('start_iter', 0)
            self.aid.setdefault('image_size', None)
            # Read images are always RGB now (real_features); the flag of
            # older configs has nothing left to do.
            self.aid.pop('real_to_rgb', None)
            if self.aid['d_f'] not in ('per_class', 'global'):
                raise ValueError("aid.d_f must be 'per_class' or 'global'")
            check_d_f_reading(self.aid['d_f_reading'],
                              self.aid['d_f_quantile'], 'aid.d_f_reading')
            for key in ('phi0_config', 'phi0_checkpoint', 'real_dataset'):
                if self.aid.get(key) is None:
                    raise ValueError(f'L_AID needs aid.{key}.')
            self.phi0 = Phi0FeatureExtractor(self.aid['phi0_config'],
                                             self.aid['phi0_checkpoint'],
                                             num_classes)
            # Saved with the checkpoint, so a resumed run does not recompute.
            self.register_buffer('aid_d_f', torch.zeros(num_classes))
            self.register_buffer('aid_d_f_global', torch.zeros(()))

    # ----------------------------------------------------------- set-up
    def set_class_counts(self, counts: Sequence[int]):
        """Training images per class (the prior of L_CBDM's y')."""
        counts = torch.as_tensor(list(counts), dtype=torch.float32)
        if counts.numel() != self.num_classes:
            raise ValueError(
                f'the dataset has {counts.numel()} classes but the generator '
                f'was configured with num_classes={self.num_classes}.')
        self.class_counts.copy_(counts.to(self.class_counts.device))

    def _prepare_aid(self):
        if self.aid_d_f_global > 0:
            return
        logger = MMLogger.get_current_instance()
        dataset = self.aid['real_dataset']
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        logger.info(f'L_AID: phi0 features of {len(dataset)} real images')
        # aid.image_size as the filter's image_size: one statistic for both
        # (the pipeline sets both to the generator's resolution when real
        # images come in other sizes).
        feats, labels = real_features(self.phi0, dataset,
                                      image_size=self.aid['image_size'])
        stats = feature_statistics(feats, labels, self.num_classes,
                                   self.aid['d_f_reading'],
                                   self.aid['d_f_quantile'])
        self.aid_d_f.copy_(stats['d_f_per_class'].to(self.aid_d_f.device))
        self.aid_d_f_global.fill_(stats['d_f_global'])
        logger.info(f"L_AID ({self.aid['d_f_reading']} reading): global d_f "
                    f"{stats['d_f_global']:.3f}, per-class "
                    f'd_f {stats["d_f_per_class"].min():.3f}..'
                    f'{stats["d_f_per_class"].max():.3f}')

    def _aid_active(self) -> bool:
        if not self.aid['start_iter']:
            return True
        # mmengine's RuntimeInfoHook records the iteration being trained.
        current = MessageHub.get_current_instance().get_info('iter')
        return current is None or current >= self.aid['start_iter']

    # ----------------------------------------------------------- network
    def to_eps(self, output: torch.Tensor, x_t: torch.Tensor,
               timesteps: torch.Tensor) -> torch.Tensor:
        """The network's output as eps: itself for eps-prediction; for
        v-prediction ``eps = sqrt(abar) v + sqrt(1 - abar) x_t``."""
        if self.prediction_type == 'epsilon':
            return output
        abar = self.alphas_cumprod[timesteps].view(-1, 1, 1, 1)
        return abar.sqrt() * output + (1 - abar).sqrt() * x_t

    def denoise(self,
                x_t: torch.Tensor,
                timesteps: torch.Tensor,
                labels: torch.Tensor,
                augment_params: Optional[torch.Tensor] = None):
        """eps_theta(x_t, t, y[, augmentation])."""
        cond = self.class_embedding(labels)
        if self.augment_embedding is not None:
            if augment_params is None:
                augment_params = x_t.new_zeros(len(x_t), self.augment_dim)
            cond = cond + self.augment_embedding(augment_params)
        return self.unet(x_t, timesteps, class_labels=cond).sample

    def forward(self,
                inputs: Optional[torch.Tensor] = None,
                data_samples=None,
                labels: Optional[torch.Tensor] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, labels)
        if mode == 'predict':
            return self.predict(labels, data_samples)
        if mode == 'tensor':
            timesteps = torch.zeros(
                len(inputs), dtype=torch.long, device=inputs.device)
            return self.denoise(inputs, timesteps, labels)
        raise ValueError(f'unknown mode {mode!r}')

    # ----------------------------------------------------------- training
    def loss(self, images: torch.Tensor, labels: torch.Tensor) -> dict:
        if images is None:
            raise ValueError('training batches need images')
        batch = len(images)
        device = images.device
        augment_params = None
        if self.ada is not None:
            images, augment_params = ada_augment(images, **self.ada)
        pixels = images
        if self.autoencoder is not None:
            images = self.autoencoder.encode(images.float())
        noise = torch.randn_like(images)
        timesteps = torch.randint(
            0, self.scheduler.config.num_train_timesteps, (batch, ),
            device=device)
        x_t = self.scheduler.add_noise(images, noise, timesteps)

        if self.label_drop_mode == 'batch':
            dropped = torch.full((batch, ),
                                 bool(torch.rand(()) < self.label_drop_prob),
                                 device=device)
        else:
            dropped = torch.rand(batch, device=device) < self.label_drop_prob
        cond_labels = torch.where(dropped,
                                  torch.full_like(labels, self.null_class),
                                  labels)
        output = self.denoise(x_t, timesteps, cond_labels, augment_params)
        target = noise if self.prediction_type == 'epsilon' else \
            self.scheduler.get_velocity(images, noise, timesteps)
        weights = None if self.snr_gamma is None else min_snr_weights(
            self.alphas_cumprod, timesteps, self.snr_gamma,
            self.prediction_type)
        losses = dict(loss_ddpm=ddpm_loss(output, target, weights))
        # L_CBDM and L_AID are defined on eps (CBDM, DiffuLT Eq. 3-6).
        eps = self.to_eps(output, x_t, timesteps)

        keep = ~dropped
        if self.cbdm is not None and keep.any():
            prior = self.class_counts
            if prior.sum() <= 0:
                raise RuntimeError(
                    'L_CBDM draws y\' from the training class prior, which is '
                    'not set: add dict(type="TrainClassCountsHook") to '
                    'custom_hooks or set `class_counts` in the model.')
            other = torch.multinomial(prior / prior.sum(), int(keep.sum()),
                                      replacement=True).to(device)
            eps_other = self.to_eps(
                self.denoise(
                    x_t[keep], timesteps[keep], other,
                    None if augment_params is None else augment_params[keep]),
                x_t[keep], timesteps[keep])
            losses['loss_cbdm'] = cbdm_loss(
                eps[keep], eps_other, timesteps[keep],
                self.scheduler.config.num_train_timesteps,
                self.cbdm.get('tau', 1.0), self.cbdm.get('gamma', 0.25))

        if self.aid is not None and self._aid_active():
            self._prepare_aid()
            with torch.no_grad():
                feats_real = self.phi0(pixels)
            denoised = images + noise - eps
            if self.autoencoder is not None:
                # phi0 judges images: decode the latent estimate (the
                # decoder is frozen, the gradient reaches the UNet).
                denoised = self.autoencoder.decode(denoised)
            feats_denoised = self.phi0(denoised)
            d_t = aid_distance(feats_real, feats_denoised,
                               self.alphas_cumprod, timesteps)
            d_f = (self.aid_d_f[labels] if self.aid['d_f'] == 'per_class'
                   else self.aid_d_f_global.expand(batch))
            losses['loss_aid'] = aid_loss(d_t, d_f, self.aid['alpha'])
        return losses

    # ----------------------------------------------------------- sampling
    def _sampling_scheduler(self, sampler: str):
        config = self.scheduler.config
        if sampler == 'ddpm':
            return DDPMScheduler.from_config(config)
        if sampler == 'ddim':
            return DDIMScheduler.from_config(config, set_alpha_to_one=False)
        if sampler == 'dpm-solver++':
            return DPMSolverMultistepScheduler.from_config(
                config, algorithm_type='dpmsolver++', solver_order=2)
        raise ValueError(f'unknown sampler {sampler!r}; choose one of '
                         f'{SAMPLERS}.')

    @torch.no_grad()
    def sample(self,
               labels: Union[Sequence[int], torch.Tensor],
               num_steps: Optional[int] = None,
               sampler: str = 'ddpm',
               guidance_scale: float = 0.0,
               seed: int = 0,
               batch_size: int = 256,
               progress: bool = False) -> torch.Tensor:
        """Generate images of the given classes.

        Classifier-free guidance: ``eps = eps_c + w (eps_c - eps_u)`` with
        ``w = guidance_scale`` (0: plain conditional sampling). The result
        depends only on (labels, settings, seed, batch_size).

        Args:
            labels (Sequence[int] | Tensor): Class of each image.
            num_steps (int, optional): Denoising steps; defaults to T for
                'ddpm' and 50 otherwise.
            sampler (str): 'ddpm' (ancestral), 'ddim' or 'dpm-solver++'.
            guidance_scale (float): CFG weight w. Defaults to 0.
            seed (int): Seed of all the noise. Defaults to 0.
            batch_size (int): Images per forward pass. Defaults to 256.
            progress (bool): Show a progress bar. Defaults to False.

        Returns:
            Tensor: uint8 RGB images, (N, 3, H, W), on the CPU.
        """
        was_training = self.training
        self.eval()
        labels = torch.as_tensor(labels, dtype=torch.long).reshape(-1)
        if labels.numel() and (labels.min() < 0
                               or labels.max() >= self.num_classes):
            raise ValueError(f'labels must lie in [0, {self.num_classes}).')
        if num_steps is None:
            num_steps = (self.scheduler.config.num_train_timesteps
                         if sampler == 'ddpm' else 50)
        device = self.class_embedding.weight.device
        size = self.unet.config.sample_size
        channels = self.unet.config.in_channels
        generator = torch.Generator().manual_seed(seed)
        noise = torch.randn(
            len(labels), channels, size, size, generator=generator)
        outputs = []
        bar = None
        if progress:
            from rich.progress import Progress
            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task('sampling', total=len(labels) * num_steps)
        for start in range(0, len(labels), batch_size):
            x = noise[start:start + batch_size].to(device)
            y = labels[start:start + batch_size].to(device)
            scheduler = self._sampling_scheduler(sampler)
            scheduler.set_timesteps(num_steps, device=device)
            for t in scheduler.timesteps:
                t_batch = t.expand(len(x)).to(device)
                if guidance_scale:
                    both = self.denoise(
                        torch.cat([x, x]), torch.cat([t_batch, t_batch]),
                        torch.cat([y, torch.full_like(y, self.null_class)]))
                    eps_c, eps_u = both.chunk(2)
                    eps = eps_c + guidance_scale * (eps_c - eps_u)
                else:
                    eps = self.denoise(x, t_batch, y)
                x = scheduler.step(
                    eps, t, x, generator=generator).prev_sample
                if bar is not None:
                    bar.advance(task, len(x))
            if self.autoencoder is not None:
                x = self.autoencoder.decode(x).float()
            outputs.append(((x.clamp(-1, 1) + 1) * 127.5).round().to(
                torch.uint8).cpu())
        if bar is not None:
            bar.stop()
        self.train(was_training)
        if not outputs:
            side = self.image_size
            return torch.zeros(0, 3, side, side, dtype=torch.uint8)
        return torch.cat(outputs)

    def predict(self, labels: torch.Tensor, data_samples=None) -> list:
        """Generate one image per label (validation). The seed comes from
        ``sample_cfg`` and the first sample's index, so every batch differs
        and a repeated validation gives the same images."""
        cfg = dict(self.sample_cfg)
        offset = 0
        if data_samples:
            offset = int(data_samples[0].metainfo.get('sample_idx', 0))
        cfg['seed'] = cfg.get('seed', 0) + offset
        images = self.sample(labels.cpu(), **cfg)
        samples = []
        for i, label in enumerate(labels.tolist()):
            sample = DataSample().set_gt_label(label)
            sample.set_field(images[i], 'gen_img')
            samples.append(sample)
        return samples
