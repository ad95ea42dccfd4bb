"""Converters read foreign checkpoints as tensors only and write theirs
whole or not at all."""
import os

import pytest
import torch

from diffult_plugin.utils.converted_checkpoint import (load_foreign_tensors,
                                                       save_converted)


class _NotATensor:
    pass


def test_round_trip_and_no_temporary_left(tmp_path):
    src = tmp_path / 'theirs.pth'
    torch.save({'model': {'w': torch.ones(2)}}, src)
    state = load_foreign_tensors(str(src), 'unused')
    dst = tmp_path / 'out' / 'ours.pth'
    save_converted({'backbone.w': state['model']['w']}, str(dst), str(src))
    saved = torch.load(dst, weights_only=True)
    assert saved['state_dict']['backbone.w'].tolist() == [1.0, 1.0]
    assert saved['meta']['converted_from'] == str(src)
    assert os.listdir(dst.parent) == ['ours.pth']


def test_objects_other_than_tensors_stop_with_the_fix(tmp_path):
    src = tmp_path / 'pickled.pth'
    torch.save({'args': _NotATensor(), 'w': torch.ones(1)}, src)
    with pytest.raises(SystemExit, match='re-save the weights alone'):
        load_foreign_tensors(str(src), 're-save the weights alone')
    with pytest.raises(SystemExit, match='no such checkpoint'):
        load_foreign_tensors(str(tmp_path / 'missing.pth'), 'unused')
