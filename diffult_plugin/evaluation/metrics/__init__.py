from .calibration_error import (ExpectedCalibrationError,
                                expected_calibration_error)
from .clustering_accuracy import ClusteringAccuracy, clustering_metrics
from .generator_quality import Phi0GeneratorQuality, frechet_distance
from .long_tail_accuracy import LongTailAccuracy
from .test_agnostic_accuracy import TestAgnosticAccuracy, format_test_agnostic_table

__all__ = [
    'LongTailAccuracy', 'ExpectedCalibrationError',
    'expected_calibration_error', 'Phi0GeneratorQuality', 'frechet_distance',
    'TestAgnosticAccuracy', 'format_test_agnostic_table', 'ClusteringAccuracy',
    'clustering_metrics'
]
