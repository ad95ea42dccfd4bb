"""Per-sample loss weights carried by data samples (DiffuLT's omega)."""
from typing import Optional, Sequence

import torch

NORMALISATIONS = ('batch', 'weight_sum')


def sample_weights_of(data_samples: Sequence,
                      device=None) -> Optional[torch.Tensor]:
    """``metainfo['sample_weight']`` of each sample (1 where absent), or
    None when no sample carries one (plain data: the loss is unchanged)."""
    if not any('sample_weight' in s.metainfo for s in data_samples):
        return None
    return torch.tensor(
        [float(s.metainfo.get('sample_weight', 1.0)) for s in data_samples],
        dtype=torch.float32,
        device=device)


def weighted_average_factor(weights: Optional[torch.Tensor], batch: int,
                            normalisation: str) -> float:
    """Denominator of a weighted batch loss ``sum_i w_i l_i / Z``.

    'batch': Z = batch size. The paper writes the weighted CE as a sum over
    the data (DiffuLT Eq. 7) without a normalisation; dividing by the batch
    size keeps the scale of plain CE, so a batch of real samples gives
    exactly the CE loss and synthetic samples simply count omega times.
    'weight_sum': Z = sum_i w_i (a weighted mean; the loss scale no longer
    depends on the real/synthetic mix of the batch).
    """
    if normalisation not in NORMALISATIONS:
        raise ValueError(f'sample-weight normalisation must be one of '
                         f'{NORMALISATIONS}, got {normalisation!r}.')
    if weights is None or normalisation == 'batch':
        return float(batch)
    return float(weights.sum().clamp_min(1e-12))
