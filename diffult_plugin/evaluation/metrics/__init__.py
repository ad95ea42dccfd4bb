from .calibration_error import (ExpectedCalibrationError,
                                expected_calibration_error)
from .generator_quality import Phi0GeneratorQuality, frechet_distance
from .long_tail_accuracy import LongTailAccuracy

__all__ = [
    'LongTailAccuracy', 'ExpectedCalibrationError',
    'expected_calibration_error', 'Phi0GeneratorQuality', 'frechet_distance'
]
