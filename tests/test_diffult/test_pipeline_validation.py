"""Settings that would fail after the long stages are refused in seconds,
before any stage trains, naming the setting and the fix."""
import os
import os.path as osp

import pytest
import torch

from diffult_plugin.diffult import DiffuLTDataset, DiffuLTPipeline
from tests.fixtures import make_cifar

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
GENERATOR = osp.join(ROOT, 'configs', 'diffusion',
                     'diffult-tiny_unet_cifar10lt-jpg_cpu.py')
PHI0 = osp.join(ROOT, 'configs', 'baselines',
                'ce_resnet32_cifar10lt-jpg_cpu-20e.py')


def _proxy(root, target=15):
    return DiffuLTDataset(
        dataset=dict(type='CIFAR10LT', data_root=root, split='train',
                     n_max=20, imbalance_factor=10, verify_md5=False,
                     pipeline=[dict(type='PackInputs')]), target=target)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    return make_cifar(str(tmp_path_factory.mktemp('cifar')), 10, 20, 2)


def _checkpoint(path, **tensors):
    torch.save(dict(state_dict=tensors), path)
    return path


def _refused(pipeline, proxy, tmp_path, match):
    work_dir = str(tmp_path / 'work')
    with pytest.raises((ValueError, FileNotFoundError), match=match):
        pipeline(work_dir, proxy)
    # Refused before any stage or bank folder was made.
    assert not osp.exists(work_dir) or not os.listdir(work_dir)


def test_a_target_without_synthetic_slots(root, tmp_path):
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR),
             _proxy(root, target=1), tmp_path, 'leaves no synthetic slot')
    # Nothing trains without slots when real images fill them unfiltered:
    # such a proxy is the real set, and allowed.
    proxy = _proxy(root, target=1)
    bank = DiffuLTPipeline(source='oracle', filter=None)(
        str(tmp_path / 'oracle'), proxy)
    assert len(bank) == 0


def test_an_unregistered_filter(root, tmp_path):
    _refused(
        DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                        filter=dict(type='NoSuchFilter')),
        _proxy(root), tmp_path, "filter: type 'NoSuchFilter' is not")


def test_missing_or_incomplete_checkpoints(root, tmp_path):
    _refused(
        DiffuLTPipeline(phi0_config=PHI0,
                        phi0_checkpoint=str(tmp_path / 'none.pth'),
                        generator_config=GENERATOR),
        _proxy(root), tmp_path, 'phi0_checkpoint: .* is missing')
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    _refused(
        DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                        generator_checkpoint=str(empty)),
        _proxy(root), tmp_path, 'not a complete checkpoint')


def test_checkpoints_of_another_class_count(root, tmp_path):
    # A generator of 5 classes (+ the null class) for a 10-class set.
    generator = _checkpoint(str(tmp_path / 'g.pth'),
                            **{'class_embedding.weight': torch.zeros(6, 4)})
    _refused(
        DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                        generator_checkpoint=generator),
        _proxy(root), tmp_path, 'trained for 5 classes, the training set '
        'has 10')
    phi0 = _checkpoint(str(tmp_path / 'p.pth'),
                       **{'head.fc.weight': torch.zeros(3, 64),
                          'head.fc.bias': torch.zeros(3)})
    _refused(
        DiffuLTPipeline(phi0_config=PHI0, phi0_checkpoint=phi0,
                        generator_config=GENERATOR),
        _proxy(root), tmp_path, 'phi0_checkpoint: .* trained for 3 classes')


def test_a_stage_config_that_does_not_exist(root, tmp_path):
    _refused(
        DiffuLTPipeline(phi0_config=PHI0,
                        generator_config=str(tmp_path / 'gen.py')),
        _proxy(root), tmp_path, 'generator_config: .* does not exist')


def test_a_latent_generator_without_its_autoencoder(root, tmp_path):
    latent = osp.join(ROOT, 'configs', 'diffusion',
                      'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py')
    os.environ.pop('DIFFULT_AE_CHECKPOINT', None)
    # Its default autoencoder checkpoint (work_dirs/latent-ae/...) is not
    # there: refused before phi0 trains, naming the key and the fix.
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=latent),
             _proxy(root), tmp_path,
             r'model.autoencoder.checkpoint: .* does not exist; give an '
             r'existing one, or checkpoint=None')


def test_a_latent_generator_whose_autoencoder_becomes_a_stage(root):
    # generator_cfg_options that set the autoencoder checkpoint to None
    # make it a stage: the missing default checkpoint is no error then.
    latent = osp.join(ROOT, 'configs', 'diffusion',
                      'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py')
    os.environ.pop('DIFFULT_AE_CHECKPOINT', None)
    proxy = _proxy(root)
    DiffuLTPipeline(
        phi0_config=PHI0, generator_config=latent,
        generator_cfg_options={'model.autoencoder.checkpoint': None}
    ).validate(proxy)
    with pytest.raises(FileNotFoundError, match='model.autoencoder'):
        DiffuLTPipeline(phi0_config=PHI0,
                        generator_config=latent).validate(proxy)


LATENT = osp.join(ROOT, 'configs', 'diffusion',
                  'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py')


def _training_checkpoint(path, iteration, **tensors):
    """What mmengine saves mid-training: weights, optimiser, iteration."""
    tensors.setdefault('class_embedding.weight', torch.zeros(11, 4))
    torch.save(dict(meta=dict(iter=iteration), state_dict=tensors,
                    optimizer=dict(state={}, param_groups=[])), path)
    return path


def test_a_generator_to_continue_that_cannot_continue(root, tmp_path):
    proxy = _proxy(root)
    # The tiny CPU config trains to 750 iterations.
    done = _training_checkpoint(str(tmp_path / 'iter_750.pth'), 750)
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                             generator_resume_from=done),
             proxy, tmp_path, r'is at iteration 750, the generator config '
             r'trains to train_cfg.max_iters=750: nothing to continue')
    weights_only = _checkpoint(str(tmp_path / 'ema.pth'),
                               **{'class_embedding.weight': torch.zeros(11,
                                                                        4)})
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                             generator_resume_from=weights_only),
             proxy, tmp_path, 'is not a training checkpoint')
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                             generator_resume_from=str(tmp_path / 'no.pth')),
             proxy, tmp_path, 'generator_resume_from: .*no.pth does not '
             'exist')
    # Another class count: refused like a generator_checkpoint.
    five = _training_checkpoint(
        str(tmp_path / 'iter_5.pth'), 5,
        **{'class_embedding.weight': torch.zeros(6, 4)})
    _refused(DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                             generator_resume_from=five),
             proxy, tmp_path, 'generator_resume_from: .* trained for 5 '
             'classes')
    # Halfway, 10 classes: accepted (the warm-up ended at iteration 101).
    DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                    generator_resume_from=_training_checkpoint(
                        str(tmp_path / 'iter_375.pth'), 375)
                    ).validate(proxy)
    for contradiction, match in ((dict(generator_checkpoint=done),
                                  'contradicts `generator_checkpoint`'),
                                 (dict(source='oracle'),
                                  "contradicts source='oracle'")):
        with pytest.raises(ValueError, match=match):
            DiffuLTPipeline(phi0_config=PHI0, generator_config=GENERATOR,
                            generator_resume_from=done, **contradiction)


def test_a_latent_generator_continues_only_on_its_own_autoencoder(
        root, tmp_path):
    proxy = _proxy(root)
    latents = dict(latent_mean=torch.zeros(4), latent_std=torch.ones(4))
    resumed = _training_checkpoint(
        str(tmp_path / 'iter_1000.pth'), 1000,
        **{f'autoencoder.model.{k}': v for k, v in latents.items()})
    own = _checkpoint(str(tmp_path / 'ae.pth'), **latents)
    other = _checkpoint(str(tmp_path / 'other_ae.pth'),
                        latent_mean=torch.zeros(4),
                        latent_std=torch.full((4, ), 2.0))

    def pipeline(autoencoder):
        return DiffuLTPipeline(
            phi0_config=PHI0, generator_config=LATENT,
            generator_resume_from=resumed,
            generator_cfg_options={'model.autoencoder.checkpoint':
                                   autoencoder,
                                   'train_cfg.max_iters': 2000})

    pipeline(own).validate(proxy)
    _refused(pipeline(other), proxy, tmp_path,
             'trained on another autoencoder than .*other_ae.pth')
    # None would train a new autoencoder as a stage: refused.
    _refused(pipeline(None), proxy, tmp_path,
             'continues only on the latents it was trained on')
