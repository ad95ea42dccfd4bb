"""The DiffuLT pipeline in one place.

Data flow of the main job (``configs/diffult_*``)::

    real long-tailed set --DiffuLTDataset--> proxy with planned slots
        |                                       ^
        v                                       | attach_bank
    DiffuLTSynthesisHook (adapter) --> DiffuLTPipeline:
        stages (phi0, generator) -> source (generator / oracle / copies)
        -> filter (distance / confidence / optimal transport) -> bank

``dataset`` is the proxy, ``pipeline`` composes the parts, ``hook`` runs the
pipeline in an mmengine run, ``bank`` stores the candidates, ``filters``
judge them, ``sources`` make them, ``stages`` train phi0 and the generator.
"""
from .bank import BankBuilder, BankMismatchError, DonorBanks, SyntheticBank
from .dataset import DiffuLTDataset, plan_slots
from .filters import (DiffuLTFilter, OptimalTransportFilter,
                      Phi0ConfidenceFilter, Phi0SampleFilter,
                      partial_sinkhorn)
from .hook import DiffuLTSynthesisHook, find_diffult_dataset
from .pipeline import SOURCES, DiffuLTPipeline
from .sources import (DiffusionSource, OracleSource, RealCopySource,
                      load_generator)
from .stages import run_training_stage

__all__ = [
    'DiffuLTDataset', 'plan_slots', 'DiffuLTPipeline', 'DiffuLTSynthesisHook',
    'find_diffult_dataset', 'SOURCES', 'BankBuilder', 'BankMismatchError',
    'DonorBanks', 'SyntheticBank', 'DiffuLTFilter', 'OptimalTransportFilter',
    'Phi0ConfidenceFilter', 'Phi0SampleFilter', 'partial_sinkhorn',
    'DiffusionSource', 'OracleSource', 'RealCopySource', 'load_generator',
    'run_training_stage'
]
