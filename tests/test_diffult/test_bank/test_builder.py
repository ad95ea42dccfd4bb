"""BankBuilder with a seeded numpy source and a threshold filter: planning,
bounded tries, resume after a kill, corrupted shards, fingerprints."""
import json
import os
import os.path as osp

import numpy as np
import pytest

from diffult_plugin.diffult.bank import (BankMismatchError,
                                                    SyntheticBank, shard_name)
from diffult_plugin.diffult.filters import OptimalTransportFilter
from diffult_plugin.diffult.bank.builder import BankBuilder


class NoiseSource:
    """Images whose mean brightness is a seeded random draw."""

    def __init__(self, tag='a'):
        self.tag = tag
        self.calls = []

    def generate(self, label, count, seed, offset):
        self.calls.append((label, count))
        rng = np.random.RandomState(seed)
        return rng.randint(0, 256, (count, 4, 4, 3)).astype(np.uint8)

    def fingerprint(self):
        return dict(type='noise', tag=self.tag)


class BrightnessFilter:
    """Keeps images darker than a threshold (score = mean brightness)."""
    lower_is_better = True

    def __init__(self, threshold):
        self.threshold = threshold

    def score_batch(self, images, labels):
        score = images.reshape(len(images), -1).mean(1).astype(np.float32)
        keep = score <= self.threshold
        return dict(score=score,
                    category=['ID' if k else 'OOD' for k in keep],
                    keep=keep)

    def fingerprint(self):
        return dict(type='brightness', threshold=self.threshold)


def _builder(bank_dir, slots=(0, 5, 12), threshold=127.5, source=None,
             **kwargs):
    kwargs.setdefault('shard_size', 4)
    return BankBuilder(bank_dir, list(slots), source or NoiseSource(),
                       BrightnessFilter(threshold), seed=3,
                       dataset_fingerprint=dict(labels='x'), **kwargs)


def _bytes_of(folder):
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = osp.join(base, name)
            with open(path, 'rb') as f:
                files[osp.relpath(path, folder)] = f.read()
    return files


def test_fills_every_slot_with_accepted_samples(tmp_path):
    bank = _builder(str(tmp_path)).build()
    assert len(bank) == 17
    assert bank.labels().tolist() == [1] * 5 + [2] * 12
    for slot in range(len(bank)):
        image, label = bank[slot]
        assert image.shape == (4, 4, 3) and image.dtype == np.uint8
        assert image.mean() <= 127.5  # only accepted samples fill slots
    stats = {c['label']: c for c in bank.manifest['classes']}
    assert stats[0]['generated'] == 0
    assert stats[2]['filled_with_accepted'] == 12
    # More rounds than one: about half the candidates are rejected.
    assert stats[2]['generated'] > 12
    assert stats[2]['categories']['ID'] == stats[2]['accepted']


def test_bounded_tries_fall_back_to_best_rejected(tmp_path):
    # Nothing passes a threshold of 0: max_tries * slots candidates, then
    # the darkest rejected ones fill the slots.
    source = NoiseSource()
    bank = _builder(str(tmp_path), slots=(3, ), threshold=0.0,
                    source=source, max_tries=2).build()
    stats = bank.manifest['classes'][0]
    assert stats['generated'] == 6
    assert stats['filled_with_rejected'] == 3
    chosen = sorted(bank[i][0].mean() for i in range(3))
    everything = []
    for shard in range(2):
        everything += list(
            np.load(osp.join(str(tmp_path), 'shards',
                             shard_name(0, shard) + '.npy')).reshape(
                                 -1, 48).mean(1))
    assert np.allclose(chosen, sorted(everything)[:3])


def test_bank_is_byte_identical_after_resume_and_repairs_corruption(tmp_path):
    reference = str(tmp_path / 'reference')
    _builder(reference).build()

    # A run killed after a few shards: keep only some shard files, leave a
    # half-written temporary file and a record without its images.
    resumed = str(tmp_path / 'resumed')
    _builder(resumed).build()
    os.remove(osp.join(resumed, 'manifest.json'))
    os.remove(osp.join(resumed, 'index.npy'))
    shards = osp.join(resumed, 'shards')
    names = sorted(os.listdir(shards))
    for name in names[len(names) // 2:]:
        if name.endswith('.json'):
            os.remove(osp.join(shards, name))
    os.remove(osp.join(shards, names[0].replace('.json', '.npy')))
    with open(osp.join(shards, 'c0002_s00001.npy.tmp-99'), 'wb') as f:
        f.write(b'partial')
    source = NoiseSource()
    _builder(resumed, source=source).build()
    assert source.calls  # some shards were regenerated, not all
    assert _bytes_of(resumed) == _bytes_of(reference)

    # A truncated shard is detected by its hash, never read, regenerated.
    victim = osp.join(resumed, 'shards', 'c0002_s00000.npy')
    with open(victim, 'r+b') as f:
        f.truncate(100)
    with pytest.raises(ValueError, match='corrupt'):
        SyntheticBank(resumed)
    source = NoiseSource()
    _builder(resumed, source=source).build()
    assert source.calls == [(2, 4)]
    assert _bytes_of(resumed) == _bytes_of(reference)


def test_repair_regenerates_a_record_the_manifest_does_not_vouch_for(
        tmp_path):
    reference = str(tmp_path / 'reference')
    _builder(reference).build()
    bank_dir = str(tmp_path / 'altered')
    _builder(bank_dir).build()
    # Flip the keep flags of a shard record: it still matches its images,
    # but not the manifest, which then fails its check.
    path = osp.join(bank_dir, 'shards', 'c0002_s00000.json')
    with open(path) as f:
        record = json.load(f)
    record['keep'] = [not k for k in record['keep']]
    with open(path, 'w') as f:
        json.dump(record, f)
    with pytest.raises(ValueError, match='corrupt'):
        SyntheticBank(bank_dir)
    source = NoiseSource()
    _builder(bank_dir, source=source).build()
    # Only the altered shard was made again, and the bank is the
    # uninterrupted one.
    assert source.calls == [(2, 4)]
    assert _bytes_of(bank_dir) == _bytes_of(reference)


@pytest.mark.parametrize('damage', [
    ('manifest.json', '{"files": 3}'),  # valid JSON, wrong shape
    ('manifest.json', '{"format": 1, "fil'),  # truncated
    ('fingerprint.json', '{"format": 1, "da'),  # truncated
])
def test_unreadable_bank_files_are_repaired_not_fatal(tmp_path, damage):
    reference = str(tmp_path / 'reference')
    _builder(reference).build()
    bank_dir = str(tmp_path / 'damaged')
    _builder(bank_dir).build()
    name, text = damage
    with open(osp.join(bank_dir, name), 'w') as f:
        f.write(text)
    with pytest.raises(ValueError, match='cannot be read|not a bank'):
        SyntheticBank(bank_dir, _builder(bank_dir).fingerprint())
    _builder(bank_dir).build()
    assert _bytes_of(bank_dir) == _bytes_of(reference)


def test_complete_bank_is_reused_without_generating(tmp_path):
    _builder(str(tmp_path)).build()
    source = NoiseSource()
    _builder(str(tmp_path), source=source).build()
    assert source.calls == []


def test_bank_of_another_configuration_is_refused(tmp_path):
    _builder(str(tmp_path)).build()
    with pytest.raises(BankMismatchError, match='source.tag'):
        _builder(str(tmp_path), source=NoiseSource('b')).build()
    with pytest.raises(BankMismatchError, match='slots_per_class'):
        _builder(str(tmp_path), slots=(0, 5, 13)).build()
    bank = SyntheticBank(str(tmp_path))
    with pytest.raises(BankMismatchError, match='another target'):
        bank.check_slots([0, 5, 13])


def test_shards_of_another_bank_are_reused_not_regenerated(tmp_path):
    # Bank A: the lenient filter. Bank B: a strict one, which needs more
    # rounds; the shards A already holds are copied, not sampled again.
    donor = str(tmp_path / 'donor')
    _builder(donor).build()
    donor_shards = {
        name[:-4]
        for name in os.listdir(osp.join(donor, 'shards'))
        if name.endswith('.npy')
    }
    alone = str(tmp_path / 'alone')
    source_alone = NoiseSource()
    _builder(alone, threshold=110.0, source=source_alone).build()

    reusing = str(tmp_path / 'reusing')
    source = NoiseSource()
    _builder(reusing, threshold=110.0, source=source,
             reuse_from=[donor]).build()
    # The same bank, byte for byte, as without reuse ...
    assert _bytes_of(reusing) == _bytes_of(alone)
    # ... for fewer samples drawn: a shard the donor holds with the same
    # offset and count (its first round) is copied, any other generated.
    def record(bank, name):
        with open(osp.join(bank, 'shards', name + '.json')) as f:
            return json.load(f)

    shared = 0
    for name in donor_shards:
        theirs = record(donor, name)
        if osp.isfile(osp.join(reusing, 'shards', name + '.json')):
            ours = record(reusing, name)
            if (ours['offset'], ours['requested']) == (theirs['offset'],
                                                       theirs['requested']):
                shared += ours['num_images']
    generated = sum(count for _, count in source.calls)
    assert shared > 0
    assert generated == sum(count
                            for _, count in source_alone.calls) - shared


def test_reuse_skips_banks_of_other_candidates(tmp_path):
    donor = str(tmp_path / 'donor')
    _builder(donor, source=NoiseSource('b')).build()
    source = NoiseSource()
    _builder(str(tmp_path / 'new'), source=source,
             reuse_from=donor).build()
    source_alone = NoiseSource()
    _builder(str(tmp_path / 'alone'), source=source_alone).build()
    assert source.calls == source_alone.calls  # nothing was copied
    with pytest.raises(FileNotFoundError, match='reuse_from'):
        _builder(str(tmp_path / 'x'), reuse_from=[str(tmp_path / 'none')])


def test_missing_bank_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match='synthesize.py'):
        SyntheticBank(str(tmp_path))


def test_bad_settings_are_refused(tmp_path):
    with pytest.raises(ValueError, match='shard_size'):
        _builder(str(tmp_path), shard_size=0)
    with pytest.raises(ValueError, match='max_tries'):
        _builder(str(tmp_path), max_tries=0.5)


class ChannelLogitsOT(OptimalTransportFilter):
    """The OT filter with 'phi0' replaced by the mean of each colour channel
    (3 classes), so the test needs no network."""

    def pool_logits(self, images):
        return (images.reshape(len(images), -1, 3).mean(1) / 16).astype(
            np.float32)


def _joint_builder(bank_dir, source=None):
    return BankBuilder(bank_dir, [6, 5, 9], source or NoiseSource(),
                       ChannelLogitsOT(rho=0.8), seed=3, shard_size=4,
                       dataset_fingerprint=dict(labels='x'))


def test_joint_filter_judges_each_round_and_resumes_identically(tmp_path):
    reference = str(tmp_path / 'reference')
    bank = _joint_builder(reference).build()
    assert bank.labels().tolist() == [0] * 6 + [1] * 5 + [2] * 9
    stats = {c['label']: c for c in bank.manifest['classes']}
    for label, slots in enumerate([6, 5, 9]):
        categories = stats[label]['categories']
        assert set(categories) <= {'agree', 'disagree', 'rejected'}
        assert stats[label]['accepted'] == categories.get('agree', 0)
    assert any(c['filled_with_accepted'] for c in stats.values())
    # Noise images: the transport rejects or re-assigns a share of them.
    assert sum(c['generated'] for c in stats.values()) > 20

    # Killed after a round's shards were written, before its verdicts:
    # the records are pending again and some later shards are gone.
    resumed = str(tmp_path / 'resumed')
    _joint_builder(resumed).build()
    os.remove(osp.join(resumed, 'manifest.json'))
    shards = osp.join(resumed, 'shards')
    records = sorted(n for n in os.listdir(shards) if n.endswith('.json'))
    for name in records[::2]:
        path = osp.join(shards, name)
        with open(path) as f:
            record = json.load(f)
        record.update(score=None, category=None, keep=None)
        with open(path, 'w') as f:
            json.dump(record, f)
    os.remove(osp.join(shards, records[-1]))
    source = NoiseSource()
    _joint_builder(resumed, source=source).build()
    assert len(source.calls) == 1  # only the deleted shard
    assert _bytes_of(resumed) == _bytes_of(reference)
