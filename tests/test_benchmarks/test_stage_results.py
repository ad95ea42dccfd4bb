"""benchmarks/stage_results.py reads phi0's last validation and the
filter's split out of a run folder."""
import json
import os

from benchmarks.stage_results import append_record, stage_results


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(data, f)


def test_record_of_a_run_folder(tmp_path):
    run = tmp_path / 'cpu-v2_arm' / 'seed2'
    assert stage_results(str(run)) is None  # a run without stages
    _write(str(run / 'phi0' / '20260101_000000' / 'lt_results.json'),
           dict(epoch=30, top1=44.4, many=55.5, medium=0.15, few=None,
                per_class=[90.0, 0.0], train_class_counts=[5, 1],
                extra='dropped'))
    _write(str(run / 'generator' / 'stage_done.json'), dict(stage='g'))
    _write(str(run / 'synthesis' / 'filter_stats.json'), dict(
        classes=[], totals=dict(real=6, slots=4, generated=9, accepted=5,
                                filled_with_accepted=4,
                                filled_with_rejected=0,
                                categories=dict(ID=3, AID=2, OOD=4))))
    out = tmp_path / 'records.jsonl'
    record = append_record(str(run), str(out))
    assert json.loads(out.read_text()) == record
    assert (record['arm'], record['seed']) == ('cpu-v2_arm', 2)
    assert record['stages_done'] == ['generator']
    assert record['phi0'] == dict(epoch=30, top1=44.4, many=55.5,
                                  medium=0.15, few=None,
                                  per_class=[90.0, 0.0],
                                  train_class_counts=[5, 1])
    assert record['filter'] == dict(slots=4, generated=9, accepted=5,
                                    categories=dict(ID=3, AID=2, OOD=4),
                                    filled_with_rejected=0)


def test_a_seed_that_reused_the_bank_adds_no_record(tmp_path):
    out = tmp_path / 'records.jsonl'
    totals = dict(real=6, slots=4, generated=4, accepted=4,
                  filled_with_accepted=4, filled_with_rejected=0,
                  categories=dict(ID=4))
    runs = []
    for seed in (0, 1):
        run = tmp_path / 'cpu-v2_arm' / f'seed{seed}'
        _write(str(run / 'synthesis' / 'filter_stats.json'),
               dict(classes=[], totals=totals))
        runs.append(str(run))
    assert append_record(runs[0], str(out))['seed'] == 0
    # Seed 1 judged nothing new (same arm, same split): no second record.
    assert append_record(runs[1], str(out)) is None
    assert len(out.read_text().splitlines()) == 1
    # Another split, or another arm with the same split, is recorded.
    other = tmp_path / 'cpu-v2_other' / 'seed0'
    _write(str(other / 'synthesis' / 'filter_stats.json'),
           dict(classes=[], totals=totals))
    assert append_record(str(other), str(out))['arm'] == 'cpu-v2_other'
    _write(runs[1] + '/synthesis/filter_stats.json',
           dict(classes=[], totals=dict(totals, categories=dict(ID=3,
                                                                AID=1))))
    assert append_record(runs[1], str(out))['seed'] == 1
    assert len(out.read_text().splitlines()) == 3
