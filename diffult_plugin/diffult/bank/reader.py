"""Read access to a complete synthetic bank (format in :mod:`.format`)."""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from diffult_plugin.utils.atomic_io import sha256_file
from .format import (INDEX, MANIFEST, SHARDS, BankDamagedError,
                     BankMismatchError, check_fingerprint, fingerprint_digest,
                     shard_name)

#: What a manifest must hold, with the type of each.
MANIFEST_FIELDS = dict(fingerprint_sha256=str, files=dict,
                       slots_per_class=list, classes=list)


def read_manifest(path: str) -> dict:
    """A bank manifest; :class:`BankDamagedError` if it is not readable
    JSON of the manifest's shape (the builder then repairs the bank)."""
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        raise BankDamagedError(f'{path} cannot be read ({error}).') from error
    wrong = [key for key, kind in MANIFEST_FIELDS.items()
             if not isinstance(manifest, dict)
             or not isinstance(manifest.get(key), kind)]
    if wrong:
        raise BankDamagedError(
            f'{path} is not a bank manifest (missing or malformed: '
            f'{", ".join(wrong)}).')
    return manifest


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
        self.manifest = read_manifest(manifest_path)
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
