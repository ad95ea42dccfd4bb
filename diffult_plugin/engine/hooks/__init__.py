from .diffusion_sample_grid_hook import DiffusionSampleGridHook
from .train_class_counts_hook import TrainClassCountsHook

__all__ = ['TrainClassCountsHook', 'DiffusionSampleGridHook']
