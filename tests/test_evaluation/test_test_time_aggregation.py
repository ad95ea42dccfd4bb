"""SADE's test-time aggregation: the weights move to the experts whose
predictions agree across views, and the tool runs it on every shifted
test set."""
import json
import os.path as osp

import numpy as np
import torch

from diffult_plugin.evaluation.test_time_aggregation import (
    aggregated_predictions, learn_aggregation, sade_test_agnostic)


def _views(n=256, classes=5, seed=0):
    """Expert 0 gives the same confident logits for both views; expert 1's
    two views disagree (noise)."""
    g = torch.Generator().manual_seed(seed)
    stable = 4 * torch.randn(1, n, classes, generator=g)
    first = torch.stack([stable[0], 4 * torch.randn(n, classes, generator=g)],
                        dim=1)[None]
    second = torch.stack([stable[0], 4 * torch.randn(n, classes,
                                                     generator=g)], dim=1)[None]
    return first, second


def test_weights_move_to_the_expert_stable_across_views():
    first, second = _views()
    weights = learn_aggregation(first, second, epochs=5)
    assert weights.shape == (2, )
    assert torch.isclose(weights.sum(), torch.tensor(1.0))
    assert weights[0] > 0.6 > weights[1]
    # Agreement of the aggregated predictions went up from the uniform mix.
    def agreement(w):
        p1 = aggregated_predictions(first[0], w)
        p2 = aggregated_predictions(second[0], w)
        return (p1 == p2).float().mean()
    assert agreement(weights) > agreement(torch.tensor([0.5, 0.5]))


def test_stops_when_an_expert_is_switched_off():
    first, second = _views()
    # A large lr drives expert 1 under 0.05 in the first epoch: SADE stops.
    weights = learn_aggregation(first, second, epochs=50, lr=50.0)
    assert weights[1] < 0.05


def test_every_shifted_set_gets_its_weights_and_accuracy():
    n, classes = 200, 4
    labels = torch.arange(n) % classes
    # Expert 0 is right and stable; expert 1 is wrong (predicts label + 1).
    right = torch.nn.functional.one_hot(labels, classes).float() * 5
    wrong = torch.nn.functional.one_hot((labels + 1) % classes,
                                        classes).float() * 5
    logits = torch.stack([right, wrong], dim=1)
    noise = torch.randn(10, n, classes, generator=torch.Generator()
                        .manual_seed(0))
    views = torch.stack([torch.stack([right, wrong + 3 * noise[k]], dim=1)
                         for k in range(10)])
    metrics = sade_test_agnostic(logits, labels, views, [400, 100, 30, 10],
                                 distributions=['forward10', 'uniform'])
    for name in ('forward10', 'uniform'):
        assert metrics[f'{name}/sade/weight0'] > 0.5
        assert metrics[f'{name}/sade/top1'] == 100.0
    # Published subsets (SADE's list files) replace the rule: a set of the
    # first 20 samples only scores those (5 of each class, all right).
    listed = sade_test_agnostic(logits, labels, views, [400, 100, 30, 10],
                                subsets={'forward3': np.arange(20)})
    assert sorted(k.split('/')[0] for k in listed) == ['forward3'] * len(
        listed)
    assert listed['forward3/sade/top1'] == 100.0
