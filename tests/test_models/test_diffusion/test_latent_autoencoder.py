"""The latent autoencoder and the latent DiffuLT generator."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import save_checkpoint
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from diffult_plugin.models.diffusion import (FrozenAutoencoder,
                                             LatentAutoencoder,
                                             reconstruction_psnr)
from tests.fixtures import TINY_UNET, make_phi0

#: 16 x 16 images <-> 8 x 8 x 2 latents (one downsampling).
TINY_AE = dict(
    down_block_types=('DownEncoderBlock2D', ) * 2,
    up_block_types=('UpDecoderBlock2D', ) * 2,
    block_out_channels=(8, 16),
    layers_per_block=1,
    latent_channels=2,
    norm_num_groups=4,
    mid_block_add_attention=False)


def _autoencoder(**kwargs):
    torch.manual_seed(0)
    return LatentAutoencoder(autoencoder=TINY_AE, image_size=16, **kwargs)


def _images(n=8, size=16, seed=1):
    g = torch.Generator().manual_seed(seed)
    # Smooth images (a few colour blobs): there is something to compress.
    low = torch.rand(n, 3, 4, 4, generator=g) * 2 - 1
    return torch.nn.functional.interpolate(low, size=size, mode='bilinear',
                                           align_corners=False)


def test_shapes_and_downsampling_factor():
    ae = _autoencoder()
    assert ae.downsample == 2 and ae.latent_size == 8
    assert ae.latent_channels == 2
    z = ae.encode(_images())
    assert z.shape == (8, 2, 8, 8)
    assert ae.decode(z).shape == (8, 3, 16, 16)


def test_psnr_by_hand():
    a = torch.zeros(2, 3, 4, 4)
    b = torch.full((2, 3, 4, 4), 0.2)
    b[1] = 0.0
    # MSE 0.04 -> 10 log10(4 / 0.04) = 20 dB; identical -> capped at 1e-10.
    psnr = reconstruction_psnr(b, a, reduce=False)
    assert psnr[0].item() == pytest.approx(20.0, abs=1e-4)
    assert psnr[1].item() == pytest.approx(10 * torch.log10(
        torch.tensor(4 / 1e-10)).item(), rel=1e-5)


def test_latent_statistics_normalise_the_latents():
    ae = _autoencoder(stats_momentum=1.0)  # the last batch's statistics
    images = _images(16)
    ae.loss(images)
    assert int(ae.stats_updates) == 1
    z = ae.encode(images)
    # (mu - mean) / std of the very batch the statistics came from:
    # zero mean and unit (unbiased) standard deviation per channel.
    assert torch.allclose(z.mean((0, 2, 3)), torch.zeros(2), atol=1e-5)
    assert torch.allclose(z.std((0, 2, 3)), torch.ones(2), atol=1e-4)
    # decode inverts the normalisation: decode(encode) = vae.decode(mu).
    mu = ae.vae.encode(images).latent_dist.mean
    assert torch.allclose(ae.decode(z), ae.vae.decode(mu).sample,
                          atol=1e-5)


def test_statistics_blend_with_momentum():
    ae = _autoencoder(stats_momentum=0.25)
    first, second = _images(8, seed=1), _images(8, seed=2)
    ae.loss(first)
    after_first = ae.latent_mean.clone()
    ae.loss(second)
    mu = ae.vae.encode(second).latent_dist.mean.mean((0, 2, 3))
    # The weights changed nothing (no optimiser step): m = 0.75 m + 0.25 mu.
    expected = 0.75 * after_first + 0.25 * mu
    assert torch.allclose(ae.latent_mean, expected, atol=1e-5)


def test_loss_terms_and_training_improves_reconstruction():
    ae = _autoencoder(kl_weight=1e-3)
    images = _images(8)
    losses = ae.loss(images)
    assert set(losses) == {'loss_rec', 'loss_kl', 'psnr'}
    posterior = ae.vae.encode(images).latent_dist
    # The KL term by hand (mean over latent elements), times the weight;
    # the posterior mean is deterministic, the variance too.
    kl = 0.5 * (posterior.mean.pow(2) + posterior.var - 1 -
                posterior.logvar).mean()
    assert losses['loss_kl'].item() == pytest.approx(1e-3 * kl.item(),
                                                     rel=1e-4)
    wrapper = build_optim_wrapper(
        ae, dict(optimizer=dict(type='Adam', lr=3e-3)))
    before = reconstruction_psnr(
        ae.decode(ae.encode(images)).clamp(-1, 1), images).item()
    for _ in range(60):
        wrapper.update_params(sum(v for k, v in ae.loss(images).items()
                                  if k.startswith('loss')))
    after = reconstruction_psnr(
        ae.decode(ae.encode(images)).clamp(-1, 1), images).item()
    assert after > before + 3, (before, after)


def test_bad_settings_are_named():
    with pytest.raises(KeyError, match='unknown preset'):
        LatentAutoencoder(autoencoder='huge')
    with pytest.raises(ValueError, match='kl_weight'):
        LatentAutoencoder(autoencoder=TINY_AE, image_size=16, kl_weight=-1)
    with pytest.raises(ValueError, match='not divisible'):
        LatentAutoencoder(autoencoder=TINY_AE, image_size=15)


def _ae_config(folder):
    path = osp.join(folder, 'ae.py')
    Config(dict(model=dict(type='LatentAutoencoder', autoencoder=TINY_AE,
                           image_size=16))).dump(path)
    return path


def _ae_checkpoint(folder, ae):
    path = osp.join(folder, 'ae.pth')
    save_checkpoint(dict(state_dict=ae.state_dict()), path)
    return path


def test_frozen_autoencoder_loads_weights_and_stays_frozen(tmp_path):
    ae = _autoencoder()
    ae.loss(_images(8))  # statistics away from (0, 1)
    frozen = FrozenAutoencoder(_ae_config(str(tmp_path)),
                               _ae_checkpoint(str(tmp_path), ae))
    frozen.train()
    assert not frozen.training and not frozen.model.training
    assert all(not p.requires_grad for p in frozen.parameters())
    images = _images(4)
    assert torch.allclose(frozen.encode(images), ae.encode(images),
                          atol=1e-6)
    with pytest.raises(ValueError, match='LatentAutoencoder config'):
        FrozenAutoencoder(Config(dict(model=dict(type='ImageClassifier'))))


def _latent_generator(tmp_path, **kwargs):
    ae = _autoencoder()
    ae.loss(_images(8))
    cfg = dict(config=_ae_config(str(tmp_path)),
               checkpoint=_ae_checkpoint(str(tmp_path), ae))
    torch.manual_seed(0)
    return MODELS.build(
        dict(type='DiffuLTDiffusion', num_classes=3, unet=TINY_UNET,
             image_size=16, num_train_timesteps=100, class_counts=[6, 3, 1],
             autoencoder=cfg, **kwargs)), ae


def _batch(n=6, size=16):
    images = ((_images(n, size) + 1) * 127.5).round().to(torch.uint8)
    labels = torch.arange(n) % 3
    return dict(inputs=list(images),
                data_samples=[DataSample().set_gt_label(int(y))
                              for y in labels])


def test_latent_generator_denoises_latents_and_samples_images(tmp_path):
    model, ae = _latent_generator(tmp_path)
    # The UNet works on the autoencoder's grid and channels.
    assert model.unet.config.sample_size == 8
    assert model.unet.config.in_channels == 2
    assert not model.scheduler.config.clip_sample
    wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='Adam', lr=1e-3)))
    before = {k: v.clone() for k, v in model.autoencoder.state_dict().items()}
    losses = model.train_step(_batch(), wrapper)
    assert {'loss_ddpm', 'loss_cbdm'} <= set(losses)
    # Frozen: neither its weights nor its latent statistics moved.
    for key, value in model.autoencoder.state_dict().items():
        assert torch.equal(value, before[key]), key
    images = model.sample([0, 1, 2], num_steps=3, sampler='ddim')
    assert images.shape == (3, 3, 16, 16) and images.dtype == torch.uint8
    assert model.sample([], num_steps=3).shape == (0, 3, 16, 16)
    # The weights of the autoencoder travel with the generator.
    assert any(k.startswith('autoencoder.model.vae.')
               for k in model.state_dict())


def test_latent_generator_samples_are_the_decoded_latents(tmp_path):
    model, _ = _latent_generator(tmp_path)
    model.eval()
    seen = {}
    decode = model.autoencoder.decode

    def spy(latents):
        seen['latents'] = latents.clone()
        return decode(latents)

    model.autoencoder.decode = spy
    images = model.sample([1, 2], num_steps=2, sampler='ddim', seed=3)
    assert seen['latents'].shape == (2, 2, 8, 8)
    expected = ((decode(seen['latents']).clamp(-1, 1) + 1) *
                127.5).round().to(torch.uint8)
    assert torch.equal(images, expected)


def test_latent_aid_judges_decoded_images(tmp_path):
    phi0_config, phi0_checkpoint = make_phi0(str(tmp_path), num_classes=3)

    class _Real:
        metainfo = dict(classes=('a', 'b', 'c'))

        def __len__(self):
            return 6

        def get_data_info(self, i):
            g = torch.Generator().manual_seed(i)
            img = torch.randint(0, 256, (16, 16, 3), generator=g,
                                dtype=torch.uint8).numpy()
            return dict(img=img, gt_label=i % 3)

    model, _ = _latent_generator(
        tmp_path,
        aid=dict(phi0_config=phi0_config, phi0_checkpoint=phi0_checkpoint,
                 real_dataset=_Real(), alpha=0.1))
    calls = []
    phi0_forward = model.phi0.forward

    def spy(images):
        calls.append(tuple(images.shape))
        return phi0_forward(images)

    model.phi0.forward = spy
    data = model.data_preprocessor(_batch(), True)
    losses = model.loss(data['inputs'], data['labels'])
    assert 'loss_aid' in losses
    # phi0 saw 16 x 16 RGB images twice (real, decoded x0), never latents.
    assert calls[-2:] == [(6, 3, 16, 16), (6, 3, 16, 16)]
    losses['loss_aid'].backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.unet.parameters())


def test_latent_generator_errors(tmp_path):
    with pytest.raises(ValueError, match='needs `config`'):
        MODELS.build(dict(type='DiffuLTDiffusion', num_classes=3,
                          unet=TINY_UNET, image_size=16,
                          autoencoder=dict(checkpoint=None)))
    with pytest.raises(ValueError, match='set ada=None'):
        MODELS.build(dict(type='DiffuLTDiffusion', num_classes=3,
                          unet=TINY_UNET, image_size=16,
                          ada=dict(pipeline='simple'),
                          autoencoder=dict(config=_ae_config(str(tmp_path)))))
