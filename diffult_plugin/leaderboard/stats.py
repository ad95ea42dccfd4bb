"""The one mean +- std and the one number format of every results table
(the leaderboard and benchmarks/protocol_table.py)."""
import math
from typing import Iterable, Optional, Tuple

import numpy as np


def mean_std(values: Iterable) -> Tuple[Optional[float], Optional[float]]:
    """Mean and sample standard deviation (ddof 1) of the values that are
    not None; std is None for fewer than two values (one seed has no
    spread), both None for none."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    std = float(np.std(values, ddof=1)) if len(values) > 1 else None
    return float(np.mean(values)), std


def format_value(value, std=None, digits: int = 2) -> str:
    """``12.34 ± 0.56``; '-' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '-'
    text = f'{value:.{digits}f}'
    return text if std is None else f'{text} ± {std:.{digits}f}'
