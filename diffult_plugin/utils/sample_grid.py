"""A PNG grid of generated samples, one row per class."""
import io
from typing import Optional

import torch
from PIL import Image
from torchvision.utils import make_grid

from .atomic_io import atomic_write_bytes


def save_class_grid(images: torch.Tensor,
                    per_class: int,
                    path: str,
                    columns: Optional[int] = None) -> None:
    """Save class-major uint8 images ``(classes * per_class, C, H, W)`` as a
    PNG with a row per class, written atomically.

    Args:
        images (Tensor): uint8 images, all of class 0 first, then class 1...
        per_class (int): images of each class in ``images``.
        path (str): the PNG to write; its folder is created.
        columns (int, optional): show the first ``columns`` images of each
            class only (None: all of them).
    """
    columns = per_class if columns is None else min(columns, per_class)
    rows = images.view(-1, per_class, *images.shape[1:])[:, :columns]
    grid = make_grid(rows.flatten(0, 1), nrow=columns, padding=1)
    buffer = io.BytesIO()
    Image.fromarray(grid.permute(1, 2, 0).numpy()).save(buffer, format='PNG')
    atomic_write_bytes(path, buffer.getvalue())
