"""The synthetic bank of DiffuLT: generated images on disk, read memory-mapped.

Layout of a bank folder::

    fingerprint.json           what determines the content (written first)
    shards/c0003_s00002.npy    uint8 RGB images (N, H, W, 3) of class 3
    shards/c0003_s00002.json   its record: seed, sha256 of the images,
                               filter score, category and keep flag per image
    index.npy                  int64 (slots, 3): class, shard, row per slot
    manifest.json              written last: fingerprint, the sha256 of every
                               shard and record, per-class statistics

Every file is written atomically; the bank is complete when
``manifest.json`` exists. Nothing in it runs code when read (raw ``.npy``
without pickles, JSON). This module holds the format (names, fingerprints,
shard checks); :mod:`.reader` reads a complete bank, :mod:`.builder` writes
one.
"""
import json
import os.path as osp
from typing import Optional

from diffult_plugin.utils.atomic_io import canonical_json, sha256_bytes, sha256_file

BANK_FORMAT = 1
MANIFEST = 'manifest.json'
FINGERPRINT = 'fingerprint.json'
INDEX = 'index.npy'
SHARDS = 'shards'


class BankMismatchError(ValueError):
    """A bank was built for another configuration."""


class BankDamagedError(ValueError):
    """A bank file that cannot be read (truncated, not JSON, wrong shape):
    the builder repairs the bank, trusting none of its shard records."""


def shard_name(label: int, shard: int) -> str:
    return f'c{label:04d}_s{shard:05d}'


def fingerprint_digest(fingerprint: dict) -> str:
    return sha256_bytes(canonical_json(fingerprint))


def fingerprint_difference(a: dict, b: dict, prefix: str = '') -> list:
    """Dotted keys whose values differ between two fingerprints."""
    keys = []
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if isinstance(left, dict) and isinstance(right, dict):
            keys += fingerprint_difference(left, right, f'{prefix}{key}.')
        elif left != right:
            keys.append(prefix + key)
    return keys


def check_fingerprint(bank_dir: str, expected: dict) -> None:
    """Refuse a bank (complete or partial) made for another configuration."""
    path = osp.join(bank_dir, FINGERPRINT)
    if not osp.isfile(path):
        return
    try:
        with open(path) as f:
            found = json.load(f)
    except (OSError, ValueError) as error:
        raise BankDamagedError(
            f'{path} cannot be read ({error}); the bank is repaired, its '
            'shards regenerated.') from error
    if not isinstance(found, dict):
        raise BankDamagedError(f'{path} is not a fingerprint (a JSON '
                               'object); the bank is repaired.')
    if found != json.loads(canonical_json(expected)):
        keys = fingerprint_difference(found, expected)
        raise BankMismatchError(
            f'The synthetic bank in {bank_dir} was built for another '
            f'configuration (differs in: {", ".join(keys) or "format"}). '
            'Delete that folder to rebuild it, or set the hook\'s `bank_dir` '
            'to a new folder.')


def verify_shard(bank_dir: str, name: str) -> Optional[dict]:
    """The record of a shard if both its files exist and its images match
    the sha256 in the record; None otherwise (missing, truncated, corrupt)."""
    record_path = osp.join(bank_dir, SHARDS, name + '.json')
    images_path = osp.join(bank_dir, SHARDS, name + '.npy')
    if not (osp.isfile(record_path) and osp.isfile(images_path)):
        return None
    try:
        with open(record_path) as f:
            record = json.load(f)
    except (OSError, ValueError):
        return None
    if sha256_file(images_path) != record.get('images_sha256'):
        return None
    return record
