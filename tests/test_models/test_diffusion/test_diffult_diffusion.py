import numpy as np
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from diffult_plugin.models.diffusion import (DiffuLTDiffusion,
                                             feature_statistics)
from tests.fixtures import TINY_UNET, make_phi0


def _model(**kwargs):
    torch.manual_seed(0)
    kwargs.setdefault('cbdm', dict(tau=1.0, gamma=0.25))
    kwargs.setdefault('class_counts', [6, 3, 1])
    return MODELS.build(
        dict(
            type='DiffuLTDiffusion',
            num_classes=3,
            unet=TINY_UNET,
            image_size=8,
            num_train_timesteps=100,
            **kwargs))


def _batch(n=6, size=8):
    g = torch.Generator().manual_seed(1)
    labels = torch.arange(n) % 3
    images = torch.randint(0, 256, (n, 3, size, size), generator=g,
                           dtype=torch.uint8)
    # class-dependent brightness so there is structure to learn
    images = (images // 4 + labels.view(-1, 1, 1, 1) * 60).to(torch.uint8)
    return dict(
        inputs=list(images),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


class _RealImages:
    """A 'real' dataset of n random 8x8 RGB images over 3 classes, stored
    as a dataset stores them (``get_data_info``: ``img`` and ``gt_label``)."""

    def __init__(self, n):
        rng = np.random.RandomState(0)
        self.infos = [dict(img=rng.randint(0, 256, (8, 8, 3)).astype(
            np.uint8), gt_label=i % 3) for i in range(n)]
        self.metainfo = dict(classes=('a', 'b', 'c'))

    def __len__(self):
        return len(self.infos)

    def get_data_info(self, index):
        return dict(self.infos[index])


def _real_items(n):
    return _RealImages(n)


def test_tiny_unet_trains_and_loss_goes_down():
    model = _model()
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='Adam', lr=2e-3)))
    batch = _batch()
    torch.manual_seed(0)
    losses = []
    for _ in range(60):
        log = model.train_step(batch, optim)
        losses.append(float(log['loss_ddpm']))
        assert set(log) >= {'loss', 'loss_ddpm'}
    assert sum(losses[-10:]) / 10 < 0.7 * sum(losses[:10]) / 10


def test_cbdm_needs_the_class_prior():
    model = _model(class_counts=None, label_drop_prob=0.0)
    data = model.data_preprocessor(_batch(), True)
    with pytest.raises(RuntimeError, match='TrainClassCountsHook'):
        model(**data, mode='loss')
    model.set_class_counts([1, 1, 1])
    assert 'loss_cbdm' in model(**data, mode='loss')


def test_cbdm_draws_y_prime_from_the_class_prior(monkeypatch):
    """L_CBDM's y' ~ the training prior: class 1 (count 0) is never drawn,
    and classes 0 and 2 come in the ratio 8 : 2."""
    model = _model(class_counts=[8, 0, 2], label_drop_prob=0.0)
    drawn = []

    def denoise(x, t, labels, *args):
        drawn.append(labels.clone())
        return torch.zeros_like(x)

    monkeypatch.setattr(model, 'denoise', denoise)
    torch.manual_seed(0)
    images = torch.zeros(1000, 3, 8, 8)
    labels = torch.zeros(1000, dtype=torch.long)
    model.loss(images, labels)
    assert len(drawn) == 2 and torch.equal(drawn[0], labels)
    counts = torch.bincount(drawn[1], minlength=3)
    assert counts[1] == 0
    # Binomial(1000, 0.8): the mean 800, std 12.6; 4 std either side.
    assert 750 <= int(counts[0]) <= 850


def test_label_dropout_modes():
    model = _model(label_drop_prob=1.0)  # every batch unconditional
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert 'loss_cbdm' not in losses  # skipped on dropped batches (CBDM code)
    model = _model(label_drop_prob=0.5, label_drop_mode='sample')
    assert 'loss_ddpm' in model(**data, mode='loss')
    with pytest.raises(ValueError, match='label_drop_mode'):
        _model(label_drop_mode='class')


def test_ada_embedding_is_zero_for_identity():
    model = _model(ada=dict(p=1.0))
    data = model.data_preprocessor(_batch(), True)
    assert 'loss_ddpm' in model(**data, mode='loss')
    # The CBDM set by default: a 9-dim condition.
    assert model.augment_dim == 9
    zero = torch.zeros(2, 9)
    assert torch.count_nonzero(model.augment_embedding(zero)) == 0
    assert _model(ada=dict(pipeline='simple')).augment_dim == 6
    with pytest.raises(ValueError, match='pipeline'):
        _model(ada=dict(pipeline='edm'))


def test_cbdm_augment_flips_exactly_and_conditions_every_transform():
    from diffult_plugin.models.diffusion import cbdm_augment
    images = torch.rand(64, 3, 8, 8) * 2 - 1
    g = torch.Generator().manual_seed(0)
    # p = 0: only the x-flip, with probability 1/2, applied exactly.
    out, cond = cbdm_augment(images, p=0.0, generator=g)
    assert cond.shape == (64, 9) and (cond[:, 1:] == 0).all()
    flipped = cond[:, 0] == 1
    assert 10 < int(flipped.sum()) < 54
    assert torch.equal(out[flipped], images[flipped].flip(3))
    assert torch.equal(out[~flipped], images[~flipped])
    # p = 1: every image gets a scale, rotation, anisotropy and shift, each
    # in its own condition entries; the result is a resampled image.
    out, cond = cbdm_augment(images, p=1.0, generator=g)
    assert (cond[:, [2, 4, 7, 8]] != 0).all()
    assert torch.allclose(cond[:, 3], torch.cos(torch.atan2(
        cond[:, 4], cond[:, 3] + 1)) - 1, atol=1e-6)
    assert not torch.allclose(out, images)
    # Deterministic under a generator.
    a = cbdm_augment(images, p=0.5, generator=torch.Generator().manual_seed(1))
    b = cbdm_augment(images, p=0.5, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_cbdm_augment_coordinates_shift_by_the_size_fraction():
    """cbdm_augment's coordinates: a shift of 1/8 of the size (2/8 in
    affine_grid's [-1, 1] units) moves an 8-pixel image by 1 pixel
    (interior pixels; bicubic resampling at integer shifts is exact)."""
    from diffult_plugin.models.diffusion.ada_augment import _translate
    images = torch.arange(64.0).reshape(1, 1, 8, 8).repeat(1, 3, 1, 1) / 64
    forward = _translate(torch.tensor([2 / 8]), torch.tensor([0.0]))
    theta = torch.linalg.inv(forward)[:, :2, :]
    grid = torch.nn.functional.affine_grid(theta, images.shape,
                                           align_corners=False)
    moved = torch.nn.functional.grid_sample(
        images, grid, mode='bicubic', padding_mode='reflection',
        align_corners=False)
    # Output column j shows input column j - 1.
    assert torch.allclose(moved[..., 2:6], images[..., 1:5], atol=1e-5)


@pytest.mark.parametrize('sampler,steps', [('ddpm', 10), ('ddim', 5),
                                           ('dpm-solver++', 5)])
def test_samplers_deterministic_uint8(sampler, steps):
    model = _model()
    labels = [0, 1, 2, 2, 1]
    a = model.sample(labels, steps, sampler, seed=3, batch_size=2)
    b = model.sample(labels, steps, sampler, seed=3, batch_size=2)
    c = model.sample(labels, steps, sampler, seed=4, batch_size=2)
    assert a.shape == (5, 3, 8, 8) and a.dtype == torch.uint8
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_classifier_free_guidance_changes_samples():
    model = _model()
    # Make the class embedding matter.
    torch.nn.init.normal_(model.class_embedding.weight, std=5.0)
    plain = model.sample([0, 1], 5, 'ddim', guidance_scale=0.0, seed=0)
    guided = model.sample([0, 1], 5, 'ddim', guidance_scale=2.0, seed=0)
    assert not torch.equal(plain, guided)


def test_guided_epsilon_is_the_cfg_combination(monkeypatch):
    """eps = eps_c + w (eps_c - eps_u) (Ho and Salimans; w = 0 is plain
    conditional sampling), with eps_c from the class and eps_u from the
    null class, at every step."""
    model = _model()
    eps_c, eps_u, w = 0.1, -0.3, 2.0

    def denoise(x, t, labels, *args):
        out = torch.full_like(x, eps_c)
        out[labels == model.null_class] = eps_u
        return out

    seen = []
    make_scheduler = model._sampling_scheduler

    def scheduler_spy(sampler):
        scheduler = make_scheduler(sampler)
        step = scheduler.step

        def recording_step(eps, *args, **kwargs):
            seen.append(eps.clone())
            return step(eps, *args, **kwargs)

        scheduler.step = recording_step
        return scheduler

    monkeypatch.setattr(model, 'denoise', denoise)
    monkeypatch.setattr(model, '_sampling_scheduler', scheduler_spy)
    model.sample([0, 2], 3, 'ddim', guidance_scale=w, seed=0)
    assert len(seen) == 3
    for eps in seen:  # 0.1 + 2 * (0.1 + 0.3) = 0.9
        assert torch.allclose(eps, torch.full_like(eps, 0.9))
    seen.clear()
    model.sample([0, 2], 3, 'ddim', guidance_scale=0.0, seed=0)
    assert all(torch.allclose(eps, torch.full_like(eps, eps_c))
               for eps in seen)


def test_sample_bad_arguments():
    model = _model()
    with pytest.raises(ValueError, match='sampler'):
        model.sample([0], 2, 'euler')
    with pytest.raises(ValueError, match='labels'):
        model.sample([3], 2, 'ddim')


def test_predict_returns_generated_images():
    model = _model(sample_cfg=dict(num_steps=2, sampler='ddim'))
    samples = [DataSample().set_gt_label(1) for _ in range(2)]
    out = model(labels=torch.tensor([1, 1]), data_samples=samples,
                mode='predict')
    assert out[0].gen_img.shape == (3, 8, 8)
    assert int(out[1].gt_label) == 1


def test_aid_loss_with_phi0(tmp_path):
    config, checkpoint = make_phi0(str(tmp_path), num_classes=3)
    real = _real_items(9)
    model = _model(
        aid=dict(phi0_config=config, phi0_checkpoint=checkpoint,
                 real_dataset=real, alpha=0.1))
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert losses['loss_aid'] > 0
    assert model.aid_d_f_global > 0 and (model.aid_d_f > 0).all()
    losses['loss_aid'].backward()
    assert model.unet.conv_out.weight.grad is not None
    assert all(p.grad is None for p in model.phi0.parameters())


def test_phi0_class_count_mismatch_is_refused(tmp_path):
    config, checkpoint = make_phi0(str(tmp_path), num_classes=5)
    with pytest.raises(ValueError, match='classifies 5 classes'):
        _model(aid=dict(phi0_config=config, phi0_checkpoint=checkpoint,
                        real_dataset=[]))


def test_feature_statistics_by_hand():
    feats = torch.tensor([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0], [0.0, 1.0]])
    labels = torch.tensor([0, 0, 1, 2])
    stats = feature_statistics(feats, labels, 3, reading='diameter')
    assert torch.allclose(stats['class_means'][0], torch.tensor([1.5, 2.0]))
    assert stats['d_f_per_class'][0] == pytest.approx(5.0)
    # classes with one sample fall back to the global max distance
    global_max = float(torch.cdist(feats, feats).max())
    assert stats['d_f_global'] == pytest.approx(global_max)
    assert stats['d_f_per_class'][1] == pytest.approx(global_max)


def test_d_f_readings_by_hand():
    # class 0: four points at distance 1 from (0, 0); class 1: two at
    # distance 1 and two at distance 3 from (10, 0).
    feats = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0],
                          [11.0, 0.0], [9.0, 0.0], [10.0, 3.0],
                          [10.0, -3.0]])
    labels = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    radius = feature_statistics(feats, labels, 2)  # the default reading
    assert torch.allclose(radius['class_means'],
                          torch.tensor([[0.0, 0.0], [10.0, 0.0]]))
    assert radius['d_f_per_class'].tolist() == pytest.approx([1.0, 3.0])
    assert radius['d_f_global'] == pytest.approx(3.0)
    diameter = feature_statistics(feats, labels, 2, reading='diameter')
    assert diameter['d_f_per_class'].tolist() == pytest.approx([2.0, 6.0])
    assert diameter['d_f_global'] == pytest.approx(12.0)  # (-1,0)-(11,0)
    # Median of (1, 1, 3, 3) by linear interpolation: 2; of all eight
    # distances (1 x6, 3 x2): 1.
    median = feature_statistics(feats, labels, 2, reading='quantile',
                                quantile=0.5)
    assert median['d_f_per_class'].tolist() == pytest.approx([1.0, 2.0])
    assert median['d_f_global'] == pytest.approx(1.0)
    with pytest.raises(ValueError, match='d_f_reading'):
        feature_statistics(feats, labels, 2, reading='mean')
    with pytest.raises(ValueError, match='d_f_quantile'):
        feature_statistics(feats, labels, 2, reading='quantile', quantile=0)


def test_unet_presets_sizes():
    unets = {
        name: DiffuLTDiffusion(num_classes=100, unet=name, cbdm=None).unet
        for name in ('ddpm-cifar', 'tiny')
    }
    sizes = {name: sum(p.numel() for p in unet.parameters())
             for name, unet in unets.items()}
    # The DDPM CIFAR UNet of the paper / CBDM code: ~35.7 M parameters.
    assert 35.5e6 < sizes['ddpm-cifar'] < 36.0e6
    assert 1.0e6 < sizes['tiny'] < 2.0e6
    # Single-head attention at 16x16 and in the middle block, as DDPM.
    attentions = [m for m in unets['ddpm-cifar'].modules()
                  if type(m).__name__ == 'Attention']
    assert attentions and all(m.heads == 1 for m in attentions)
    assert {m.to_q.in_features for m in attentions} == {256}


def test_aid_start_iter_follows_the_message_hub(tmp_path):
    from mmengine.logging import MessageHub
    config, checkpoint = make_phi0(str(tmp_path), num_classes=3)
    real = _real_items(6)
    model = _model(
        aid=dict(phi0_config=config, phi0_checkpoint=checkpoint,
                 real_dataset=real, start_iter=5))
    data = model.data_preprocessor(_batch(), True)
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 4)
    assert 'loss_aid' not in model(**data, mode='loss')
    hub.update_info('iter', 5)
    assert 'loss_aid' in model(**data, mode='loss')


def test_v_prediction_targets_v_and_reads_back_as_eps(monkeypatch):
    model = _model(prediction_type='v_prediction', snr_gamma=5.0, cbdm=None)
    data = model.data_preprocessor(_batch(), True)
    captured = {}
    real_denoise = model.denoise

    def spy(x_t, timesteps, labels, augment_params=None):
        out = real_denoise(x_t, timesteps, labels, augment_params)
        captured.update(x_t=x_t, t=timesteps, out=out)
        return out

    noise_draws = []
    real_randn_like = torch.randn_like

    def randn_like(x, *args, **kwargs):
        noise_draws.append(real_randn_like(x, *args, **kwargs))
        return noise_draws[-1]

    monkeypatch.setattr(model, 'denoise', spy)
    monkeypatch.setattr(torch, 'randn_like', randn_like)
    losses = model.loss(data['inputs'], data['labels'])
    images, noise = data['inputs'], noise_draws[0]
    abar = model.alphas_cumprod[captured['t']].view(-1, 1, 1, 1)
    v = abar.sqrt() * noise - (1 - abar).sqrt() * images
    snr = (abar / (1 - abar)).flatten()
    weights = torch.clamp(snr, max=5.0) / (snr + 1)
    expected = (weights * ((captured['out'] - v)**2).flatten(1).mean(1)).mean()
    assert torch.isclose(losses['loss_ddpm'], expected, atol=1e-6)
    # The output converted to eps recovers the noise where it predicts v.
    eps = model.to_eps(v, captured['x_t'], captured['t'])
    assert torch.allclose(eps, noise, atol=1e-4)


def test_v_prediction_samples_and_is_read_by_every_sampler():
    model = _model(prediction_type='v_prediction')
    for sampler in ('ddpm', 'ddim', 'dpm-solver++'):
        assert model._sampling_scheduler(
            sampler).config.prediction_type == 'v_prediction'
        images = model.sample([0, 1, 2], 3, sampler, seed=0)
        assert images.shape == (3, 3, 8, 8) and images.dtype == torch.uint8
    with pytest.raises(ValueError, match='prediction_type'):
        _model(prediction_type='x0')
    with pytest.raises(ValueError, match='snr_gamma'):
        _model(snr_gamma=0)
