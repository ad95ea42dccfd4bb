from .deit_lt_classifier import DeiTLTClassifier

__all__ = ['DeiTLTClassifier']
