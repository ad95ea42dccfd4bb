from .diffult_synthesis_hook import DiffuLTSynthesisHook
from .diffusion_sample_grid_hook import DiffusionSampleGridHook
from .plugin_events_hook import PluginEventsHook
from .train_class_counts_hook import TrainClassCountsHook

__all__ = [
    'TrainClassCountsHook', 'DiffusionSampleGridHook', 'PluginEventsHook',
    'DiffuLTSynthesisHook'
]
