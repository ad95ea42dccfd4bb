from .cifar_lt import CIFAR10LT, CIFAR100LT
from .class_label_dataset import ClassLabelDataset
from .cub_attributes import CUBAttributes
from .inaturalist_meta import INaturalistMeta, observation_meta
from .list_file_lt import (ImageNetLT, INaturalist2018, LongTailListDataset,
                           PlacesLT)
from .long_tail_dataset import LongTailDataset
from .metadata import META_KEYS, WithMetadata, spatiotemporal_meta
from .num_classes import AUTO, resolve_num_classes
from .long_tail_protocol import (class_counts_of, long_tail_class_counts,
                                 long_tail_indices)
from .samplers import ClassAwareSampler
from .transforms import *  # noqa: F401,F403

__all__ = [
    'CIFAR10LT', 'CIFAR100LT', 'ClassLabelDataset', 'LongTailDataset',
    'LongTailListDataset',
    'ImageNetLT', 'PlacesLT', 'INaturalist2018', 'long_tail_class_counts',
    'long_tail_indices', 'class_counts_of', 'ClassAwareSampler', 'AUTO',
    'resolve_num_classes', 'WithMetadata', 'spatiotemporal_meta', 'META_KEYS',
    'CUBAttributes', 'INaturalistMeta', 'observation_meta'
]
