from .classifier_retrain_hook import ClassifierRetrainHook
from .diffusion_sample_grid_hook import DiffusionSampleGridHook
from .epoch_state_hook import EpochStateHook
from .long_tail_results_hook import LongTailResultsHook
from .plugin_events_hook import PluginEventsHook
from .random_state_hook import RandomStateHook
from .train_class_counts_hook import TrainClassCountsHook
from .train_time_budget_hook import TrainTimeBudgetHook

__all__ = [
    'TrainClassCountsHook', 'DiffusionSampleGridHook', 'PluginEventsHook',
    'EpochStateHook', 'ClassifierRetrainHook', 'RandomStateHook',
    'LongTailResultsHook', 'TrainTimeBudgetHook'
]
