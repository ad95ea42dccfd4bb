"""Where synthetic candidates come from: a trained generator, the oracle, or
copies of real training images (the oversampling control)."""
import hashlib
from typing import Optional

import numpy as np
import torch

from diffult_plugin.datasets.raw_images import rgb_image_of_info
from diffult_plugin.utils.atomic_io import sha256_file


def shard_seed(seed: int, label: int, shard: int) -> int:
    """A seed per (bank seed, class, shard), independent of which rank or
    which run generates the shard."""
    digest = hashlib.sha256(f'{seed}/{label}/{shard}'.encode()).digest()
    return int.from_bytes(digest[:4], 'little')


def class_pools(labels, seed: int) -> dict:
    """{class: the positions of its samples in a seeded order}."""
    labels = np.asarray(labels, dtype=np.int64)
    rng = np.random.RandomState(seed)
    pools = {}
    for c in np.unique(labels):
        pool = np.flatnonzero(labels == c)
        pools[int(c)] = pool[rng.permutation(len(pool))]
    return pools


class DiffusionSource:
    """Candidates sampled from a trained ``DiffuLTDiffusion``.

    Args:
        model (DiffuLTDiffusion): The generator (EMA weights), on its device.
        checkpoint (str): Its checkpoint (hashed into the bank fingerprint).
        sampler (str): 'ddpm', 'ddim' or 'dpm-solver++'.
        num_steps (int, optional): Denoising steps.
        guidance_scale (float): CFG weight w.
        batch_size (int): Images per forward pass.
    """

    def __init__(self, model, checkpoint: str, sampler: str = 'ddim',
                 num_steps: Optional[int] = 50, guidance_scale: float = 0.0,
                 batch_size: int = 256):
        self.model = model
        self.checkpoint = checkpoint
        self.sampler = sampler
        self.num_steps = num_steps
        self.guidance_scale = guidance_scale
        self.batch_size = batch_size

    def generate(self, label: int, count: int, seed: int,
                 offset: int) -> np.ndarray:
        images = self.model.sample([label] * count,
                                   num_steps=self.num_steps,
                                   sampler=self.sampler,
                                   guidance_scale=self.guidance_scale,
                                   seed=seed,
                                   batch_size=self.batch_size)
        return images.permute(0, 2, 3, 1).contiguous().numpy()

    def fingerprint(self) -> dict:
        return dict(
            type='diffusion',
            checkpoint_sha256=sha256_file(self.checkpoint),
            sampler=self.sampler,
            num_steps=self.num_steps,
            guidance_scale=float(self.guidance_scale),
            batch_size=self.batch_size)


class OracleSource:
    """Real images that the long-tail subsampling left out, per class.

    The upper bound of the proxy: slots hold real images of their class
    instead of generated ones, so the gap to it measures the generator
    alone. The training set must know what it dropped
    (``left_out_data_list()``: ``LongTailDataset``, ``CIFAR10LT``,
    ``CIFAR100LT``); the pool of class c is its dropped images in a seeded
    order.

    Args:
        long_tail_dataset: The real long-tailed training set.
        seed (int): Order of each class's pool. Defaults to 0.
    """

    def __init__(self, long_tail_dataset, seed: int = 0):
        if not hasattr(long_tail_dataset, 'left_out_data_list'):
            raise ValueError(
                'the oracle generator needs a long-tailed view of a full '
                'dataset (LongTailDataset, CIFAR10LT or CIFAR100LT); '
                f'{type(long_tail_dataset).__name__} cannot list the images '
                'it left out.')
        self.infos = long_tail_dataset.left_out_data_list()
        self.pools = class_pools([int(i['gt_label']) for i in self.infos],
                                 seed)
        self.seed = seed

    def available(self, label: int) -> int:
        return len(self.pools.get(label, ()))

    def generate(self, label: int, count: int, seed: int,
                 offset: int) -> np.ndarray:
        pool = self.pools.get(label, np.zeros(0, np.int64))
        chosen = pool[offset:offset + count]
        if len(chosen) == 0:
            return np.zeros((0, 1, 1, 3), np.uint8)
        return np.stack([rgb_image_of_info(self.infos[int(i)]) for i in chosen])

    def fingerprint(self) -> dict:
        return dict(type='oracle', seed=self.seed, pool=len(self.infos))


class RealCopySource:
    """Copies of the class's own real training images: the oversampling
    control of the proxy.

    The slots of class c are filled by cycling through the real long-tailed
    images of class c in a seeded order (each image once before any image
    twice). With the same slots, omega and iterations as a DiffuLT run, this
    arm gets everything the proxy changes (more steps per epoch, the class
    reweighting that omega * slots implies, more passes over tail images)
    except new images, so "DiffuLT minus control" is what the generated
    images themselves add (CPU protocol v2, benchmarks/RESULTS.md). Random
    crop and flip still vary each copy, as they vary the originals.

    Args:
        long_tail_dataset: The real long-tailed training set (any dataset
            whose ``get_data_info`` holds ``gt_label`` and an image).
        seed (int): Order of each class's cycle. Defaults to 0.
    """

    def __init__(self, long_tail_dataset, seed: int = 0):
        self.dataset = long_tail_dataset
        self.pools = class_pools([
            int(long_tail_dataset.get_data_info(i)['gt_label'])
            for i in range(len(long_tail_dataset))
        ], seed)
        self.seed = seed

    def generate(self, label: int, count: int, seed: int,
                 offset: int) -> np.ndarray:
        pool = self.pools.get(label)
        if pool is None or len(pool) == 0 or count <= 0:
            raise ValueError(
                f'RealCopySource: class {label} has no real training image '
                'to copy; the oversampling control needs at least one per '
                'class that gets slots.')
        chosen = pool[(offset + np.arange(count)) % len(pool)]
        return np.stack([
            rgb_image_of_info(self.dataset.get_data_info(int(i)))
            for i in chosen
        ])

    def fingerprint(self) -> dict:
        return dict(type='real-copies', seed=self.seed,
                    pool=int(sum(len(p) for p in self.pools.values())))


def load_generator(config, checkpoint: str, device: str = 'cpu'):
    """Build the generator of a generator config and load EMA weights.

    The checkpoint's ``state_dict`` holds the EMA weights when the run used
    mmengine's ``EMAHook`` (the hook swaps them in before saving). phi0 and
    the L_AID buffers are training-only and are dropped.
    """
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    model_cfg = dict(cfg['model'])
    model_cfg['aid'] = None  # sampling needs no phi0
    model = MODELS.build(model_cfg)
    from diffult_plugin.utils.safe_loading import check_checkpoint
    check_checkpoint(checkpoint, 'generator checkpoint')
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state = state.get('state_dict', state)
    state = {
        k: v
        for k, v in state.items()
        if not k.startswith(('phi0.', 'aid_'))
    }
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(
            f'generator checkpoint {checkpoint} does not fit the model of '
            f'its config (missing {missing[:3]}, unexpected '
            f'{unexpected[:3]}); give the config it was trained with.')
    if getattr(model, 'num_classes', None) is None:
        raise ValueError('the generator config does not build a '
                         'class-conditional DiffuLTDiffusion.')
    return model.to(device).eval()
