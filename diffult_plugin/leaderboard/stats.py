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


def read_records(path: str, skip_invalid: bool = True) -> list:
    """The JSON-lines records of a results file (``lt_results.jsonl``,
    ``benchmarks/results/*.jsonl``); none for a missing file. A line that is
    not JSON is an error naming the file and line; records marked
    ``invalid`` (kept so the history stays honest) are left out unless
    ``skip_invalid`` is False."""
    import json
    import os.path as osp
    if not osp.isfile(path):
        return []
    records = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}:{number} is not a JSON record '
                                 f'({error}); fix or delete that line.')
            if skip_invalid and isinstance(record, dict) and record.get(
                    'invalid'):
                continue
            records.append(record)
    return records
