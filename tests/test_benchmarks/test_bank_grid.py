"""benchmarks/bank_grid.py: rows from the class with the most slots, each
class's own images, short classes padded."""
import numpy as np

from benchmarks.bank_grid import bank_rows


class _Bank:
    """Two classes with slots (2 has 3, 0 has 1), class 1 none; each image
    is filled with its slot number."""
    slots_per_class = [1, 0, 3]

    def __init__(self):
        self._labels = np.array([0, 2, 2, 2])

    def labels(self):
        return self._labels

    def __getitem__(self, slot):
        return np.full((2, 2, 3), slot + 1, np.uint8), int(self._labels[slot])


def test_rows_follow_the_slots():
    images, classes = bank_rows(_Bank(), per_class=2)
    assert classes == [2, 0]
    assert images.shape == (4, 3, 2, 2)
    assert [int(i[0, 0, 0]) for i in images] == [2, 3, 1, 0]  # 0: padding
