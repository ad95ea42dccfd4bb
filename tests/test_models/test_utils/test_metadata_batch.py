"""MetaFormer's masking schedule and the batching of meta-information."""
import uuid

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmpretrain.structures import DataSample

from diffult_plugin.models.utils.metadata_batch import (batch_metadata,
                                                        drop_metadata,
                                                        mask_prob_at,
                                                        training_progress)


def test_linear_schedule_by_hand():
    # mask_prob 1 over 10 epochs: 1.0 at epoch 0, 0.7 at epoch 3, 0.1 at 9.
    assert mask_prob_at(1.0, 'linear', 0.0) == 1.0
    assert mask_prob_at(1.0, 'linear', 0.3) == pytest.approx(0.7)
    assert mask_prob_at(1.0, 'linear', 0.9) == pytest.approx(0.1)
    assert mask_prob_at(0.5, 'linear', 0.8) == 0.0
    assert mask_prob_at(0.5, 'constant', 0.8) == 0.5


def test_progress_from_the_message_hub():
    # A hub of its own (the latest created is the current one), and an
    # empty one after it so no other test reads this progress.
    hub = MessageHub.get_instance(f'progress-{uuid.uuid4()}')
    try:
        assert training_progress('epoch') == 0.0  # outside a run
        hub.update_info('epoch', 3)
        hub.update_info('max_epochs', 10)
        hub.update_info('iter', 50)
        hub.update_info('max_iters', 200)
        assert training_progress('epoch') == pytest.approx(0.3)
        assert training_progress('iter') == pytest.approx(0.25)
        with pytest.raises(ValueError, match='epoch'):
            training_progress('step')
    finally:
        MessageHub.get_instance(f'after-{uuid.uuid4()}')


def test_drop_metadata_masks_a_fixed_share():
    mask = torch.ones(10)
    dropped = drop_metadata(mask, 0.35, torch.Generator().manual_seed(0))
    assert int((dropped == 0).sum()) == 3  # int(10 * 0.35)
    assert torch.equal(drop_metadata(mask, 0.0), mask)
    assert int(drop_metadata(mask, 1.0).sum()) == 0


def test_batch_metadata_zeroes_what_is_absent_or_masked():
    samples = [DataSample(), DataSample(), DataSample()]
    samples[0].set_field(np.array([1.0, 2.0]), 'meta')
    samples[0].set_field(1.0, 'meta_mask')
    samples[1].set_field(np.array([3.0, 4.0]), 'meta')
    samples[1].set_field(0.0, 'meta_mask')
    meta, mask = batch_metadata(samples, 2, 'cpu', 'test')
    assert mask.tolist() == [1.0, 0.0, 0.0]
    assert meta.tolist() == [[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match='meta_dim is 3'):
        batch_metadata(samples, 3, 'cpu', 'test')
