"""Fill the synthetic slots of DiffuLT: generate, score, keep, write shards.

The work is split into shards, one (class, shard number) each, whose content
depends only on the source, the filter and a seed derived from (bank seed,
class, shard number). Rounds are planned from the records of earlier
rounds alone, so a resumed run (which re-reads the finished shards) and a
run on any number of ranks generate the same shards: the bank is
byte-identical to an uninterrupted single-rank run.

A filter with ``joint = True`` (``OptimalTransportFilter``) judges all the
candidates of a round together: each shard stores its phi0 logits and a
pending record, and once the whole round exists rank 0 writes the verdicts
(``_judge_round``). The verdicts depend on the round's pool, which is itself
planned from earlier rounds only, so the bank stays deterministic and
resumable.

Because a shard's candidates depend only on (source, bank seed, class, shard
number, offset, count), a bank for another filter or another target can take
the shards it shares with an existing bank instead of sampling them again
(``reuse_from``): two filters are then compared on the same candidates, and
the second bank costs only the candidates the first one never needed
(:class:`DonorBanks`).
"""
import contextlib
import io
import math
import os
import os.path as osp
from typing import Callable, Optional, Sequence

import numpy as np
from mmengine.dist import barrier, get_dist_info
from mmengine.logging import MMLogger

from diffult_plugin.utils.atomic_io import (atomic_write_bytes,
                                            atomic_write_json, npy_bytes,
                                            remove_stale_temporaries,
                                            sha256_bytes, sha256_file)
from diffult_plugin.utils.folder_lock import folder_lock
from ..sources import shard_seed
from .donors import DonorBanks
from .format import (BANK_FORMAT, FINGERPRINT, INDEX, MANIFEST, SHARDS,
                     BankDamagedError, BankMismatchError, check_fingerprint,
                     fingerprint_digest, shard_name, verify_shard)
from .reader import SyntheticBank, read_manifest

#: Suffix of the phi0 logits a joint filter keeps next to a shard.
LOGITS = '.logits.npy'
#: Lowest acceptance rate assumed when planning the next round.
MIN_RATE = 0.05


class BankBuilder:
    """Build (or finish, or verify) a synthetic bank.

    Args:
        bank_dir (str): Folder of the bank.
        slots_per_class (Sequence[int]): Accepted samples wanted per class.
        source: ``generate(label, count, seed, offset)`` -> uint8 RGB
            (N, H, W, 3) and ``fingerprint()`` (DiffusionSource,
            OracleSource).
        sample_filter (optional): A :class:`Phi0SampleFilter`; None keeps
            every candidate.
        seed (int): Seed of the bank. Defaults to 0.
        shard_size (int): Largest number of candidates per shard.
        max_tries (float): A class stops after ``max_tries * slots``
            candidates. Defaults to 4.
        dataset_fingerprint (dict): What identifies the real dataset.
        dataset_samples (str, optional): A digest of the real samples
            themselves (:meth:`DiffuLTDataset.samples_digest`), kept in the
            manifest (not the fingerprint, so banks made before it stay
            valid): a proxy refuses a bank of another real subset.
        class_names (Sequence[str], optional): For messages.
        on_shard (callable, optional): Called with the number of candidates
            of each shard this rank made, sampled or copied (progress).
        reuse_from (Sequence[str]): Folders of other banks (complete or
            not) built from the same source, seed and dataset, e.g. with
            another filter. A shard they hold with the same seed, offset and
            count is copied (and judged by this bank's filter) instead of
            generated. A bank of another source is skipped with a warning.
            Defaults to ().
    """

    def __init__(self,
                 bank_dir: str,
                 slots_per_class: Sequence[int],
                 source,
                 sample_filter=None,
                 seed: int = 0,
                 shard_size: int = 256,
                 max_tries: float = 4.0,
                 dataset_fingerprint: Optional[dict] = None,
                 dataset_samples: Optional[str] = None,
                 class_names: Optional[Sequence[str]] = None,
                 on_shard: Optional[Callable[[int], None]] = None,
                 reuse_from: Sequence[str] = ()):
        if shard_size < 1:
            raise ValueError(f'shard_size must be >= 1, got {shard_size}.')
        if max_tries < 1:
            raise ValueError(f'max_tries must be >= 1 (candidates per slot), '
                             f'got {max_tries}.')
        self.bank_dir = bank_dir
        self.slots = [int(s) for s in slots_per_class]
        self.source = source
        self.filter = sample_filter
        self.seed = seed
        self.shard_size = shard_size
        self.max_tries = float(max_tries)
        self.dataset_fingerprint = dataset_fingerprint or {}
        self.dataset_samples = dataset_samples
        self.class_names = list(class_names) if class_names else [
            str(c) for c in range(len(self.slots))
        ]
        self.on_shard = on_shard
        self.logger = MMLogger.get_current_instance()
        self.rank, self.world_size = get_dist_info()
        # Only with donors: the fingerprint hashes the generator checkpoint.
        self.donors = DonorBanks(reuse_from, self.fingerprint(),
                                 bank_dir) if reuse_from else None
        self.reused = 0
        self.trusted = None  # set by build()

    # ------------------------------------------------------------ identity
    def fingerprint(self) -> dict:
        return dict(
            format=BANK_FORMAT,
            dataset=self.dataset_fingerprint,
            slots_per_class=self.slots,
            source=self.source.fingerprint(),
            filter=self.filter.fingerprint() if self.filter else None,
            seed=self.seed,
            shard_size=self.shard_size,
            max_tries=self.max_tries)

    # ------------------------------------------------------------ planning
    def _budget(self, label: int) -> int:
        return int(math.ceil(self.max_tries * self.slots[label]))

    def _plan_round(self, state: list) -> list:
        requests = []
        for label, st in enumerate(state):
            need = self.slots[label] - st['accepted']
            left = self._budget(label) - st['generated']
            if need <= 0 or left <= 0 or st['exhausted']:
                continue
            rate = (st['accepted'] / st['generated']
                    if st['generated'] else 1.0)
            want = min(int(math.ceil(need / max(rate, MIN_RATE))), left)
            shard, offset = st['next_shard'], st['next_offset']
            while want > 0:
                count = min(want, self.shard_size)
                requests.append(
                    dict(label=label, shard=shard, count=count,
                         offset=offset))
                shard, offset, want = shard + 1, offset + count, want - count
        return requests

    # ------------------------------------------------------------ shards
    def _make_shard(self, request: dict) -> None:
        label = request['label']
        seed = shard_seed(self.seed, label, request['shard'])
        name = shard_name(label, request['shard'])
        data = self.donors.shard_bytes(
            name, seed, request['offset'],
            request['count']) if self.donors else None
        if data is not None:
            images = np.load(io.BytesIO(data), allow_pickle=False)
            self.reused += len(images)
        else:
            images = np.ascontiguousarray(
                self.source.generate(label, request['count'], seed,
                                     request['offset']), dtype=np.uint8)
            data = npy_bytes(images)
        folder = osp.join(self.bank_dir, SHARDS)
        pending = {}
        if self._joint and len(images):
            # Judged with the whole round (_judge_round); keep the logits.
            logits = npy_bytes(self.filter.pool_logits(images))
            atomic_write_bytes(osp.join(folder, name + LOGITS), logits)
            pending = dict(logits_sha256=sha256_bytes(logits))
            scores = categories = keep = None
            lower_is_better = self.filter.lower_is_better
        elif self.filter is not None and len(images):
            verdict = self.filter.score_batch(images, [label] * len(images))
            scores = [float(s) for s in verdict['score']]
            categories = list(verdict['category'])
            keep = [bool(k) for k in verdict['keep']]
            lower_is_better = getattr(self.filter, 'lower_is_better', True)
        else:
            scores = [0.0] * len(images)
            categories = ['unfiltered'] * len(images)
            keep = [True] * len(images)
            lower_is_better = True
        # Images first, record second: a record names complete images only.
        atomic_write_bytes(osp.join(folder, name + '.npy'), data)
        atomic_write_json(
            osp.join(folder, name + '.json'),
            dict(label=label,
                 shard=request['shard'],
                 offset=request['offset'],
                 requested=request['count'],
                 num_images=len(images),
                 seed=seed,
                 images_sha256=sha256_bytes(data),
                 score=scores,
                 category=categories,
                 keep=keep,
                 lower_is_better=lower_is_better,
                 **pending))
        if self.on_shard is not None:
            self.on_shard(len(images))

    # ------------------------------------------------------------ joint
    @property
    def _joint(self) -> bool:
        return self.filter is not None and getattr(self.filter, 'joint',
                                                   False)

    def _judge_round(self, requests: list) -> None:
        """Verdicts of a joint filter for every candidate of a round, from
        the logits its shards stored. Deterministic, so a resumed run that
        finds some records judged and others not judges the round again and
        writes the same verdicts."""
        folder = osp.join(self.bank_dir, SHARDS)
        names = [shard_name(r['label'], r['shard']) for r in requests]
        records = [verify_shard(self.bank_dir, name) for name in names]
        if all(r is not None and r['keep'] is not None for r in records):
            return
        logits, labels = [], []
        for name, record in zip(names, records):
            if record is None:
                raise RuntimeError(f'shard {name} is missing after its round '
                                   '(did a rank fail?); run the same '
                                   'command again.')
            if record['num_images'] == 0:
                continue
            path = osp.join(folder, name + LOGITS)
            if not osp.isfile(path) or \
                    sha256_file(path) != record.get('logits_sha256'):
                raise RuntimeError(
                    f'{path} is missing or does not match its shard record; '
                    f'delete {osp.join(folder, name)}.* and run again.')
            logits.append(np.load(path, allow_pickle=False))
            labels += [record['label']] * record['num_images']
        verdict = self.filter.judge_pool(np.concatenate(logits), labels)
        start = 0
        for name, record in zip(names, records):
            stop = start + record['num_images']
            record.update(
                score=[float(s) for s in verdict['score'][start:stop]],
                category=list(verdict['category'][start:stop]),
                keep=[bool(k) for k in verdict['keep'][start:stop]])
            atomic_write_json(osp.join(folder, name + '.json'), record)
            start = stop

    # ------------------------------------------------------------ build
    def _repair_trust(self, manifest_path: str) -> dict:
        """The shard records an old manifest vouches for (relative path ->
        sha256); empty when it cannot be read."""
        try:
            return dict(read_manifest(manifest_path)['files'])
        except (BankDamagedError, FileNotFoundError):
            return {}

    def _reusable(self, name: str) -> Optional[dict]:
        """A finished shard's record, or None when it must be made (again).

        On a repair only the records the old manifest vouches for are
        reused: a record whose scores or keep flags changed still matches
        its images, but not the manifest, and is regenerated."""
        record = verify_shard(self.bank_dir, name)
        if record is None or self.trusted is None:
            return record
        path = osp.join(self.bank_dir, SHARDS, name + '.json')
        if self.trusted.get(f'{SHARDS}/{name}.json') == sha256_file(path):
            return record
        self.logger.warning(f'shard {name}: its record is not the one the '
                            'manifest vouched for; regenerated.')
        for suffix in ('.json', '.npy', LOGITS):
            if osp.isfile(osp.join(self.bank_dir, SHARDS, name + suffix)):
                os.remove(osp.join(self.bank_dir, SHARDS, name + suffix))
        return None

    def build(self) -> SyntheticBank:
        """Make sure the bank is complete and sound; returns it."""
        expected = self.fingerprint()
        manifest_path = osp.join(self.bank_dir, MANIFEST)
        # None: resuming an interrupted run, whose records are trusted (each
        # is written after its images); a dict: repairing a bank that failed
        # its check, whose records are trusted only as the old manifest says.
        self.trusted = None
        damaged_fingerprint = False
        try:
            check_fingerprint(self.bank_dir, expected)
        except BankDamagedError as error:
            self.logger.warning(str(error))
            damaged_fingerprint, self.trusted = True, {}
        if osp.isfile(manifest_path) and not damaged_fingerprint:
            try:
                bank = SyntheticBank(self.bank_dir, expected, verify=True)
                self.logger.info(f'synthetic bank {self.bank_dir}: complete '
                                 'and verified, reused.')
                return bank
            except BankMismatchError:
                raise
            except ValueError as error:
                self.logger.warning(f'{error} Repairing the bank.')
                self.trusted = self._repair_trust(manifest_path)
        # One run writes a bank at a time (rank 0 holds the lock for its
        # group; the ranks of a group split the shards between them).
        lock = folder_lock(self.bank_dir, 'synthetic bank') \
            if self.rank == 0 else contextlib.nullcontext()
        with lock:
            return self._fill(expected, manifest_path, damaged_fingerprint)

    def _fill(self, expected: dict, manifest_path: str,
              damaged_fingerprint: bool) -> SyntheticBank:
        barrier()
        if self.rank == 0 and self.trusted is not None and osp.isfile(
                manifest_path):
            os.remove(manifest_path)
        if self.rank == 0:
            os.makedirs(osp.join(self.bank_dir, SHARDS), exist_ok=True)
            removed = remove_stale_temporaries(
                osp.join(self.bank_dir, SHARDS)) + remove_stale_temporaries(
                    self.bank_dir)
            if removed:
                self.logger.info(f'removed {removed} partial file(s) of an '
                                 'interrupted run')
            if damaged_fingerprint or not osp.isfile(
                    osp.join(self.bank_dir, FINGERPRINT)):
                atomic_write_json(
                    osp.join(self.bank_dir, FINGERPRINT), expected)
        barrier()

        state = [
            dict(accepted=0, generated=0, next_shard=0, next_offset=0,
                 exhausted=False, records=[]) for _ in self.slots
        ]
        round_number = 0
        while True:
            requests = self._plan_round(state)
            if not requests:
                break
            mine = requests[self.rank::self.world_size]
            todo = [
                r for r in mine if self._reusable(
                    shard_name(r['label'], r['shard'])) is None
            ]
            self.logger.info(
                f'synthesis round {round_number}: {len(requests)} shard(s), '
                f'{sum(r["count"] for r in requests)} candidates '
                f'({len(mine) - len(todo)} of this rank\'s {len(mine)} done '
                'before)')
            reused = self.reused
            for request in todo:
                self._make_shard(request)
            if self.reused > reused:
                self.logger.info(
                    f'synthesis round {round_number}: {self.reused - reused} '
                    f'candidates copied from {", ".join(self.donors.folders)}')
            barrier()
            if self._joint:
                if self.rank == 0:
                    self._judge_round(requests)
                barrier()
            for request in requests:
                name = shard_name(request['label'], request['shard'])
                record = verify_shard(self.bank_dir, name)
                if record is None:
                    raise RuntimeError(
                        f'shard {name} is missing after its round (did a '
                        'rank fail?); run the same command again.')
                st = state[request['label']]
                st['records'].append(record)
                st['generated'] += record['num_images']
                st['accepted'] += sum(record['keep'])
                st['next_shard'] = request['shard'] + 1
                st['next_offset'] = request['offset'] + record['num_images']
                if record['num_images'] < request['count']:
                    st['exhausted'] = True
            round_number += 1

        if self.rank == 0:
            self._finalise(state, expected)
        barrier()
        return SyntheticBank(self.bank_dir, expected, verify=False)

    # ------------------------------------------------------------ finalise
    def _finalise(self, state: list, expected: dict) -> None:
        rows, stats, files = [], [], {}
        for label, st in enumerate(state):
            slots = self.slots[label]
            accepted, rejected = [], []
            categories = {}
            for record in st['records']:
                for row in range(record['num_images']):
                    entry = (record['shard'], row, record['score'][row])
                    (accepted if record['keep'][row] else rejected).append(
                        entry)
                    category = record['category'][row]
                    categories[category] = categories.get(category, 0) + 1
                name = shard_name(label, record['shard'])
                files[f'{SHARDS}/{name}.npy'] = record['images_sha256']
                files[f'{SHARDS}/{name}.json'] = sha256_file(
                    osp.join(self.bank_dir, SHARDS, name + '.json'))
            chosen = accepted[:slots]
            fallback = 0
            if len(chosen) < slots:
                # Bounded tries spent: the closest rejected candidates.
                lower = st['records'][0]['lower_is_better'] if st[
                    'records'] else True
                rejected.sort(key=lambda e: e[2] if lower else -e[2])
                fallback = min(slots - len(chosen), len(rejected))
                chosen += rejected[:fallback]
            if len(chosen) < slots:
                raise RuntimeError(
                    f'class {label} ({self.class_names[label]!r}): only '
                    f'{len(chosen)} candidates for {slots} slots (the source '
                    'ran out); lower the target N_t.')
            rows += [(label, shard, row) for shard, row, _ in chosen]
            stats.append(
                dict(label=label,
                     name=self.class_names[label],
                     slots=slots,
                     generated=st['generated'],
                     categories=categories,
                     accepted=len(accepted),
                     filled_with_accepted=len(chosen) - fallback,
                     filled_with_rejected=fallback,
                     source_exhausted=st['exhausted']))
            if fallback:
                self.logger.warning(
                    f'class {label} ({self.class_names[label]!r}): '
                    f'{len(accepted)} of {st["generated"]} candidates '
                    f'accepted for {slots} slots after max_tries='
                    f'{self.max_tries:g}; {fallback} slots hold the '
                    'best-scored rejected candidates.')
        index = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        data = npy_bytes(index)
        atomic_write_bytes(osp.join(self.bank_dir, INDEX), data)
        files[INDEX] = sha256_bytes(data)
        atomic_write_json(
            osp.join(self.bank_dir, MANIFEST),
            dict(format=BANK_FORMAT,
                 fingerprint=expected,
                 fingerprint_sha256=fingerprint_digest(expected),
                 slots_per_class=self.slots,
                 files=files,
                 classes=stats,
                 **({'dataset_samples_sha256': self.dataset_samples}
                    if self.dataset_samples else {})))
