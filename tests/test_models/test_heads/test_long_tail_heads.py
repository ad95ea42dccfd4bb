"""Test-time corrections of the weighted heads, the cosine head and the
multi-expert head's stages (re-training, router)."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

import diffult_plugin  # noqa: F401
from tests.fixtures import data_samples

COUNTS = [90, 10]


def _linear_head(**kwargs):
    head = MODELS.build(
        dict(type='WeightedLinearClsHead', num_classes=2, in_channels=2,
             **kwargs))
    with torch.no_grad():
        head.fc.weight.copy_(torch.tensor([[3.0, 0.0], [0.0, 1.0]]))
        head.fc.bias.copy_(torch.tensor([0.5, -0.5]))
    return head


def test_posthoc_logit_adjustment():
    head = _linear_head(posthoc_tau=1.0, class_counts=COUNTS)
    feat = torch.tensor([[1.0, 2.0]])
    # z = [3.5, 1.5]; z - log pi = [3.5 - log .9, 1.5 - log .1].
    score = head.predict((feat, ))[0].pred_score
    expected = torch.softmax(torch.tensor(
        [3.5 - math.log(0.9), 1.5 - math.log(0.1)]), 0)
    assert torch.allclose(score, expected)
    assert head.predict((feat, ))[0].pred_label.item() == 1
    # Training is unaffected: the loss sees the raw logits.
    plain = _linear_head()
    assert torch.allclose(
        head.loss((feat, ), data_samples([0]))['loss'],
        plain.loss((feat, ), data_samples([0]))['loss'])


def test_posthoc_prior_other_than_the_training_counts():
    # A model trained on a flat proxy (its checkpoint holds counts 1:1),
    # corrected at test for the real 9:1 prior.
    trained = _linear_head(class_counts=[5, 5])
    head = _linear_head(posthoc_tau=1.0, posthoc_class_counts=[9, 1])
    head.load_state_dict(trained.state_dict())
    assert head.class_counts.tolist() == [5.0, 5.0]  # from the checkpoint
    feat = torch.tensor([[1.0, 2.0]])
    expected = torch.softmax(torch.tensor(
        [3.5 - math.log(0.9), 1.5 - math.log(0.1)]), 0)
    assert torch.allclose(head.predict((feat, ))[0].pred_score, expected)
    iif = _linear_head(posthoc_tau=1.0, posthoc_type='iif',
                       posthoc_class_counts=[9, 1], class_counts=[5, 5])
    expected = torch.softmax(torch.tensor(
        [3.5 + math.log(1 / 9), 1.5 + math.log(9 / 1)]), 0)
    assert torch.allclose(iif.predict((feat, ))[0].pred_score, expected)
    with pytest.raises(ValueError, match='posthoc_class_counts'):
        _linear_head(posthoc_tau=1.0,
                     posthoc_class_counts=[9, 1, 1]).predict((feat, ))
    with pytest.raises(ValueError, match='posthoc_class_counts'):
        _linear_head(posthoc_class_counts=[-1, 1])


def test_tau_norm():
    head = _linear_head(tau_norm=1.0)
    feat = torch.tensor([[1.0, 2.0]])
    # Rows divided by their norm (3 and 1), no bias: z = [1, 2].
    score = head.predict((feat, ))[0].pred_score
    assert torch.allclose(score, torch.softmax(torch.tensor([1.0, 2.0]), 0))
    # tau = 0 keeps the weights (still without the bias).
    zero = _linear_head(tau_norm=0.0)
    assert torch.allclose(
        zero.predict((feat, ))[0].pred_score,
        torch.softmax(torch.tensor([3.0, 2.0]), 0))


def test_posthoc_needs_counts():
    head = _linear_head(posthoc_tau=1.0)
    with pytest.raises(RuntimeError, match='TrainClassCountsHook'):
        head.predict((torch.ones(1, 2), ))


def test_cosine_head():
    head = MODELS.build(
        dict(type='CosineClsHead', num_classes=3, in_channels=4, scale=10.0))
    feats = torch.randn(5, 4)
    logits = head(feats[None])
    assert logits.abs().max() <= 10.0 + 1e-5
    # Scaling a feature does not change its logits.
    assert torch.allclose(head(feats[None] * 7.0), logits, atol=1e-5)
    with pytest.raises(ValueError, match='tau_norm'):
        MODELS.build(
            dict(type='CosineClsHead', num_classes=3, in_channels=4,
                 tau_norm=1.0))


def test_cosine_head_squash_follows_the_official_cos_norm():
    """APA / AGLU's CosNorm_Classifier: s * ||x|| / (1 + ||x||) *
    <x / ||x||, w_c / ||w_c||>."""
    head = MODELS.build(
        dict(type='CosineClsHead', num_classes=2, in_channels=2, scale=16.0,
             feature_norm='squash'))
    with torch.no_grad():
        head.fc.weight.copy_(torch.tensor([[2.0, 0.0], [0.0, -5.0]]))
    # x = (3, 4): ||x|| = 5, squash 5/6; cosines with (1, 0), (0, -1): 0.6,
    # -0.8.
    logits = head(torch.tensor([[[3.0, 4.0]]]))
    assert torch.allclose(logits, torch.tensor(
        [[16 * 5 / 6 * 0.6, 16 * 5 / 6 * -0.8]]), atol=1e-5)
    # Unlike the plain cosine, the norm of a feature counts.
    small = head(torch.tensor([[[0.03, 0.04]]]))
    assert torch.allclose(small, logits * (0.05 / 1.05) / (5 / 6), atol=1e-5)
    with pytest.raises(ValueError, match='feature_norm'):
        MODELS.build(dict(type='CosineClsHead', num_classes=2,
                          in_channels=2, feature_norm='l2'))


def test_weighted_heads_pass_sample_weights_to_long_tail_losses():
    head = _linear_head(
        loss=dict(type='BalancedSoftmaxLoss', class_counts=COUNTS))
    feat = torch.tensor([[1.0, 2.0], [0.5, 0.5]])
    full = head.loss((feat, ), data_samples([0, 1]))['loss']
    weighted = head.loss((feat, ), data_samples([0, 1], [1.0, 0.0]))['loss']
    first = head.loss((feat[:1], ), data_samples([0]))['loss']
    # Weight 0 removes the second sample; 'batch' normalisation halves.
    assert torch.allclose(weighted, first / 2)
    assert not torch.allclose(weighted, full)


def _multi_head(**kwargs):
    return MODELS.build(
        dict(type='MultiExpertClsHead', num_classes=4, in_channels=8,
             num_experts=3, **kwargs))


def test_multi_expert_head_retraining_stage():
    head = _multi_head(
        loss=dict(type='SHIKELoss'), retrain_epoch=2,
        retrain_loss=dict(type='BalancedSoftmaxLoss'),
        class_counts=[8, 4, 2, 1])
    head.retrain_loss_module.set_class_counts([8, 4, 2, 1])
    feats = tuple(torch.randn(6, 8, requires_grad=True) for _ in range(3))
    labels = [0, 1, 2, 3, 0, 1]
    head.set_epoch(1)
    assert not head.in_retraining
    head.loss(feats, data_samples(labels))['loss'].backward()
    assert head.classifiers[0].weight.grad is not None
    assert head.rt_classifiers[0].weight.grad is None
    head.zero_grad()
    head.set_epoch(2)
    assert head.in_retraining
    feats = tuple(torch.randn(6, 8, requires_grad=True) for _ in range(3))
    head.loss(feats, data_samples(labels))['loss'].backward()
    assert head.classifiers[0].weight.grad is None
    assert head.rt_classifiers[0].weight.grad is not None
    assert feats[0].grad is None  # features are detached in stage 2
    # The stage is kept in the state dict (test-time uses the rt set).
    fresh = _multi_head(
        loss=dict(type='SHIKELoss'), retrain_epoch=2,
        retrain_loss=dict(type='BalancedSoftmaxLoss'))
    fresh.load_state_dict(head.state_dict())
    assert fresh.in_retraining
    expected = torch.stack(
        [fc(f) for fc, f in zip(head.rt_classifiers, feats)]).mean(0)
    assert torch.allclose(fresh(feats), expected)


def test_multi_expert_head_router():
    head = _multi_head(
        loss=dict(type='RIDELoss', class_counts=[8, 4, 2, 1]),
        router=dict(type='RIDERouter', top_k=4), train_router=True)
    feats = tuple(torch.randn(6, 8) for _ in range(3))
    losses = head.loss(feats, data_samples([0, 1, 2, 3, 0, 1]))
    assert set(losses) == {'loss_router'}
    losses['loss_router'].backward()
    assert head.router.fc.weight.grad is not None
    assert head.classifiers[0].weight.grad is None
    # A router that always says "stop" predicts with expert 1 alone ...
    with torch.no_grad():
        head.router.fc.weight.zero_()
        head.router.fc.bias.fill_(-10.0)
    predictions = head.predict(feats)
    assert [p.num_experts_used for p in predictions] == [1] * 6
    expert0 = head.classifiers[0](feats[0])
    assert torch.allclose(predictions[0].pred_score,
                          torch.softmax(expert0[0], 0))
    # ... and one that always says "go on" uses all three.
    with torch.no_grad():
        head.router.fc.bias.fill_(10.0)
    predictions = head.predict(feats)
    assert [p.num_experts_used for p in predictions] == [3] * 6
    assert torch.allclose(predictions[0].pred_score,
                          torch.softmax(head(feats)[0], 0))


def test_router_target():
    router = MODELS.build(
        dict(type='RIDERouter', num_experts=2, in_channels=2, top_k=2,
             pos_weight=3.0))
    with torch.no_grad():
        router.fc.weight.zero_()
        router.fc.bias.zero_()
    # Expert 1 wrong, experts 1+2 right -> target 1; both right -> 0.
    logits = torch.tensor([[[0.0, 1.0], [1.0, 0.0]],
                           [[3.0, 0.0], [1.0, 0.0]]])
    feats = [torch.ones(2, 2)]
    loss = router.loss(logits, feats, torch.tensor([0, 0]))
    # Router logit 0: BCE = 3 log 2 for the positive (pos_weight 3), log 2
    # for the negative; mean 2 log 2.
    assert float(loss) == pytest.approx(2 * math.log(2))
    # Both samples negative (first expert right): log 2.
    loss = router.loss(logits[:, 1:], [feats[0][1:]], torch.tensor([0]))
    assert float(loss) == pytest.approx(math.log(2))


def test_posthoc_inverse_image_frequency():
    head = MODELS.build(
        dict(type='CosineClsHead', num_classes=3, in_channels=4, scale=16.0,
             posthoc_tau=1.0, posthoc_type='iif', class_counts=[8, 2, 0]))
    scores = torch.zeros(1, 3)
    # log((N - n_c) / n_c) with N = 10 and the empty class counted as 1.
    expected = [math.log(2 / 8), math.log(8 / 2), math.log(10 / 1)]
    assert torch.allclose(
        head.posthoc_adjust(scores, 1.0, 'iif'),
        torch.tensor([expected]), atol=1e-6)
    assert torch.equal(head.posthoc_adjust(scores, 0.0, 'iif'), scores)
    with pytest.raises(ValueError, match='posthoc_type'):
        MODELS.build(dict(type='CosineClsHead', num_classes=3, in_channels=4,
                          posthoc_type='iff'))


def test_deit_lt_head_losses_by_hand():
    head = MODELS.build(
        dict(type='DeiTLTClsHead', num_classes=2, in_channels=2,
             distill_weight=0.5, reweight_epoch=1, beta=0.5,
             class_counts=[3, 1], loss=dict(type='CrossEntropyLoss')))
    with torch.no_grad():
        for layer in (head.layers.head, head.layers.head_dist):
            layer.weight.copy_(torch.eye(2))
            layer.bias.zero_()
    cls_token = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    dist_token = torch.tensor([[0.5, 0.0], [0.0, 0.0]])
    feats = ((cls_token, dist_token), )
    samples = data_samples([0, 0], weights=[1.0, 0.5])
    teacher = torch.tensor([[0.0, 3.0], [5.0, 0.0]])  # predicts 1, 0

    def ce(logits, y):
        return math.log(sum(math.exp(v) for v in logits)) - logits[y]

    cls = (ce([1, 0], 0) * 1.0 + ce([0, 2], 0) * 0.5) / 2
    dist = (ce([0.5, 0], 1) * 1.0 + ce([0, 0], 0) * 0.5) / 2
    losses = head.loss(feats, samples, teacher_logits=teacher)
    assert losses['loss_cls'].item() == pytest.approx(0.5 * cls, rel=1e-5)
    assert losses['loss_dist'].item() == pytest.approx(0.5 * dist, rel=1e-5)
    # DRW phase: class-balanced weights (1 - b) / (1 - b^n), sum-to-C
    # normalised, of the teacher's class; the denominator scales by their
    # mean.
    head.set_epoch(1)
    raw = [(1 - 0.5) / (1 - 0.5**3), (1 - 0.5) / (1 - 0.5**1)]
    cw = [w / sum(raw) * 2 for w in raw]
    w_teacher = [cw[1], cw[0]]
    dist_drw = (ce([0.5, 0], 1) * 1.0 * w_teacher[0] +
                ce([0, 0], 0) * 0.5 * w_teacher[1]) / (
                    2 * sum(w_teacher) / 2)
    losses = head.loss(feats, samples, teacher_logits=teacher)
    assert losses['loss_dist'].item() == pytest.approx(0.5 * dist_drw,
                                                       rel=1e-5)
    # Prediction: the mean of both tokens' logits.
    assert torch.allclose(head(feats), (cls_token + dist_token) / 2)
    with pytest.raises(ValueError, match='teacher'):
        head.loss(feats, samples)


def test_multi_expert_head_posthoc_corrections():
    head = _multi_head(loss=dict(type='RIDELoss', class_counts=[8, 4, 2, 1]),
                       posthoc_tau=1.0, posthoc_type='iif',
                       class_counts=[8, 4, 2, 1],
                       posthoc_class_counts=[1, 2, 4, 8])
    feats = tuple(torch.randn(2, 8) for _ in range(3))
    counts = torch.tensor([1.0, 2.0, 4.0, 8.0])
    expected = head(feats) + torch.log((15.0 - counts) / counts)
    assert torch.allclose(head.predict(feats)[0].pred_score,
                          torch.softmax(expected[0], 0), atol=1e-6)
    head.posthoc_type = 'logit_adjust'
    expected = head(feats) - torch.log(counts / 15.0)
    assert torch.allclose(head.predict(feats)[1].pred_score,
                          torch.softmax(expected[1], 0), atol=1e-6)
    with pytest.raises(ValueError, match='posthoc_type'):
        _multi_head(posthoc_type='la')


def test_deit_lt_head_posthoc_correction_survives_a_checkpoint():
    config = dict(type='DeiTLTClsHead', num_classes=2, in_channels=2,
                  loss=dict(type='CrossEntropyLoss'), posthoc_tau=1.0,
                  posthoc_class_counts=[9, 1])
    head = MODELS.build(config)
    head.set_class_counts([5, 5])  # the proxy's, saved in the checkpoint
    with torch.no_grad():
        for layer in (head.layers.head, head.layers.head_dist):
            layer.weight.copy_(torch.eye(2))
            layer.bias.zero_()
    feats = ((torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0]])), )
    fresh = MODELS.build(config)
    fresh.load_state_dict(head.state_dict())
    assert fresh.class_counts.tolist() == [5.0, 5.0]
    # z = (1, 0); logit adjustment with pi = (0.9, 0.1).
    expected = torch.tensor([1.0 - math.log(0.9), -math.log(0.1)])
    assert torch.allclose(fresh.predict(feats)[0].pred_score,
                          torch.softmax(expected, 0), atol=1e-6)
    # tau = 0: DeiTClsHead's plain prediction.
    plain = MODELS.build(dict(config, posthoc_tau=0.0))
    plain.load_state_dict(head.state_dict())
    assert torch.allclose(plain.predict(feats)[0].pred_score,
                          torch.softmax(torch.tensor([1.0, 0.0]), 0))
