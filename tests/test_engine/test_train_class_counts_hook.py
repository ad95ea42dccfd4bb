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
