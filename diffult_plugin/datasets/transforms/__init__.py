from .cifar10_auto_augment import CIFAR10AutoAugment
from .diffult_filter import DiffuLTFilter
from .phi0_confidence_filter import Phi0ConfidenceFilter
from .phi0_sample_filter import Phi0SampleFilter

__all__ = [
    'DiffuLTFilter', 'Phi0ConfidenceFilter', 'Phi0SampleFilter',
    'CIFAR10AutoAugment'
]
