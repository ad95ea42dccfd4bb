from .cifar10_auto_augment import CIFAR10AutoAugment
from .diffult_filter import DiffuLTFilter
from .optimal_transport_filter import (OptimalTransportFilter,
                                       partial_sinkhorn)
from .phi0_confidence_filter import Phi0ConfidenceFilter
from .phi0_sample_filter import Phi0SampleFilter

__all__ = [
    'DiffuLTFilter', 'OptimalTransportFilter', 'partial_sinkhorn',
    'Phi0ConfidenceFilter', 'Phi0SampleFilter',
    'CIFAR10AutoAugment'
]
