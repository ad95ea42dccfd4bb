"""Class-balanced sampling: every class is drawn equally often."""
import math
from typing import Iterator, Optional

import numpy as np
import torch
from mmengine.dist import get_dist_info, sync_random_seed
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import Sampler

from ..long_tail_dataset import labels_of


@DATA_SAMPLERS.register_module()
class ClassAwareSampler(Sampler):
    """Class-aware (class-balanced) sampling.

    `Relay Backpropagation <https://arxiv.org/abs/1512.05830>`_ (Shen et al.,
    ECCV 2016), as used by the decoupled re-training of `Kang et al., ICLR
    2020 <https://arxiv.org/abs/1910.09217>`_ (cRT) and RIDE's router stage:
    classes are visited in a shuffled cyclic order and each visit takes the
    next ``samples_per_class`` images of that class from its own shuffled
    cycle, so every class appears equally often whatever its size. The
    epoch has ``num_samples`` indices (the dataset's length by default, so
    an epoch costs what an instance-balanced one does). Deterministic for a
    seed and epoch; under distributed training each rank takes its own
    stride of the same global order.

    Args:
        dataset: The training dataset (needs ``get_gt_labels`` or
            ``get_cat_ids``; works with ``DiffuLTDataset``).
        samples_per_class (int): Consecutive samples per class visit.
            Defaults to 1.
        num_samples (int, optional): Indices per epoch over all ranks.
            Defaults to ``len(dataset)``.
        seed (int, optional): Random seed (synchronised across ranks when
            None).
    """

    def __init__(self,
                 dataset,
                 samples_per_class: int = 1,
                 num_samples: Optional[int] = None,
                 seed: Optional[int] = None):
        if samples_per_class < 1:
            raise ValueError('ClassAwareSampler: samples_per_class must be '
                             f'>= 1, got {samples_per_class}.')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.samples_per_class = samples_per_class
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        labels = labels_of(dataset)
        self.class_indices = [
            np.flatnonzero(labels == c) for c in np.unique(labels)
        ]
        if not self.class_indices:
            raise ValueError('ClassAwareSampler: the dataset is empty.')
        total = len(dataset) if num_samples is None else int(num_samples)
        self.num_samples = math.ceil(total / self.world_size)
        self.total_size = self.num_samples * self.world_size

    def _global_order(self) -> np.ndarray:
        rng = np.random.default_rng([self.seed, self.epoch])
        cycles = [rng.permutation(idx) for idx in self.class_indices]
        cursors = [0] * len(cycles)
        order = []
        class_cycle = rng.permutation(len(cycles))
        position = 0
        while len(order) < self.total_size:
            if position == len(class_cycle):
                class_cycle, position = rng.permutation(len(cycles)), 0
            c = class_cycle[position]
            position += 1
            for _ in range(self.samples_per_class):
                if cursors[c] == len(cycles[c]):
                    cycles[c], cursors[c] = rng.permutation(
                        self.class_indices[c]), 0
                order.append(cycles[c][cursors[c]])
                cursors[c] += 1
        return np.asarray(order[:self.total_size], dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        order = self._global_order()[self.rank::self.world_size]
        return iter(torch.from_numpy(order).tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
