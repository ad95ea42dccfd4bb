from .deit_lt_classifier import DeiTLTClassifier
from .meta_image_classifier import MetaImageClassifier

__all__ = ['DeiTLTClassifier', 'MetaImageClassifier']
