"""Every config in configs/ parses and builds its model; the schedules give
the learning rates of their recipes."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim.scheduler import LinearLR, MultiStepLR  # noqa: F401
from mmengine.registry import PARAM_SCHEDULERS
from mmpretrain.registry import HOOKS, MODELS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmpretrain'
    assert 'diffult_plugin' in cfg.custom_imports['imports']
    if cfg.model.type == 'LatentAutoencoder':
        # The latent generator's autoencoder: reconstructs at its size.
        model = MODELS.build(cfg.model)
        images = torch.zeros(2, 3, model.image_size, model.image_size)
        assert model(images, mode='tensor').shape == images.shape
        assert cfg.train_cfg.type == 'IterBasedTrainLoop'
        return
    if cfg.model.type == 'DiffuLTDiffusion':
        if cfg.model.get('autoencoder'):
            # Its checkpoint is an artifact of another run (the latent
            # tests build one); the architecture builds from the config.
            assert osp.isfile(cfg.model.autoencoder.config)
            cfg.model.autoencoder.checkpoint = None
        # phi0's checkpoint is an artifact of another run; L_AID and the
        # phi0 metric are tested with a generated one elsewhere.
        aid = cfg.model.pop('aid', None)
        if aid is not None:
            assert aid.phi0_checkpoint and aid.real_dataset
            assert cfg.val_evaluator.type == 'Phi0GeneratorQuality'
        model = MODELS.build(cfg.model)
        assert model.num_classes == cfg.val_dataloader.dataset.num_classes
        assert cfg.train_cfg.type == 'IterBasedTrainLoop'
        return
    if cfg.model.head.type == 'P2OTClusterHead':
        # Clustering (configs/p2ot/): cluster logits, no class head.
        model = MODELS.build(cfg.model)
        logits = model(torch.zeros(2, 3, 32, 32), mode='tensor')
        assert logits.shape == (2, cfg.model.head.num_clusters)
        return
    if cfg.model.type == 'MetaImageClassifier':
        # MetaFormer (configs/metaformer/): images of the backbone's size.
        model = MODELS.build(cfg.model)
        size = cfg.model.backbone.img_size
        logits = model(torch.zeros(1, 3, size, size), mode='tensor')
        assert logits.shape == (1, cfg.model.head.num_classes)
        assert cfg.data_preprocessor.num_classes == \
            cfg.model.head.num_classes
        return
    if cfg.model.head.num_classes == 'auto':
        # A config for any dataset (configs/examples/): tools/train.py fills
        # in the training set's count; any count builds.
        assert cfg.data_preprocessor.num_classes == 'auto'
        cfg.model.head.num_classes = cfg.data_preprocessor.num_classes = 7
    model = MODELS.build(cfg.model)
    num_classes = cfg.model.head.num_classes
    assert cfg.data_preprocessor.num_classes == num_classes
    logits = model(torch.zeros(2, 3, 32, 32), mode='tensor')
    assert logits.shape == (2, num_classes)
    hooks = [h.type for h in cfg.get('custom_hooks', [])]
    losses = [m for m in model.modules()
              if getattr(m, 'needs_class_counts', False)]
    if losses or getattr(model.head, 'posthoc_tau', 0):
        # Class priors must reach the losses / the post-hoc adjustment.
        assert 'TrainClassCountsHook' in hooks
    if any(getattr(m, 'reweight_epoch', 0) for m in losses) or \
            getattr(model.head, 'retrain_epoch', None) is not None:
        assert 'EpochStateHook' in hooks
    synthesis = [h for h in cfg.get('custom_hooks', [])
                 if h.type == 'DiffuLTSynthesisHook']
    if synthesis:
        # A DiffuLT job: the proxy dataset, the weighted head, stage configs
        # that exist and fit the dataset.
        assert cfg.train_dataloader.dataset.type == 'DiffuLTDataset'
        # A head that hands omega to its loss.
        from diffult_plugin.models.heads import (CosineClsHead,
                                                 DeiTLTClsHead,
                                                 MultiExpertClsHead,
                                                 WeightedLinearClsHead)
        assert isinstance(model.head, (WeightedLinearClsHead, CosineClsHead,
                                       MultiExpertClsHead, DeiTLTClsHead))
        hook = HOOKS.build(synthesis[0])
        if hook.source != 'generator':  # real images fill the slots
            return
        for stage in (hook.phi0_config, hook.generator_config):
            assert osp.isfile(stage), stage
        generator = Config.fromfile(hook.generator_config)
        phi0 = Config.fromfile(hook.phi0_config)
        if hook.stage_data == 'classifier':
            # The stages take the classifier's data and class count.
            assert generator.model.num_classes == 'auto'
            assert phi0.model.head.num_classes == 'auto'
            return
        assert generator.model.num_classes == num_classes
        assert phi0.model.head.num_classes == num_classes


def _lrs_per_epoch(cfg, epochs, restarts=None):
    """lr of each epoch; ``restarts`` maps an epoch to the lr that
    ClassifierRetrainHook sets before it."""
    restarts = restarts or {}
    param = torch.nn.Parameter(torch.zeros(1))
    optim = torch.optim.SGD([param], lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=optim))
        for s in cfg.param_scheduler
    ]
    lrs = []
    for epoch in range(epochs):
        if epoch in restarts:
            optim.param_groups[0]['lr'] = restarts[epoch]
        lrs.append(optim.param_groups[0]['lr'])
        optim.step()
        for s in schedulers:
            s.step()
    return lrs


def test_bbn_schedule_lr_per_epoch():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/_base_/schedules/cifar_bs128_200e_bbn.py'))
    lrs = _lrs_per_epoch(cfg, 200)
    # Warm-up 1/3 -> 1 over 5 epochs, then 0.1 -> 1e-3 (120) -> 1e-5 (160).
    expected_warmup = [0.1 * (1 / 3 + (2 / 3) * e / 5) for e in range(5)]
    assert lrs[:5] == pytest.approx(expected_warmup)
    assert lrs[5:120] == pytest.approx([0.1] * 115)
    assert lrs[120:160] == pytest.approx([1e-3] * 40)
    assert lrs[160:] == pytest.approx([1e-5] * 40)


def test_cpu_short_schedule_lr_per_epoch():
    cfg = Config.fromfile(
        osp.join(ROOT,
                 'configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py'))
    lrs = _lrs_per_epoch(cfg, 20)
    assert lrs[0] == pytest.approx(0.1 / 3)
    assert lrs[1:12] == pytest.approx([0.1] * 11)
    assert lrs[12:16] == pytest.approx([1e-3] * 4)
    assert lrs[16:] == pytest.approx([1e-5] * 4)


def test_ldam_schedule_lr_per_epoch():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/_base_/schedules/cifar_bs128_200e_ldam.py'))
    lrs = _lrs_per_epoch(cfg, 200)
    # lr * (e + 1) / 5 for e < 5, then 0.1 -> 1e-3 (160) -> 1e-5 (180).
    assert lrs[:5] == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.1])
    assert lrs[5:160] == pytest.approx([0.1] * 155)
    assert lrs[160:180] == pytest.approx([1e-3] * 20)
    assert lrs[180:] == pytest.approx([1e-5] * 20)


def test_shike_schedule_lr_per_epoch():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/baselines/shike_resnet32_cifar100lt.py'))
    hook = [h for h in cfg.custom_hooks
            if h.type == 'ClassifierRetrainHook'][0]
    lrs = _lrs_per_epoch(cfg, 200, {hook.begin_epoch: hook.lr})
    # Stage 1: 0.025, 0.05, ..., 0.15 over epochs 0-5, cosine to 0 at 180.
    assert lrs[:6] == pytest.approx([0.025 * (e + 1) for e in range(6)])
    assert lrs[6] == pytest.approx(0.15)
    assert lrs[179] < 1e-4
    # Stage 2: 0.05 -> 0.1 over epochs 180-185, cosine towards 0.
    assert lrs[180:186] == pytest.approx([0.05 + 0.01 * i for i in range(6)])
    assert lrs[199] < 0.01 and lrs[199] < lrs[190] < lrs[186]
