from .adaptive_parametric_activation import AGLU, APA, apa, build_activation
from .multi_view_data_preprocessor import MultiViewClsDataPreprocessor
from .sample_weighted_data_preprocessor import \
    SampleWeightedClsDataPreprocessor
from .squeeze_excitation import SqueezeExcitation

__all__ = [
    'APA', 'AGLU', 'apa', 'build_activation', 'SqueezeExcitation',
    'MultiViewClsDataPreprocessor', 'SampleWeightedClsDataPreprocessor'
]
