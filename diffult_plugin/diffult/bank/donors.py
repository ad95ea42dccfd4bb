"""Shards that another bank already holds, for a bank of the same candidates.

A shard's candidates depend only on (source, bank seed, dataset, class, shard
number, offset, count) (see :mod:`.bank_builder`), not on the filter or the
target. A bank built with another filter (or another N_t) from the same
generator, sampler and seed can therefore copy the shards it shares with an
existing bank and sample only the rest: the filters are compared on the same
candidates, and the second bank costs only what the first never needed.
"""
import json
import os.path as osp
from typing import List, Optional, Sequence, Union

from mmengine.logging import MMLogger

from diffult_plugin.utils.atomic_io import sha256_bytes
from .format import FINGERPRINT, SHARDS, fingerprint_difference

#: The fingerprint keys that decide what a shard holds.
CANDIDATE_KEYS = ('source', 'seed', 'dataset')


class DonorBanks:
    """Other banks whose shards a new bank may copy.

    Args:
        folders (str | Sequence[str]): Bank folders, complete or not. A
            folder without a bank fingerprint is refused; a bank of other
            candidates (another source, seed or dataset) is skipped with a
            warning.
        fingerprint (dict): The fingerprint of the bank being built.
        bank_dir (str): Its folder (never its own donor).
    """

    def __init__(self, folders: Union[str, Sequence[str]], fingerprint: dict,
                 bank_dir: str):
        if isinstance(folders, str):
            folders = [folders]
        logger = MMLogger.get_current_instance()
        # The JSON round trip compares like the stored fingerprint
        # (tuples as lists).
        mine = json.loads(json.dumps(fingerprint))
        self.folders: List[str] = []
        for folder in folders:
            path = osp.join(folder, FINGERPRINT)
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'reuse_from: {folder} is not a synthetic bank (no '
                    f'{FINGERPRINT}); give the folder of a bank, e.g. '
                    '<stages_dir>/bank, or leave it out.')
            with open(path) as f:
                theirs = json.load(f)
            differ = []
            for key in CANDIDATE_KEYS:
                if isinstance(mine[key], dict) and isinstance(
                        theirs.get(key), dict):
                    differ += fingerprint_difference(theirs[key], mine[key],
                                                     f'{key}.')
                elif theirs.get(key) != mine[key]:
                    differ.append(key)
            if differ:
                logger.warning(
                    f'reuse_from: the bank in {folder} has other candidates '
                    f'(differs in: {", ".join(differ)}); sampling instead.')
            elif osp.abspath(folder) != osp.abspath(bank_dir):
                self.folders.append(folder)

    def shard_bytes(self, name: str, seed: int, offset: int,
                    count: int) -> Optional[bytes]:
        """The ``.npy`` bytes of shard ``name`` with this seed, offset and
        count of candidates in a donor, or None where no donor has it."""
        for folder in self.folders:
            base = osp.join(folder, SHARDS, name)
            try:
                with open(base + '.json') as f:
                    record = json.load(f)
                with open(base + '.npy', 'rb') as f:
                    data = f.read()
            except (OSError, ValueError):
                continue  # not in this donor, or half written
            # Read and hashed once: a truncated or changed shard fails here.
            if (record.get('seed'), record.get('offset'),
                    record.get('requested'), record.get('num_images')) == (
                        seed, offset, count, count) and sha256_bytes(
                            data) == record.get('images_sha256'):
                return data
        return None
