"""DonorBanks: which banks' shards a new bank may copy, and which shard."""
import json
import os.path as osp

import numpy as np
import pytest

from diffult_plugin.diffult.bank import FINGERPRINT, SHARDS
from diffult_plugin.diffult.bank.donors import DonorBanks
from diffult_plugin.utils.atomic_io import npy_bytes, sha256_bytes


def _fingerprint(tag='a', seed=0):
    return dict(format=1, dataset=dict(labels='x'), slots_per_class=[3],
                source=dict(type='noise', tag=tag), filter=None, seed=seed,
                shard_size=4, max_tries=4.0)


def _bank(folder, fingerprint, offset=0, count=3):
    """A bank folder with one shard c0000_s00000 of ``count`` images."""
    (folder / SHARDS).mkdir(parents=True)
    (folder / FINGERPRINT).write_text(json.dumps(fingerprint))
    data = npy_bytes(np.full((count, 2, 2, 3), 7, np.uint8))
    (folder / SHARDS / 'c0000_s00000.npy').write_bytes(data)
    (folder / SHARDS / 'c0000_s00000.json').write_text(
        json.dumps(dict(label=0, shard=0, offset=offset, requested=count,
                        num_images=count, seed=11,
                        images_sha256=sha256_bytes(data))))
    return data


def test_a_matching_shard_is_found_and_others_are_not(tmp_path):
    data = _bank(tmp_path / 'donor', _fingerprint())
    donors = DonorBanks(str(tmp_path / 'donor'),
                        dict(_fingerprint(), slots_per_class=[9],
                             filter=dict(type='ot')), str(tmp_path / 'new'))
    assert donors.folders == [str(tmp_path / 'donor')]
    assert donors.shard_bytes('c0000_s00000', 11, 0, 3) == data
    # Another seed, offset or count, or a shard the donor lacks: not it.
    assert donors.shard_bytes('c0000_s00000', 12, 0, 3) is None
    assert donors.shard_bytes('c0000_s00000', 11, 3, 3) is None
    assert donors.shard_bytes('c0000_s00000', 11, 0, 4) is None
    assert donors.shard_bytes('c0000_s00001', 11, 0, 3) is None
    # A corrupted shard is never handed out.
    path = tmp_path / 'donor' / SHARDS / 'c0000_s00000.npy'
    path.write_bytes(data[:-1] + b'\x00')
    assert donors.shard_bytes('c0000_s00000', 11, 0, 3) is None


def test_banks_of_other_candidates_and_non_banks(tmp_path):
    _bank(tmp_path / 'other_source', _fingerprint(tag='b'))
    _bank(tmp_path / 'other_seed', _fingerprint(seed=1))
    _bank(tmp_path / 'itself', _fingerprint())
    donors = DonorBanks(
        [str(tmp_path / 'other_source'), str(tmp_path / 'other_seed'),
         str(tmp_path / 'itself')], _fingerprint(), str(tmp_path / 'itself'))
    assert donors.folders == []
    with pytest.raises(FileNotFoundError, match='reuse_from.*not a synthetic'):
        DonorBanks([str(tmp_path / 'nothing')], _fingerprint(),
                   str(tmp_path / 'new'))
    assert not osp.exists(tmp_path / 'nothing')
