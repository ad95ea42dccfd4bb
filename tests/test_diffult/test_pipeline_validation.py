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
