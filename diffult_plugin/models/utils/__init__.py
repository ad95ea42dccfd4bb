from .adaptive_parametric_activation import AGLU, APA, apa, build_activation
from .class_counts import (ClassCountsMixin, check_posthoc_kind,
                           effective_number_weights)
from .frozen_classifier import (D_F_READINGS, Phi0FeatureExtractor,
                                check_d_f_reading, feature_statistics,
                                max_pairwise_distance, real_features)
from .meta_encoder import MetaEncoder, ResNormLayer
from .metadata_batch import (MASK_SCHEDULES, batch_metadata, drop_metadata,
                             mask_prob_at, training_progress)
from .multi_view_data_preprocessor import MultiViewClsDataPreprocessor
from .sample_weighted_data_preprocessor import \
    SampleWeightedClsDataPreprocessor
from .sample_weights import sample_weights_of, weighted_average_factor
from .squeeze_excitation import SqueezeExcitation

__all__ = [
    'APA', 'AGLU', 'apa', 'build_activation', 'SqueezeExcitation',
    'MultiViewClsDataPreprocessor', 'SampleWeightedClsDataPreprocessor',
    'ClassCountsMixin', 'check_posthoc_kind', 'effective_number_weights',
    'Phi0FeatureExtractor', 'feature_statistics', 'real_features',
    'max_pairwise_distance', 'D_F_READINGS', 'check_d_f_reading',
    'sample_weights_of', 'weighted_average_factor', 'MetaEncoder',
    'ResNormLayer', 'MASK_SCHEDULES', 'batch_metadata', 'drop_metadata',
    'mask_prob_at', 'training_progress'
]
