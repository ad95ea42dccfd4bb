"""Tiny datasets in the real file formats, generated on the fly."""
import os
import os.path as osp
import pickle

import numpy as np
from PIL import Image


def _pickle(obj, path):
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def make_cifar(root: str,
               num_classes: int = 10,
               train_per_class: int = 20,
               test_per_class: int = 4,
               seed: int = 0) -> str:
    """Write CIFAR-10 or CIFAR-100 files in the official python layout.

    Images are random; a sample's label is readable from its pixels (the
    mean of the red channel grows with the label) so a classifier can learn.

    Returns:
        str: ``root`` (the folder that holds ``cifar-10-batches-py`` or
        ``cifar-100-python``).
    """
    rng = np.random.RandomState(seed)

    def split(per_class):
        labels = np.repeat(np.arange(num_classes), per_class)
        rng.shuffle(labels)
        data = rng.randint(0, 64, (len(labels), 3, 32, 32)).astype(np.uint8)
        data[:, 0] += (labels * (180 // num_classes)).astype(np.uint8)[:, None,
                                                                      None]
        return data.reshape(len(labels), -1), labels.tolist()

    if num_classes == 10:
        folder = osp.join(root, 'cifar-10-batches-py')
        os.makedirs(folder, exist_ok=True)
        data, labels = split(train_per_class)
        for i, (d, l) in enumerate(
                zip(np.array_split(data, 5), np.array_split(labels, 5))):
            _pickle({
                'data': d,
                'labels': [int(x) for x in l]
            }, osp.join(folder, f'data_batch_{i + 1}'))
        data, labels = split(test_per_class)
        _pickle({'data': data, 'labels': labels},
                osp.join(folder, 'test_batch'))
        _pickle({'label_names': [f'c{i}' for i in range(10)]},
                osp.join(folder, 'batches.meta'))
    elif num_classes == 100:
        folder = osp.join(root, 'cifar-100-python')
        os.makedirs(folder, exist_ok=True)
        for name, per_class in (('train', train_per_class),
                                ('test', test_per_class)):
            data, labels = split(per_class)
            _pickle(
                {
                    'data': data,
                    'fine_labels': labels,
                    'coarse_labels': [x // 5 for x in labels],
                    'filenames': [f'{i}.png' for i in range(len(labels))]
                }, osp.join(folder, name))
        _pickle({'fine_label_names': [f'c{i}' for i in range(100)]},
                osp.join(folder, 'meta'))
    else:
        raise ValueError('num_classes must be 10 or 100')
    return root


def make_image_folder(root: str,
                      classes=('a', 'b', 'c'),
                      per_class=(8, 8, 8),
                      size=32,
                      seed: int = 0) -> str:
    """Write a folder-per-class JPEG tree ``root/<class>/<n>.jpg``; images
    are ``size`` x ``size``, or take their sides in turn from a list of
    ``(height, width)`` in ``size``."""
    rng = np.random.RandomState(seed)
    sizes = [(size, size)] if isinstance(size, int) else list(size)
    n = 0
    for cls, count in zip(classes, per_class):
        os.makedirs(osp.join(root, cls), exist_ok=True)
        for i in range(count):
            height, width = sizes[n % len(sizes)]
            n += 1
            pixels = rng.randint(0, 255, (height, width, 3)).astype(np.uint8)
            Image.fromarray(pixels).save(osp.join(root, cls, f'{i:04d}.jpg'))
    return root


TINY_UNET = dict(
    block_out_channels=(8, 16),
    layers_per_block=1,
    down_block_types=('DownBlock2D', 'AttnDownBlock2D'),
    up_block_types=('AttnUpBlock2D', 'UpBlock2D'),
    norm_num_groups=4,
    attention_head_dim=8)

PHI0_CONFIG = '''
custom_imports = dict(imports=['diffult_plugin'], allow_failed_imports=False)
default_scope = 'mmpretrain'
data_preprocessor = dict(
    num_classes={num_classes}, mean=[125.3, 123.0, 113.9],
    std=[51.6, 50.8, 51.3])
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes={num_classes}, in_channels=64))
'''


def make_phi0(folder: str, num_classes: int = 10, seed: int = 0):
    """A randomly initialised CIFAR ResNet-20 classifier saved as an mmengine
    checkpoint, with its config file. Returns (config_path, checkpoint)."""
    import torch
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    os.makedirs(folder, exist_ok=True)
    config_path = osp.join(folder, 'phi0_config.py')
    with open(config_path, 'w') as f:
        f.write(PHI0_CONFIG.format(num_classes=num_classes))
    cfg = Config.fromfile(config_path)
    torch.manual_seed(seed)
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=dict(cfg.data_preprocessor)))
    model.init_weights()
    checkpoint = osp.join(folder, 'phi0.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), checkpoint)
    return config_path, checkpoint


def data_samples(labels, weights=None):
    """mmpretrain data samples with labels and, optionally, the
    ``sample_weight`` metainfo of DiffuLT's proxy."""
    from mmpretrain.structures import DataSample
    samples = []
    for i, label in enumerate(labels):
        sample = DataSample().set_gt_label(label)
        if weights is not None:
            sample.set_metainfo(dict(sample_weight=weights[i]))
        samples.append(sample)
    return samples


def load_script(*parts: str):
    """A script of the repository (``tools/...``, ``benchmarks/...``) as a
    module, without running its ``main``."""
    import importlib.util
    root = osp.dirname(osp.dirname(osp.abspath(__file__)))
    path = osp.join(root, *parts)
    spec = importlib.util.spec_from_file_location(
        'script_' + osp.splitext(parts[-1])[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
