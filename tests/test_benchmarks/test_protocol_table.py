import json

import pytest

from benchmarks.protocol_table import (gap_closed, load_arms, load_posthoc,
                                       table, with_posthoc)


def _record(arm, seed, top1, date, **extra):
    return dict(dict(arm=arm, seed=seed, top1=top1, many=top1 + 10,
                     medium=top1 - 10, few=None, ece=5.0, wall_s=600.0,
                     date=date), **extra)


def _write(path, records):
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))
    return str(path)


def test_table_means_seeds_and_closes_the_gap(tmp_path):
    path = _write(tmp_path / 'records.jsonl', [
        _record('ce', 0, 40.0, '2026-01-01T00:00:00'),
        _record('ce', 1, 44.0, '2026-01-01T01:00:00'),
        # a rerun of seed 1 replaces the earlier record
        _record('ce', 1, 42.0, '2026-01-02T00:00:00'),
        _record('diffult', 0, 46.0, '2026-01-01T00:00:00'),
        _record('full', 0, 61.0, '2026-01-01T00:00:00'),
    ])
    arms = load_arms(path)
    assert list(arms) == ['ce', 'diffult', 'full']
    assert arms['ce'][1]['top1'] == 42.0
    lines = table(arms, 'ce', 'full').splitlines()
    ce_row = next(line for line in lines if line.startswith('| ce |'))
    # mean 41, std of (40, 42) with ddof 1 = 1.41
    assert '| 0,1 | 41.00 ± 1.41 |' in ce_row
    assert '| 0.0 % |' in ce_row
    diffult_row = next(line for line in lines
                       if line.startswith('| diffult |'))
    # (46 - 41) / (61 - 41) = 25 %
    assert '| 25.0 % |' in diffult_row
    assert '| - |' in diffult_row  # no Few class


def test_gap_is_blank_without_a_ceiling_and_baseline_is_required(tmp_path):
    path = _write(tmp_path / 'records.jsonl',
                  [_record('ce', 0, 40.0, '2026-01-01T00:00:00')])
    assert table(load_arms(path), 'ce', 'full').endswith('| - | - | 10 |')
    assert gap_closed(50.0, 40.0, 40.0) is None
    with pytest.raises(ValueError, match='baseline arm'):
        table(load_arms(path), 'missing', 'full')


def test_a_broken_line_names_the_file_and_line(tmp_path):
    path = tmp_path / 'records.jsonl'
    path.write_text(json.dumps(_record('ce', 0, 40.0, 'd')) + '\n{oops\n')
    with pytest.raises(ValueError, match='records.jsonl:2'):
        load_arms(str(path))


def test_records_marked_invalid_are_left_out(tmp_path):
    path = _write(tmp_path / 'records.jsonl', [
        _record('ce', 0, 40.0, '2026-01-01T00:00:00'),
        _record('mdcs', 0, 10.0, '2026-01-02T00:00:00',
                invalid='preprocessor bug, rerun'),
        _record('ce', 1, 10.0, '2026-01-03T00:00:00', invalid='bug'),
    ])
    arms = load_arms(path)
    assert 'mdcs' not in arms
    assert list(arms['ce']) == [0]


def test_posthoc_evaluations_are_rows_of_their_own(tmp_path):
    def posthoc(seed, correction, top1, date='2026-01-01T00:00:00'):
        return dict(run='ce', correction=correction, top1=top1, many=top1,
                    medium=top1, few=None, ece=4.0, date=date,
                    checkpoint=f'work_dirs/benchmarks/ce/seed{seed}/e.pth')

    _write(tmp_path / 'posthoc.jsonl', [
        posthoc(0, 'none', 40.0), posthoc(0, 'logit_adjust', 60.0),
        posthoc(1, 'logit_adjust', 62.0),
        posthoc(1, 'logit_adjust', 64.0, '2026-01-02T00:00:00')])
    records = _write(tmp_path / 'records.jsonl',
                     [_record('ce', 0, 40.0, '2026-01-01T00:00:00'),
                      _record('full', 0, 80.0, '2026-01-01T00:00:00')])
    arms = with_posthoc(load_arms(records), str(tmp_path / 'posthoc.jsonl'))
    assert list(arms) == ['ce', 'full', 'ce + post-hoc logit_adjust']
    row = table(arms, 'ce', 'full').splitlines()[-1]
    # seeds 0 and 1 (the later seed-1 record wins): 62 +- 2.83, (62-40)/40
    assert row.startswith('| ce + post-hoc logit_adjust | 0,1 | 62.00 ± 2.83')
    # no iterations, control or wall time of its own
    assert row.endswith('| - | 55.0 % | - | - |')
    bad = _write(tmp_path / 'bad.jsonl', [dict(
        posthoc(0, 'iif', 1.0), checkpoint='somewhere/e.pth')])
    with pytest.raises(ValueError, match='seed<k>'):
        load_posthoc(bad)
    assert with_posthoc(load_arms(records), str(tmp_path / 'no.jsonl')) \
        .keys() == {'ce', 'full'}
    # Post-hoc rows follow their runs: none for a run of another protocol.
    only_full = _write(tmp_path / 'full.jsonl',
                       [_record('full', 0, 80.0, '2026-01-01T00:00:00')])
    assert list(with_posthoc(load_arms(only_full),
                             str(tmp_path / 'posthoc.jsonl'))) == ['full']


def test_a_prior_other_than_the_real_one_is_a_row_of_its_own(tmp_path):
    base = dict(run='diffult', correction='logit_adjust', many=1.0,
                medium=1.0, few=None, ece=1.0, date='2026-01-01T00:00:00',
                checkpoint='work_dirs/benchmarks/diffult/seed0/e.pth')
    path = _write(tmp_path / 'posthoc.jsonl', [
        dict(base, top1=60.0, prior='real'), dict(base, top1=50.0),
        dict(base, top1=55.0, prior='real-over-train')])
    arms = load_posthoc(path)
    assert list(arms) == [
        'diffult + post-hoc logit_adjust',
        'diffult + post-hoc logit_adjust (real-over-train prior)']
    # Records without a prior field (older ones) used the real prior.
    assert arms['diffult + post-hoc logit_adjust'][0]['top1'] == 50.0
    assert arms['diffult + post-hoc logit_adjust (real-over-train prior)'][
        0]['top1'] == 55.0


def test_tail_control_gain_and_protocols(tmp_path):
    counts = [500, 100, 10, 5, 50]
    per_class = {'ce': [90.0, 70.0, 10.0, 0.0, 40.0],
                 'control': [90.0, 70.0, 20.0, 10.0, 45.0],
                 'diffult': [88.0, 70.0, 50.0, 30.0, 55.0]}
    records = [
        _record(arm, 0, top1, '2026-01-01T00:00:00', protocol='v2',
                per_class=per_class[arm], train_class_counts=counts,
                iterations=iters)
        for arm, top1, iters in (('ce', 40.0, 97), ('control', 44.0, 132),
                                 ('diffult', 50.0, 132))
    ] + [_record('ce', 1, 10.0, '2026-01-01T00:00:00')]  # v1 (no protocol)
    path = _write(tmp_path / 'records.jsonl', records)
    assert load_arms(path, 'v1')['ce'].keys() == {1}
    arms = load_arms(path, 'v2')
    assert arms['ce'].keys() == {0}
    lines = table(arms, 'ce', 'full', control='control').splitlines()
    row = next(line for line in lines if line.startswith('| diffult |'))
    cells = [c.strip() for c in row.strip('|').split('|')]
    header = [c.strip() for c in lines[0].strip('|').split('|')]
    cell = dict(zip(header, cells))
    # The three smallest classes are 3 (5), 2 (10) and 4 (50).
    assert cell['tail'] == f'{(30.0 + 50.0 + 55.0) / 3:.2f}'
    assert cell['iterations'] == '132'
    # 50 - 44 top-1; tail 45.00 - (10 + 20 + 45) / 3 = 25.00
    assert cell['vs control (top-1 / tail)'] == '+6.00 / +20.00'
    ce = dict(zip(header, [c.strip() for c in next(
        line for line in lines if line.startswith('| ce |')).strip('|')
        .split('|')]))
    assert ce['tail'] == f'{(0.0 + 10.0 + 40.0) / 3:.2f}'


def test_wall_times_are_given_per_seed_in_seed_order(tmp_path):
    """A DiffuLT arm's seed 0 trains the stages its other seeds reuse: a
    mean of its walls would describe no run."""
    path = _write(tmp_path / 'records.jsonl', [
        _record('diffult', 1, 50.0, '2026-01-02T00:00:00', wall_s=1860.0),
        _record('diffult', 0, 52.0, '2026-01-01T00:00:00', wall_s=6600.0),
        _record('diffult', 2, 51.0, '2026-01-03T00:00:00', wall_s=1900.0)])
    row = table(load_arms(path), 'diffult', 'full').splitlines()[-1]
    assert row.startswith('| diffult | 0,1,2 | 51.00 ± 1.00')
    assert row.endswith('| 110, 31, 32 |')
