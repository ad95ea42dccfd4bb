from .bank_builder import BankBuilder
from .sources import (DiffusionSource, OracleSource, RealCopySource,
                      load_generator)
from .stages import run_training_stage

__all__ = [
    'BankBuilder', 'DiffusionSource', 'OracleSource', 'RealCopySource',
    'load_generator',
    'run_training_stage'
]
