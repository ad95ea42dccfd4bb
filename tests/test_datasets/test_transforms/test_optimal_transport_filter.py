import math

import numpy as np
import pytest
import torch

from diffult_plugin.datasets.transforms import (OptimalTransportFilter,
                                                partial_sinkhorn)


def _logits(probs):
    return np.log(np.asarray(probs, dtype=np.float64))


def test_plan_marginals():
    torch.manual_seed(0)
    cost = torch.rand(6, 3) * 3
    mass = torch.tensor([1.0, 2.0, 3.0])
    plan = partial_sinkhorn(cost, mass, rho=0.75,
                            marginal_weight=math.inf, tol=1e-12)
    assert plan.shape == (6, 4)
    assert torch.allclose(plan.sum(1), torch.full((6, ), 1 / 6, dtype=plan.dtype))
    # Exact marginals: rho spread like `mass`, 1 - rho on the virtual column.
    expected = torch.tensor([0.125, 0.25, 0.375, 0.25], dtype=plan.dtype)
    assert torch.allclose(plan.sum(0), expected, atol=1e-6)


def test_plan_by_hand_two_samples():
    # Cheap diagonal, expensive off-diagonal, everything transported: each
    # sample sends its 1/2 to its own column.
    cost = torch.tensor([[0.0, 5.0], [5.0, 0.0]])
    plan = partial_sinkhorn(cost, torch.ones(2), rho=1.0, epsilon=0.05,
                            marginal_weight=math.inf)
    assert torch.allclose(
        plan, torch.tensor([[0.5, 0.0, 0.0], [0.0, 0.5, 0.0]],
                           dtype=plan.dtype), atol=1e-6)


def test_class_columns_undo_phi0s_head_bias():
    # phi0 (trained long-tailed) puts every candidate in head class 0, the
    # tail-conditioned ones less surely: a confidence filter would reject
    # both class-1 candidates; the transport fills class 1's column with
    # them.
    probs = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.55, 0.45]]
    ot = OptimalTransportFilter(rho=1.0, marginal_weight=math.inf)
    verdict = ot.judge_pool(_logits(probs), [0, 0, 1, 1])
    assert verdict['category'] == ['agree'] * 4
    assert verdict['keep'].all()
    # Transporting half the mass rejects the worst fit of each class.
    half = OptimalTransportFilter(rho=0.5, marginal_weight=math.inf)
    verdict = half.judge_pool(_logits(probs), [0, 0, 1, 1])
    assert verdict['category'] == ['agree', 'rejected', 'rejected', 'agree']


def test_swapped_samples_disagree():
    probs = [[0.99, 0.01], [0.01, 0.99], [0.99, 0.01], [0.01, 0.99]]
    verdict = OptimalTransportFilter(rho=1.0).judge_pool(
        _logits(probs), [0, 0, 1, 1])
    assert verdict['category'] == ['agree', 'disagree', 'disagree', 'agree']
    assert verdict['keep'].tolist() == [True, False, False, True]
    # Score: the sample's transported mass on its label (1 = all of it).
    assert verdict['score'][0] == pytest.approx(1.0, abs=1e-3)
    assert verdict['score'][1] == pytest.approx(0.0, abs=1e-3)


def test_bad_settings_and_single_samples():
    with pytest.raises(ValueError, match='rho'):
        OptimalTransportFilter(rho=0)
    with pytest.raises(ValueError, match='keep'):
        OptimalTransportFilter(keep=('ID', ))
    with pytest.raises(ValueError, match='label'):
        OptimalTransportFilter().judge_pool(np.zeros((2, 3)), [0, 3])
    with pytest.raises(NotImplementedError, match='DiffuLTSynthesisHook'):
        OptimalTransportFilter().transform(dict(img=np.zeros((4, 4, 3))))
