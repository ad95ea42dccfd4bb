import io
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from diffult_plugin.utils.safe_loading import history_buffer_getattr


def test_message_hub_state_loads_weights_only():
    hub = MessageHub('safe-loading-test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('array', np.arange(3))
    buffer = io.BytesIO()
    torch.save(dict(message_hub=hub.state_dict()), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    loaded = state['message_hub']['log_scalars']['train/loss']
    assert isinstance(loaded, HistoryBuffer)
    assert loaded.mean() == pytest.approx(1.0)


def test_restricted_getattr_only_gives_history_buffer_methods():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is \
        HistoryBuffer.__dict__['mean']
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(HistoryBuffer, '__init__')
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(torch, 'load')


def test_arbitrary_getattr_payload_is_still_refused():
    class Payload:

        def __reduce__(self):
            return (getattr, (np.ndarray, 'tofile'))

    buffer = io.BytesIO()
    torch.save(dict(x=Payload()), buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buffer, weights_only=True)
