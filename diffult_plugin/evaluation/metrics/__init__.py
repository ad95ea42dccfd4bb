from .calibration_error import (ExpectedCalibrationError,
                                expected_calibration_error)
from .long_tail_accuracy import LongTailAccuracy

__all__ = [
    'LongTailAccuracy', 'ExpectedCalibrationError',
    'expected_calibration_error'
]
