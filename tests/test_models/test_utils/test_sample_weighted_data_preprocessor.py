import types

import numpy as np
import pytest
import torch
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.structures import DataSample

from diffult_plugin.diffult.hook import \
    check_batch_augments
from diffult_plugin.models.utils import SampleWeightedClsDataPreprocessor

NUM = 6
WEIGHTS = [1.0, 0.3, 1.0, 0.3, 0.3, 1.0]


def _batch(weights=WEIGHTS):
    # Distinct labels, so the mixing partner and ratio can be read from the
    # plain preprocessor's soft targets.
    generator = torch.Generator().manual_seed(0)
    inputs = [torch.randint(0, 256, (3, 8, 8), generator=generator,
                            dtype=torch.uint8) for _ in range(NUM)]
    samples = []
    for label in range(NUM):
        sample = DataSample().set_gt_label(label)
        if weights is not None:
            sample.set_metainfo(dict(sample_weight=weights[label]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def _run(preprocessor_type, augment, weights=WEIGHTS, training=True):
    preprocessor = preprocessor_type(
        num_classes=NUM, batch_augments=dict(augments=augment))
    np.random.seed(3)
    torch.manual_seed(3)
    return preprocessor(_batch(weights), training=training)


def _partners(plain_scores):
    """(lam_i, j_i) of each row of a plain mixed one-hot target."""
    lams, partners = [], []
    for i, row in enumerate(plain_scores):
        lam = float(row[i])
        others = [k for k in range(NUM) if k != i and row[k] > 0]
        lams.append(lam)
        partners.append(others[0] if others else i)
    return torch.tensor(lams), torch.tensor(partners)


@pytest.mark.parametrize('augment', [
    dict(type='Mixup', alpha=1.0),
    dict(type='CutMix', alpha=1.0),
])
def test_weights_follow_the_mixing(augment):
    plain = _run(ClsDataPreprocessor, augment)
    weighted = _run(SampleWeightedClsDataPreprocessor, augment)
    # The images are mixed exactly as mmpretrain mixes them.
    torch.testing.assert_close(weighted['inputs'], plain['inputs'])
    plain_scores = torch.stack(
        [s.gt_score for s in plain['data_samples']])
    lam, partner = _partners(plain_scores)
    assert ((lam > 0) & (lam < 1)).any(), 'the batch was not mixed'
    w = torch.tensor(WEIGHTS)
    expected_weight = lam * w + (1 - lam) * w[partner]
    got_weight = torch.tensor([
        s.metainfo['sample_weight'] for s in weighted['data_samples']
    ])
    torch.testing.assert_close(got_weight, expected_weight)
    scores = torch.stack([s.gt_score for s in weighted['data_samples']])
    torch.testing.assert_close(scores.sum(1), torch.ones(NUM))

    # The weighted soft CE that the heads compute equals
    # lam * w_i * CE(y_i) + (1 - lam) * w_j * CE(y_j), averaged over the batch.
    logits = torch.randn(NUM, NUM, generator=torch.Generator().manual_seed(1))
    loss = CrossEntropyLoss(use_soft=True)(
        logits, scores, weight=got_weight, avg_factor=NUM)
    log_p = logits.log_softmax(dim=1)
    rows = torch.arange(NUM)
    by_hand = (lam * w * -log_p[rows, rows] +
               (1 - lam) * w[partner] * -log_p[rows, partner]).sum() / NUM
    torch.testing.assert_close(loss, by_hand)


def test_batches_without_weights_and_validation_are_unchanged():
    augment = dict(type='Mixup', alpha=1.0)
    plain = _run(ClsDataPreprocessor, augment, weights=None)
    weighted = _run(SampleWeightedClsDataPreprocessor, augment, weights=None)
    torch.testing.assert_close(weighted['inputs'], plain['inputs'])
    for a, b in zip(weighted['data_samples'], plain['data_samples']):
        torch.testing.assert_close(a.gt_score, b.gt_score)
        assert 'sample_weight' not in a.metainfo

    val = _run(SampleWeightedClsDataPreprocessor, augment, training=False)
    assert [s.metainfo['sample_weight']
            for s in val['data_samples']] == WEIGHTS
    scores = torch.stack([s.gt_score for s in val['data_samples']])
    torch.testing.assert_close(scores, torch.eye(NUM, dtype=scores.dtype))


def test_batch_augments_are_restored_after_a_failure():
    preprocessor = SampleWeightedClsDataPreprocessor(
        num_classes=NUM,
        batch_augments=dict(augments=dict(type='Mixup', alpha=1.0)))
    augments = preprocessor.batch_augments
    data = _batch()
    data['inputs'] = [torch.zeros(3, 8, 8), torch.zeros(3, 4, 4)]
    with pytest.raises(Exception):
        preprocessor(data, training=True)
    assert preprocessor.batch_augments is augments


def test_synthesis_hook_refuses_mixup_that_drops_the_weights():
    mixup = dict(augments=dict(type='Mixup', alpha=0.2))
    dataset = types.SimpleNamespace(synthetic_weight=0.3)
    plain = types.SimpleNamespace(
        data_preprocessor=ClsDataPreprocessor(num_classes=NUM,
                                              batch_augments=mixup))
    with pytest.raises(ValueError, match='SampleWeightedClsDataPreprocessor'):
        check_batch_augments(plain, dataset)
    # Fine: weights mixed with the targets, no batch augment, or omega = 1.
    check_batch_augments(
        types.SimpleNamespace(
            data_preprocessor=SampleWeightedClsDataPreprocessor(
                num_classes=NUM, batch_augments=mixup)), dataset)
    check_batch_augments(
        types.SimpleNamespace(data_preprocessor=ClsDataPreprocessor()),
        dataset)
    check_batch_augments(plain, types.SimpleNamespace(synthetic_weight=1.0))
