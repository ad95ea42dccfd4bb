from .bank_builder import BankBuilder
from .sources import DiffusionSource, OracleSource, load_generator
from .stages import run_training_stage

__all__ = [
    'BankBuilder', 'DiffusionSource', 'OracleSource', 'load_generator',
    'run_training_stage'
]
