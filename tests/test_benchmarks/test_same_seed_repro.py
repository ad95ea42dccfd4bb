"""benchmarks/same_seed_repro.py reads mmengine's logged losses by global
iteration and compares runs at the iterations they share."""
import pytest

from benchmarks.same_seed_repro import compare, logged_losses

LOG = """\
12/04 22:39:50 - mmengine - INFO - Epoch(train)  [1][20/97]  lr: 9.9989e-02  eta: 0:25:45  time: 0.4849  data_time: 0.0441  loss: 1.8238
12/04 22:39:55 - mmengine - INFO - Saving checkpoint at 1 epochs
12/04 22:40:00 - mmengine - INFO - Epoch(train)  [1][ 40/97]  lr: 9.9956e-02  eta: 0:24:05  time: 0.4579  data_time: 0.0514  loss: 1.6033
12/04 22:40:08 - mmengine - INFO - Epoch(train)  [2][20/97]  lr: 9.9899e-02  eta: 0:22:52  time: 0.4484  data_time: 0.0425  loss: 1.6093
12/04 22:40:09 - mmengine - INFO - Epoch(val) [2][20/40]    eta: 0:00:07  time: 0.3770
""".splitlines()


def test_losses_by_global_iteration():
    # Epoch 2's 20th iteration is the 97 + 20 = 117th.
    assert logged_losses(LOG) == [(20, 1.8238), (40, 1.6033), (117, 1.6093)]
    assert logged_losses(LOG, max_iters=40) == [(20, 1.8238), (40, 1.6033)]


def test_compare_uses_the_shared_iterations():
    a = [(20, 1.8238), (40, 1.6033), (60, 1.6093)]
    assert compare([a, list(a)]) == dict(
        iterations=[20, 40, 60], max_abs_diff=0.0, identical=True)
    b = [(20, 1.8238), (40, 1.6133)]
    result = compare([a, b])
    assert result['iterations'] == [20, 40]
    assert result['max_abs_diff'] == pytest.approx(0.01)
    assert not result['identical']
    with pytest.raises(ValueError, match='share no'):
        compare([a, [(80, 1.0)]])
