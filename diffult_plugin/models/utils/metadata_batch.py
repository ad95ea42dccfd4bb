"""Meta-information of a batch: gathered from the data samples, masked for
training on MetaFormer's schedule.

MetaFormer (Diao et al., arXiv 2203.02751) hides the meta-information of a
part of each training batch so the model also learns to recognise without
it; the part shrinks over training (``mask_prob - epoch / max_epochs``, the
``mask_type='linear'`` of the MetaFormer code).
"""
from typing import Optional, Sequence, Tuple

import torch
from mmengine.logging import MessageHub

#: How the masking probability moves over training.
MASK_SCHEDULES = ('constant', 'linear')


def training_progress(per: str = 'epoch') -> float:
    """The run's progress in [0, 1] from mmengine's message hub:
    ``epoch / max_epochs`` (``per='epoch'``, 0 in the first epoch) or
    ``iter / max_iters`` (``per='iter'``); 0 outside a run."""
    if per not in ('epoch', 'iter'):
        raise ValueError(f"training_progress(per=...) is 'epoch' or 'iter', "
                         f'got {per!r}.')
    hub = MessageHub.get_current_instance()
    current, total = hub.get_info(per), hub.get_info(f'max_{per}s')
    if not total:
        return 0.0
    return min(max(float(current or 0) / total, 0.0), 1.0)


def check_mask_schedule(owner: str, mask_prob: float, schedule: str) -> None:
    """A clear error for a probability outside [0, 1] or an unknown
    schedule, naming the component that got it."""
    if not 0 <= mask_prob <= 1:
        raise ValueError(f'{owner}.mask_prob must lie in [0, 1], got '
                         f'{mask_prob}.')
    if schedule not in MASK_SCHEDULES:
        raise ValueError(f'{owner}.mask_schedule must be one of '
                         f'{MASK_SCHEDULES}, got {schedule!r}.')


def mask_prob_at(mask_prob: float, schedule: str, progress: float) -> float:
    """The masking probability at training progress ``progress``:
    ``mask_prob`` ('constant') or ``max(mask_prob - progress, 0)``
    ('linear', MetaFormer's: from 1 at the first epoch to 1 / max_epochs at
    the last with mask_prob = 1)."""
    if schedule == 'constant':
        return float(mask_prob)
    return max(float(mask_prob) - float(progress), 0.0)


def drop_metadata(mask: torch.Tensor, prob: float,
                  generator: Optional[torch.Generator] = None
                  ) -> torch.Tensor:
    """``mask`` with ``int(len(mask) * prob)`` samples, drawn at random,
    set to 0 (as the MetaFormer code does: a fixed share of the batch, not an
    independent coin per sample)."""
    count = int(len(mask) * prob)
    if count <= 0:
        return mask
    dropped = torch.randperm(len(mask), generator=generator)[:count]
    mask = mask.clone()
    mask[dropped.to(mask.device)] = 0
    return mask


def batch_metadata(data_samples: Optional[Sequence], meta_dim: int,
                   device, owner: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """The batch's meta vectors (B, meta_dim) and masks (B,) from the data
    samples' ``meta`` / ``meta_mask`` fields (``WithMetadata`` and
    ``PackInputs(algorithm_keys=('meta', 'meta_mask'))``). A sample without
    them, a DiffuLT synthetic one for example, gets a zero vector and a zero
    mask; a masked sample's vector is zeroed too, so nothing made up reaches
    the model."""
    vectors, masks = [], []
    for sample in data_samples or []:
        meta = sample.get('meta') if hasattr(sample, 'get') else None
        if meta is None:
            vectors.append(torch.zeros(meta_dim))
            masks.append(0.0)
            continue
        meta = torch.as_tensor(meta, dtype=torch.float32).reshape(-1)
        if meta.numel() != meta_dim:
            raise ValueError(f'{owner}: a meta vector of {meta.numel()} '
                             f'values, meta_dim is {meta_dim}.')
        vectors.append(meta)
        masks.append(float(sample.get('meta_mask', 1.0)))
    if not vectors:
        return (torch.zeros(0, meta_dim, device=device),
                torch.zeros(0, device=device))
    mask = torch.tensor(masks, device=device)
    return torch.stack(vectors).to(device) * mask[:, None], mask
