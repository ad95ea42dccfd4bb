from .cifar10_auto_augment import CIFAR10AutoAugment

__all__ = ['CIFAR10AutoAugment']
