"""Write a per-class grid of generated samples at each validation."""
import os.path as osp
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from diffult_plugin.utils import save_class_grid


@HOOKS.register_module()
class DiffusionSampleGridHook(Hook):
    """Sample ``per_class`` images of each class with a fixed seed after each
    validation and save them as one PNG (a row per class) under
    ``work_dir/samples/``. Runs before mmengine's EMAHook swaps the weights
    back, so the grid shows the EMA model when EMA is on.

    Args:
        per_class (int): Images per class (columns). Defaults to 8.
        max_classes (int, optional): Show the first classes only (None: all).
        num_steps (int): Sampling steps. Defaults to 50.
        sampler (str): 'ddpm', 'ddim' or 'dpm-solver++'. Defaults to 'ddim'.
        guidance_scale (float): CFG weight. Defaults to 0.
        seed (int): Seed, fixed so grids are comparable over training.
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 per_class: int = 8,
                 max_classes: Optional[int] = None,
                 num_steps: int = 50,
                 sampler: str = 'ddim',
                 guidance_scale: float = 0.0,
                 seed: int = 0):
        self.per_class = per_class
        self.max_classes = max_classes
        self.sample_kwargs = dict(
            num_steps=num_steps,
            sampler=sampler,
            guidance_scale=guidance_scale,
            seed=seed)

    def after_val_epoch(self, runner, metrics=None) -> None:
        if runner.rank != 0:
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        classes = model.num_classes if self.max_classes is None else min(
            self.max_classes, model.num_classes)
        labels = torch.arange(classes).repeat_interleave(self.per_class)
        images = model.sample(labels, **self.sample_kwargs)
        path = osp.join(runner.work_dir, 'samples',
                        f'iter_{runner.iter}.png')
        save_class_grid(images, self.per_class, path)
        runner.logger.info(f'sample grid ({classes} classes x '
                           f'{self.per_class}) saved to {path}')
