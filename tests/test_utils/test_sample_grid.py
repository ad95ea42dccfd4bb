import numpy as np
import torch
from PIL import Image

from diffult_plugin.utils import save_class_grid


def test_grid_has_a_row_per_class(tmp_path):
    # 3 classes x 4 images of 4x4 pixels, image i filled with 20 * i
    images = (torch.arange(12) * 20).to(torch.uint8).view(12, 1, 1, 1)
    images = images.expand(12, 3, 4, 4).contiguous()
    path = tmp_path / 'grid' / 'ddim-25_w5.png'
    save_class_grid(images, per_class=4, path=str(path), columns=3)
    grid = np.array(Image.open(path))
    assert grid.shape == (3 * 5 + 1, 3 * 5 + 1, 3)  # padding 1
    # Row r, column c shows image r * 4 + c (the 4th image is left out).
    for row in range(3):
        for col in range(3):
            assert grid[1 + 5 * row, 1 + 5 * col, 0] == 20 * (row * 4 + col)


def test_grid_shows_every_image_by_default(tmp_path):
    images = torch.zeros(6, 3, 4, 4, dtype=torch.uint8)
    path = tmp_path / 'iter_1.png'
    save_class_grid(images, per_class=3, path=str(path))
    assert np.array(Image.open(path)).shape == (2 * 5 + 1, 3 * 5 + 1, 3)
