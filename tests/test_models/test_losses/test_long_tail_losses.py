"""Each long-tail loss against values worked out by hand (the formulas in
the comments, evaluated with the math module), with and without per-sample
weights."""
import math

import pytest
import torch

from diffult_plugin.models.losses import (BalancedSoftmaxLoss,
                                          ClassBalancedCrossEntropyLoss,
                                          LDAMLoss, LogitAdjustedLoss,
                                          RIDELoss, SHIKELoss,
                                          SoftmaxFocalLoss,
                                          effective_number_weights)

# Two samples, two classes: z = [[2, 0], [0, 1]], y = [0, 1], n = [90, 10].
LOGITS = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
LABELS = torch.tensor([0, 1])
COUNTS = [90, 10]
OMEGA = torch.tensor([1.0, 0.3])  # the second sample is "synthetic"


def test_balanced_softmax():
    loss = BalancedSoftmaxLoss(class_counts=COUNTS)
    # CE([2 + log 90, log 10], 0) = 0.014925, CE([log 90, 1 + log 10], 1)
    # = 1.461150; mean 0.738038.
    assert float(loss(LOGITS, LABELS)) == pytest.approx(0.738038, abs=1e-6)
    # omega: (0.014925 + 0.3 * 1.461150) / 2 (batch normalisation) ...
    assert float(loss(LOGITS, LABELS, weight=OMEGA, avg_factor=2)) == \
        pytest.approx(0.226635, abs=1e-6)
    # ... or / (1 + 0.3) (weight-sum normalisation).
    assert float(loss(LOGITS, LABELS, weight=OMEGA, avg_factor=1.3)) == \
        pytest.approx(0.348670, abs=1e-6)


def test_logit_adjusted_loss_scales_the_log_prior():
    # CE(z + 0.5 log [0.9, 0.1]) averaged: 0.393896.
    loss = LogitAdjustedLoss(tau=0.5, class_counts=COUNTS)
    assert float(loss(LOGITS, LABELS)) == pytest.approx(0.393896, abs=1e-6)
    # tau = 1 is Balanced Softmax.
    one = LogitAdjustedLoss(tau=1.0, class_counts=COUNTS)
    assert float(one(LOGITS, LABELS)) == pytest.approx(0.738038, abs=1e-6)


def test_softmax_focal_loss():
    loss = SoftmaxFocalLoss(gamma=2.0)
    # -(1 - p_y)^2 log p_y with p_y = softmax(z)_y: mean 0.012231.
    assert float(loss(LOGITS, LABELS)) == pytest.approx(0.012231, abs=1e-6)
    assert float(loss(LOGITS, LABELS, weight=OMEGA, avg_factor=2)) == \
        pytest.approx(0.004300, abs=1e-6)
    # gamma = 0 is cross-entropy.
    plain = SoftmaxFocalLoss(gamma=0.0)
    assert float(plain(LOGITS, LABELS)) == pytest.approx(
        float(torch.nn.functional.cross_entropy(LOGITS, LABELS)))


def test_effective_number_weights():
    # (1 - 0.9) / (1 - 0.9^n) for n = 90, 10, scaled to sum to 2.
    weights = effective_number_weights(torch.tensor([90.0, 10.0]), 0.9)
    assert weights.tolist() == pytest.approx([0.788885, 1.211115], abs=1e-6)


def test_class_balanced_cross_entropy_and_drw():
    loss = ClassBalancedCrossEntropyLoss(beta=0.9, class_counts=COUNTS)
    # sum_i w_yi CE_i / sum_i w_yi (PyTorch's weighted mean): 0.239764.
    assert float(loss(LOGITS, LABELS)) == pytest.approx(0.239764, abs=1e-6)
    # omega multiplies on top: (w0 CE0 + 0.3 w1 CE1) / (w0 + w1).
    assert float(loss(LOGITS, LABELS, weight=OMEGA, avg_factor=2)) == \
        pytest.approx(0.106975, abs=1e-6)
    drw = ClassBalancedCrossEntropyLoss(
        beta=0.9, reweight_epoch=3, class_counts=COUNTS)
    plain = float(torch.nn.functional.cross_entropy(LOGITS, LABELS))
    drw.set_epoch(2)
    assert float(drw(LOGITS, LABELS)) == pytest.approx(plain)
    drw.set_epoch(3)
    assert float(drw(LOGITS, LABELS)) == pytest.approx(0.239764, abs=1e-6)


def test_ldam_margins_and_drw():
    # Delta = 0.5 * n^(-1/4) / max: [0.288675, 0.5]; with s = 2 the true
    # logit drops by 2 Delta_y: mean CE 0.454562.
    loss = LDAMLoss(max_margin=0.5, scale=2.0, class_counts=COUNTS)
    assert float(loss(LOGITS, LABELS)) == pytest.approx(0.454562, abs=1e-6)
    drw = LDAMLoss(max_margin=0.5, scale=2.0, class_weighting='effective_number',
                   beta=0.9, reweight_epoch=1, class_counts=COUNTS)
    assert float(drw(LOGITS, LABELS)) == pytest.approx(0.454562, abs=1e-6)
    drw.set_epoch(1)
    assert float(drw(LOGITS, LABELS)) == pytest.approx(0.504931, abs=1e-6)


# RIDE: two experts, three classes, one sample of class 0, n = [100, 10, 1].
RIDE_LOGITS = torch.tensor([[[1.0, 0.0, -1.0]], [[0.0, 1.0, 0.0]]])
RIDE_COUNTS = [100, 10, 1]


def test_ride_loss_before_and_after_drw():
    loss = RIDELoss(max_margin=0.5, scale=1.0, diversity_factor=-0.2,
                    reweight_epoch=1, class_counts=RIDE_COUNTS)
    # sum_i CE(z_i - Delta_0 e_0) - 0.2 KL(softmax(z_mean) || softmax(z_i)).
    assert float(loss(RIDE_LOGITS, torch.tensor([0]))) == pytest.approx(
        2.094426, abs=1e-6)
    # After DRW: T_c = (3 pi_c 0.05 + 0.95) / max = [1, 0.887920, 0.876712],
    # T^2 uses their mean; class weights cancel for a single sample.
    loss.set_epoch(1)
    assert loss.temperatures(3)[0].tolist() == pytest.approx(
        [1.0, 0.887920, 0.876712], abs=1e-6)
    assert float(loss(RIDE_LOGITS, torch.tensor([0]))) == pytest.approx(
        2.096566, abs=1e-6)


def test_ride_loss_collaborative_variant_and_weights():
    # lambda = 0: each expert's LDAM term uses the ensemble logits.
    loss = RIDELoss(max_margin=0.5, scale=1.0, diversity_factor=0.0,
                    class_counts=RIDE_COUNTS)
    assert float(loss(RIDE_LOGITS, torch.tensor([0]))) == pytest.approx(
        1.912712, abs=1e-6)
    # Per-sample weights scale every term of that sample.
    two = torch.cat([RIDE_LOGITS, RIDE_LOGITS], dim=1)
    weighted = loss(two, torch.tensor([0, 0]), weight=torch.tensor(
        [1.0, 0.3]), avg_factor=2)
    assert float(weighted) == pytest.approx(1.912712 * 1.3 / 2, abs=1e-6)


def test_shike_loss():
    logits = torch.tensor([[[1.0, 2.0, 0.0]], [[0.5, -1.0, 1.5]]])
    # z_mean = [.75, .5, .75], z_max = [1, 2, 1.5]; hardest negative h = 2;
    # r = [0, 2, .75]. Per expert: CE + 10 KL(softmax r || softmax(z_m with
    # z_m0 = -30)) / 3 + KL(p_j || p_m) / 3.
    loss = SHIKELoss()
    assert float(loss(logits, torch.tensor([0]))) == pytest.approx(
        26.428923, abs=1e-5)
    weighted = loss(torch.cat([logits, logits], 1), torch.tensor([0, 0]),
                    weight=torch.tensor([0.3, 0.3]), avg_factor=2)
    assert float(weighted) == pytest.approx(0.3 * 26.428923, abs=1e-5)


def test_losses_need_counts_and_hard_labels():
    with pytest.raises(RuntimeError, match='TrainClassCountsHook'):
        BalancedSoftmaxLoss()(LOGITS, LABELS)
    with pytest.raises(ValueError, match='num_classes'):
        BalancedSoftmaxLoss(class_counts=[1, 2, 3])(LOGITS, LABELS)
    with pytest.raises(ValueError, match='hard labels'):
        BalancedSoftmaxLoss(class_counts=COUNTS)(LOGITS, torch.eye(2))
    with pytest.raises(ValueError, match='class_weighting'):
        SoftmaxFocalLoss(class_weighting='inverse')
    with pytest.raises(ValueError, match='stacked expert logits'):
        RIDELoss(class_counts=COUNTS)(LOGITS, LABELS)


def test_class_counts_survive_a_state_dict_round_trip():
    loss = BalancedSoftmaxLoss(class_counts=COUNTS)
    fresh = BalancedSoftmaxLoss()
    fresh.load_state_dict(loss.state_dict())
    assert fresh.class_counts.tolist() == COUNTS
    assert float(fresh(LOGITS, LABELS)) == pytest.approx(0.738038, abs=1e-6)
    assert math.isfinite(float(fresh(LOGITS * 100, LABELS)))
