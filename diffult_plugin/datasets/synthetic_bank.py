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
without pickles, JSON).
"""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from diffult_plugin.utils.atomic_io import canonical_json, sha256_bytes, sha256_file

BANK_FORMAT = 1
MANIFEST = 'manifest.json'
FINGERPRINT = 'fingerprint.json'
INDEX = 'index.npy'
SHARDS = 'shards'


class BankMismatchError(ValueError):
    """A bank was built for another configuration."""


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
    with open(path) as f:
        found = json.load(f)
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


class SyntheticBank:
    """Read access to a complete bank.

    The images of each shard are opened memory-mapped, lazily and once per
    process (so dataloader workers page in what they read and never hold
    the bank in RAM).

    Args:
        bank_dir (str): The bank folder.
        expected_fingerprint (dict, optional): Refuse the bank unless it was
            built for exactly this configuration.
        verify (bool): Check the sha256 of every shard file against the
            manifest when opening. Defaults to True.
    """

    def __init__(self,
                 bank_dir: str,
                 expected_fingerprint: Optional[dict] = None,
                 verify: bool = True):
        self.bank_dir = bank_dir
        manifest_path = osp.join(bank_dir, MANIFEST)
        if not osp.isfile(manifest_path):
            raise FileNotFoundError(
                f'{bank_dir} holds no complete synthetic bank (no '
                f'{MANIFEST}); DiffuLTSynthesisHook or tools/synthesize.py '
                'builds it.')
        with open(manifest_path) as f:
            self.manifest = json.load(f)
        if expected_fingerprint is not None:
            check_fingerprint(bank_dir, expected_fingerprint)
            if self.manifest['fingerprint_sha256'] != fingerprint_digest(
                    expected_fingerprint):
                raise BankMismatchError(
                    f'The manifest of {bank_dir} belongs to another '
                    'configuration; delete the folder to rebuild it.')
        if verify:
            self.verify()
        self.index = np.load(osp.join(bank_dir, INDEX), allow_pickle=False)
        self._maps: Dict[Tuple[int, int], np.ndarray] = {}
        self._pid = os.getpid()

    def verify(self) -> None:
        """Raise if a file differs from the sha256 in the manifest."""
        files = dict(self.manifest['files'])
        for relative, digest in sorted(files.items()):
            path = osp.join(self.bank_dir, relative)
            if not osp.isfile(path) or sha256_file(path) != digest:
                raise ValueError(
                    f'Synthetic bank file {path} is missing or corrupt (its '
                    'sha256 differs from the manifest). Run the synthesis '
                    'again (the same command): it regenerates bad shards.')

    @property
    def slots_per_class(self) -> list:
        return list(self.manifest['slots_per_class'])

    def __len__(self) -> int:
        return len(self.index)

    def _images(self, label: int, shard: int) -> np.ndarray:
        if os.getpid() != self._pid:  # a forked worker opens its own maps
            self._maps, self._pid = {}, os.getpid()
        key = (label, shard)
        if key not in self._maps:
            path = osp.join(self.bank_dir, SHARDS,
                            shard_name(label, shard) + '.npy')
            self._maps[key] = np.load(path, mmap_mode='r', allow_pickle=False)
        return self._maps[key]

    def __getitem__(self, slot: int) -> Tuple[np.ndarray, int]:
        """The RGB uint8 image (H, W, 3) and the label of a slot."""
        label, shard, row = (int(v) for v in self.index[slot])
        return np.array(self._images(label, shard)[row]), label

    def labels(self) -> np.ndarray:
        return self.index[:, 0].copy()

    def check_slots(self, slots_per_class: Sequence[int]) -> None:
        if list(slots_per_class) != self.slots_per_class:
            raise BankMismatchError(
                f'The bank in {self.bank_dir} fills '
                f'{sum(self.slots_per_class)} slots per its manifest, the '
                f'dataset plans {sum(slots_per_class)}: it was built for '
                'another target or dataset; delete it to rebuild.')
