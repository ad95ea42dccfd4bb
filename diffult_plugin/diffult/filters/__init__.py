"""Filters that judge synthetic candidates with phi0."""
from .base import (Phi0FilterTransform, Phi0SampleFilter, load_statistics,
                   save_statistics)
from .confidence import Phi0ConfidenceFilter
from .distance import DiffuLTFilter
from .optimal_transport import OptimalTransportFilter, partial_sinkhorn

__all__ = [
    'Phi0SampleFilter', 'Phi0FilterTransform', 'DiffuLTFilter', 'Phi0ConfidenceFilter',
    'OptimalTransportFilter', 'partial_sinkhorn', 'load_statistics',
    'save_statistics'
]
