import math

import numpy as np
import pytest
import torch

from diffult_plugin.diffult.filters import (OptimalTransportFilter,
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
    # A joint filter is not a pipeline transform; per-sample filters are.
    from mmcv.transforms import BaseTransform

    from diffult_plugin.diffult.filters import (DiffuLTFilter,
                                                Phi0ConfidenceFilter)
    assert not isinstance(OptimalTransportFilter(), BaseTransform)
    assert not hasattr(OptimalTransportFilter(), 'transform')
    assert OptimalTransportFilter.joint and not DiffuLTFilter.joint
    assert issubclass(DiffuLTFilter, BaseTransform)
    assert issubclass(Phi0ConfidenceFilter, BaseTransform)
    with pytest.raises(NotImplementedError, match='one by one'):
        DiffuLTFilter().judge_pool(np.zeros((2, 3)), [0, 1])


def test_plan_at_finite_lambda_and_rho_below_one_is_the_optimum():
    """At finite lambda the plan must satisfy the optimality conditions of
    min <C, P> + eps sum P (log P - 1) + lambda KL(P^T 1 | rho c) with rows
    1/N and the virtual column exactly 1 - rho. Setting the derivative in
    P_ij to zero gives, for the real columns j,
    log P_ij = log a_i - C_ij / eps + (lambda / eps) log(rho c_j / m_j)
    (m_j the column's received mass), and log P_iv = log a_i + log b_v for
    the virtual column: Q_ij = log P_ij + C_ij / eps - (lambda / eps)
    log(rho c_j / m_j) is the same for every real j of a row, and
    Q_ij - log P_iv is the same for every row."""
    cost = torch.tensor([[0.2, 1.5], [1.0, 0.1], [0.4, 0.3]],
                        dtype=torch.float64)
    mass = torch.tensor([2.0, 1.0], dtype=torch.float64)
    rho, eps, lam = 0.8, 0.5, 1.0
    plan = partial_sinkhorn(cost, mass, rho=rho, epsilon=eps,
                            marginal_weight=lam, max_iter=20000, tol=1e-14)
    assert torch.allclose(plan.sum(1), torch.full((3, ), 1 / 3,
                                                  dtype=torch.float64))
    assert plan[:, 2].sum() == pytest.approx(1 - rho, abs=1e-10)
    received = plan[:, :2].sum(0)
    target = rho * mass / mass.sum()
    q = (plan[:, :2].log() + cost / eps
         - (lam / eps) * torch.log(target / received))
    assert torch.allclose(q[:, 0], q[:, 1], atol=1e-8)
    offset = q[:, 0] - plan[:, 2].log()
    assert torch.allclose(offset, offset[0].expand(3), atol=1e-8)
    # The relaxation is active: the columns do not receive their targets
    # exactly (with lambda = inf they would).
    assert not torch.allclose(received, target, atol=1e-3)
    exact = partial_sinkhorn(cost, mass, rho=rho, epsilon=eps,
                             marginal_weight=math.inf, max_iter=20000,
                             tol=1e-14)
    assert torch.allclose(exact[:, :2].sum(0), target, atol=1e-8)
