"""MDCSLoss against values computed by hand on 2 experts, 2 classes."""
import math

import pytest
import torch

from diffult_plugin.models.losses import MDCSLoss


def _log_softmax(row):
    top = max(row)
    lse = top + math.log(sum(math.exp(v - top) for v in row))
    return [v - lse for v in row]


def _kl(p_logits, q_logits):
    log_p, log_q = _log_softmax(p_logits), _log_softmax(q_logits)
    return sum(math.exp(a) * (a - b) for a, b in zip(log_p, log_q))


# Counts 3 : 1, so log pi = (log 0.75, log 0.25).
LOG_PRIOR = [math.log(0.75), math.log(0.25)]
FACTORS = (0.0, 2.0)
# Expert k, rows: [weak sample 0, weak sample 1, strong 0, strong 1].
LOGITS = [[[2.0, 0.0], [1.0, 0.5], [1.5, 0.2], [0.0, 1.0]],
          [[0.0, 3.0], [0.0, 3.0], [1.0, 1.0], [0.5, -0.5]]]
LABELS = [0, 1]


def _adjusted(k, row):
    return [z + FACTORS[k] * lp for z, lp in zip(LOGITS[k][row], LOG_PRIOR)]


def _expected(weights, factor):
    diversity = 0.0
    for k in range(2):
        for row in range(4):
            y = LABELS[row % 2]
            diversity += -_log_softmax(_adjusted(k, row))[y] * weights[row % 2]
    diversity /= 2 * 2  # views x batch
    consistency = 0.0
    for k in range(2):
        kept = [i for i in range(2)
                if max(range(2), key=lambda c: _adjusted(k, i)[c]) ==
                LABELS[i]]
        if kept:
            consistency += sum(
                weights[i] * _kl(_adjusted(k, i), _adjusted(k, 2 + i))
                for i in kept) / len(kept)
    return diversity + factor * consistency


@pytest.mark.parametrize('weights', [None, [1.0, 0.3]])
def test_mdcs_loss_by_hand(weights):
    loss = MDCSLoss(prior_factors=FACTORS, consistency_weight=0.6,
                    consistency_warmup=20, class_counts=[3, 1])
    logits = torch.tensor(LOGITS)
    labels = torch.tensor(LABELS)
    weight = None if weights is None else torch.tensor(weights)
    w = weights or [1.0, 1.0]
    # Epoch 0: the consistency term is still off.
    assert loss(logits, labels, weight=weight).item() == pytest.approx(
        _expected(w, 0.0), rel=1e-5)
    loss.set_epoch(10)
    assert loss.consistency_factor() == pytest.approx(0.3)
    assert loss(logits, labels, weight=weight).item() == pytest.approx(
        _expected(w, 0.3), rel=1e-5)
    # Each expert gets one weak view wrong (expert 0 sample 1, expert 1
    # sample 0): confident instance sampling leaves those out of its term.
    wrong = [[max(range(2), key=lambda c: _adjusted(k, i)[c]) != LABELS[i]
              for i in range(2)] for k in range(2)]
    assert wrong == [[False, True], [True, False]]


def test_mdcs_loss_single_view_and_errors():
    loss = MDCSLoss(prior_factors=FACTORS, consistency_warmup=0,
                    class_counts=[3, 1])
    logits = torch.tensor(LOGITS)[:, :2]
    value = loss(logits, torch.tensor(LABELS))
    expected = sum(-_log_softmax(_adjusted(k, i))[LABELS[i]]
                   for k in range(2) for i in range(2)) / 2
    assert value.item() == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match='views'):
        loss(torch.zeros(2, 3, 2), torch.tensor(LABELS))
    with pytest.raises(ValueError, match='one lambda per expert'):
        loss(torch.zeros(3, 4, 2), torch.tensor(LABELS))
