from types import SimpleNamespace

import pytest
import torch

from diffult_plugin.engine import TrainClassCountsHook


class _Receiver(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.counts = None

    def set_class_counts(self, counts):
        self.counts = list(counts)


def _runner(metainfo, model):
    logs = []
    return SimpleNamespace(
        train_dataloader=SimpleNamespace(
            dataset=SimpleNamespace(metainfo=metainfo)),
        model=model,
        logger=SimpleNamespace(info=logs.append)), logs


def test_counts_reach_every_receiving_module():
    model = torch.nn.Sequential(_Receiver(), torch.nn.Linear(1, 1),
                                _Receiver())
    runner, logs = _runner(dict(class_counts=[5, 3, 1]), model)
    TrainClassCountsHook().before_train(runner)
    assert model[0].counts == [5, 3, 1] and model[2].counts == [5, 3, 1]
    assert '2 module(s)' in logs[0]


def test_dataset_without_counts_is_refused():
    runner, _ = _runner(dict(classes=['a']), _Receiver())
    with pytest.raises(ValueError, match='class_counts'):
        TrainClassCountsHook().before_train(runner)


def test_real_counts_of_a_proxy_on_request():
    model = _Receiver()
    runner, _ = _runner(
        dict(class_counts=[5, 5, 5], real_class_counts=[5, 3, 1]), model)
    TrainClassCountsHook(counts_key='real_class_counts').before_train(runner)
    assert model.counts == [5, 3, 1]
    TrainClassCountsHook().before_train(runner)
    assert model.counts == [5, 5, 5]


def test_a_proxy_hands_its_weighted_counts_by_default():
    # n_real + omega n_syn with omega 0.3: 5 + 0, 3 + 0.6, 1 + 1.2.
    meta = dict(class_counts=[5, 5, 5], real_class_counts=[5, 3, 1],
                weighted_class_counts=[5.0, 3.6, 2.2])
    model = _Receiver()
    runner, logs = _runner(meta, model)
    TrainClassCountsHook().before_train(runner)
    assert model.counts == [5.0, 3.6, 2.2]
    assert "'weighted_class_counts'" in logs[0]
    TrainClassCountsHook(counts_key='class_counts').before_train(runner)
    assert model.counts == [5, 5, 5]


def _head_and_loss():
    from mmpretrain.registry import MODELS

    import diffult_plugin  # noqa: F401
    return MODELS.build(
        dict(type='WeightedLinearClsHead', num_classes=3, in_channels=2,
             posthoc_tau=1.0,
             loss=dict(type='BalancedSoftmaxLoss')))


def test_posthoc_prior_from_the_real_counts():
    head = _head_and_loss()
    runner, logs = _runner(
        dict(class_counts=[5, 5, 5], real_class_counts=[5, 3, 1]), head)
    TrainClassCountsHook(
        posthoc_counts_key='real_class_counts').before_train(runner)
    # The loss trains on the proxy's prior; the test-time correction
    # removes the real one.
    assert head.class_counts.tolist() == [5, 5, 5]
    assert head.loss_module.class_counts.tolist() == [5, 5, 5]
    assert head.posthoc_class_counts.tolist() == [5, 3, 1]
    assert not hasattr(head.loss_module, 'posthoc_tau')
    assert '1 head(s)' in logs[-1]
    scores = torch.zeros(1, 3)
    assert torch.allclose(head.posthoc_adjust(scores, 1.0),
                          -torch.log(torch.tensor([[5, 3, 1]]) / 9.0))
    # Without the option the heads keep no separate prior.
    plain = _head_and_loss()
    runner, _ = _runner(
        dict(class_counts=[5, 5, 5], real_class_counts=[5, 3, 1]), plain)
    TrainClassCountsHook().before_train(runner)
    assert plain.posthoc_class_counts is None


def test_posthoc_key_missing_is_refused():
    runner, _ = _runner(dict(class_counts=[5, 3, 1]), _head_and_loss())
    with pytest.raises(ValueError, match='real_class_counts'):
        TrainClassCountsHook(
            posthoc_counts_key='real_class_counts').before_train(runner)
    with pytest.raises(TypeError, match='posthoc_counts_key'):
        TrainClassCountsHook(posthoc_counts_key=['real_class_counts'])


def test_posthoc_prior_in_a_run_that_only_evaluates():
    head = _head_and_loss()
    head.set_class_counts([5, 5, 5])  # as loaded from a proxy checkpoint
    runner, _ = _runner({}, head)
    runner.test_dataloader = SimpleNamespace(dataset=SimpleNamespace(
        metainfo=dict(train_class_counts=[5, 3, 1])))
    TrainClassCountsHook(
        posthoc_counts_key='real_class_counts').before_test(runner)
    assert head.posthoc_class_counts.tolist() == [5, 3, 1]
    assert head.class_counts.tolist() == [5, 5, 5]
    # An evaluated set without training counts cannot give the prior.
    head = _head_and_loss()
    runner.model = head
    runner.test_dataloader = SimpleNamespace(dataset=SimpleNamespace(
        metainfo={}))
    with pytest.raises(ValueError, match='train_class_counts'):
        TrainClassCountsHook(
            posthoc_counts_key='real_class_counts').before_test(runner)
