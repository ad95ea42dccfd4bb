"""A dataset of class labels only: what a generator is asked to produce."""
from typing import Optional, Sequence

import torch
from mmpretrain.registry import DATASETS
from mmpretrain.structures import DataSample


@DATASETS.register_module()
class ClassLabelDataset:
    """``per_class`` items of each class, each an empty image plus a label.

    The validation set of generator configs: the model's ``predict``
    generates one image per item and the generator-quality metric scores
    them.

    Args:
        num_classes (int): Number of classes.
        per_class (int): Items per class. Defaults to 10.
        classes (Sequence[str], optional): Class names for the metainfo.
        max_total (int, optional): At most this many items in all:
            ``per_class`` shrinks to ``max_total // num_classes`` (at least
            1), so a validation of many classes costs no more samples than
            one of few. None: ``per_class`` for every class.
    """

    def __init__(self,
                 num_classes: int,
                 per_class: int = 10,
                 classes: Optional[Sequence[str]] = None,
                 max_total: Optional[int] = None):
        if not isinstance(num_classes, int) or num_classes < 1 or \
                per_class < 1:
            raise ValueError(
                'ClassLabelDataset needs an integer num_classes >= 1 and '
                f'per_class >= 1, got {num_classes!r} and {per_class!r} '
                "(num_classes='auto' is filled by tools/train.py).")
        if max_total is not None:
            if max_total < 1:
                raise ValueError('ClassLabelDataset.max_total must be >= 1.')
            per_class = max(1, min(per_class, max_total // num_classes))
        self.num_classes = num_classes
        self.per_class = per_class
        self.metainfo = dict(
            classes=tuple(classes) if classes else tuple(
                str(i) for i in range(num_classes)))

    def __len__(self) -> int:
        return self.num_classes * self.per_class

    def get_cat_ids(self, idx: int):
        return [idx // self.per_class]

    def __getitem__(self, idx: int) -> dict:
        if not 0 <= idx < len(self):
            raise IndexError(idx)
        sample = DataSample().set_gt_label(idx // self.per_class)
        sample.set_metainfo(dict(sample_idx=idx))
        return dict(inputs=torch.zeros(0, dtype=torch.uint8),
                    data_samples=sample)
