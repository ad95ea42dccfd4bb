"""The DiffuLT pipeline end to end on generated CIFAR-10 files (subprocesses):
tools/train.py runs phi0, the generator, synthesis + filter and the weighted
classifier; the bank survives a kill, a corrupted shard, and is the same on
2 ranks (gloo) as on one; classifier training resumes with --resume."""
import glob
import json
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.fixtures import make_cifar
from tests.pipeline_configs import write_pipeline_configs
from tests.test_tools.test_train_test import ROOT, _run

# One thread everywhere: the bank must match byte for byte between runs
# with different process counts.
THREADS = dict(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


@pytest.fixture(scope='module')
def pipeline(tmp_path_factory):
    base = tmp_path_factory.mktemp('diffult')
    data_root = make_cifar(str(base / 'cifar'), 10, 20, 2)
    config = write_pipeline_configs(str(base / 'configs'), data_root)
    work_dir = str(base / 'work')
    log = _run(['tools/train.py', config, '--work-dir', work_dir], data_root)
    return config, work_dir, log, base


def _bytes_of(folder):
    files = {}
    for path in glob.glob(osp.join(folder, '**', '*'), recursive=True):
        if osp.isfile(path):
            with open(path, 'rb') as f:
                files[osp.relpath(path, folder)] = f.read()
    return files


def _checkpoints(work_dir):
    paths = []
    for stage in ('phi0', 'generator'):
        with open(osp.join(work_dir, stage, 'stage_done.json')) as f:
            paths.append(json.load(f)['checkpoint'])
    return paths


def _synthesize_cmd(config, work_dir, bank_dir, out_dir):
    phi0, generator = _checkpoints(work_dir)
    return [
        'tools/synthesize.py', config, '--work-dir', out_dir,
        '--phi0-checkpoint', phi0, '--generator-checkpoint', generator,
        '--bank-dir', bank_dir, '--cfg-options',
        'custom_hooks.0.num_steps=10', 'custom_hooks.0.shard_size=2',
        # The tiny generator's samples are all OOD: keep them, so each run
        # samples the 122 slots once rather than max_tries times.
        'custom_hooks.0.filter.keep=[ID,AID,OOD]'
    ]


def _env():
    return dict(os.environ, **THREADS)


def test_pipeline_runs_every_stage(pipeline):
    _, work_dir, log, _ = pipeline
    assert 'stage phi0: training' in log
    assert 'stage generator: training' in log
    assert 'DiffuLT proxy: 78 real + 122 synthetic slots' in log
    for path in ('phi0/stage_done.json', 'generator/stage_done.json',
                 'bank/manifest.json', 'bank/filter_statistics.npz',
                 'synthesis/filter_stats.json', 'synthesis/class_counts.png',
                 'synthesis/samples_kept_filtered.png', 'epoch_2.pth'):
        assert osp.isfile(osp.join(work_dir, path)), path
    stats = json.load(open(osp.join(work_dir, 'synthesis',
                                    'filter_stats.json')))
    assert stats['totals']['slots'] == 122
    assert sum(stats['totals']['categories'].values()) == stats['totals'][
        'generated'] >= 122
    assert stats['classes'][0]['slots'] == 0
    # The generator got phi0 for L_AID from the phi0 stage.
    generator_log = glob.glob(osp.join(work_dir, 'generator', '*', '*.log'))
    assert 'L_AID: phi0 features' in open(generator_log[0]).read()
    assert 'Epoch(train) [2]' in log


def test_rerun_skips_stages_and_resumes_training(pipeline):
    config, work_dir, _, base = pipeline
    log = _run([
        'tools/train.py', config, '--work-dir', work_dir, '--resume',
        '--cfg-options', 'train_cfg.max_epochs=3'
    ], str(base / 'cifar'))
    assert 'stage phi0: done before' in log
    assert 'stage generator: done before' in log
    assert 'complete and verified, reused' in log
    assert 'resumed epoch: 2' in log
    assert osp.isfile(osp.join(work_dir, 'epoch_3.pth'))


def test_filter_statistics_lost_before_the_manifest_are_rewritten(
        pipeline, tmp_path):
    # A kill between the last shard and the manifest left the bank without
    # its statistics; the rerun finds the bank complete and writes them.
    config, work_dir, _, base = pipeline
    statistics = osp.join(work_dir, 'bank', 'filter_statistics.npz')
    with open(statistics, 'rb') as f:
        original = f.read()
    os.remove(statistics)
    log = _run(_synthesize_cmd(config, work_dir, osp.join(work_dir, 'bank'),
                               str(tmp_path / 'out'))[:-4],
               str(base / 'cifar'))
    assert 'complete and verified, reused' in log
    with open(statistics, 'rb') as f:
        assert f.read() == original


def test_killed_synthesis_continues_to_the_same_bank(pipeline, tmp_path,
                                                     monkeypatch):
    for key, value in THREADS.items():
        monkeypatch.setenv(key, value)
    config, work_dir, _, base = pipeline
    env = dict(_env(), DIFFULT_CIFAR_ROOT=str(base / 'cifar'))
    reference = str(tmp_path / 'reference')
    subprocess.run([sys.executable] + _synthesize_cmd(
        config, work_dir, reference, str(tmp_path / 'out_ref')),
        cwd=ROOT, env=env, check=True, capture_output=True)

    killed = str(tmp_path / 'killed')
    proc = subprocess.Popen([sys.executable] + _synthesize_cmd(
        config, work_dir, killed, str(tmp_path / 'out_kill')),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(
            glob.glob(osp.join(killed, 'shards', '*.json'))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not osp.isfile(osp.join(killed, 'manifest.json')), \
        'the run finished before it could be killed'
    done_before = len(glob.glob(osp.join(killed, 'shards', '*.json')))
    assert done_before >= 3

    log = _run(_synthesize_cmd(config, work_dir, killed,
                               str(tmp_path / 'out_kill')),
               str(base / 'cifar'))
    reused = re.search(r"\((\d+) of this rank's \d+ done before\)", log)
    assert reused and int(reused.group(1)) >= 3
    assert _bytes_of(killed) == _bytes_of(reference)

    # A truncated shard: detected by its hash, regenerated, same bank.
    victim = sorted(glob.glob(osp.join(killed, 'shards', '*.npy')))[-1]
    with open(victim, 'r+b') as f:
        f.truncate(64)
    log = _run(_synthesize_cmd(config, work_dir, killed,
                               str(tmp_path / 'out_kill')),
               str(base / 'cifar'))
    assert 'Repairing the bank' in log
    assert _bytes_of(killed) == _bytes_of(reference)

    # Two ranks (torchrun, gloo) write the same bank as one.
    two = str(tmp_path / 'two_ranks')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--standalone',
         '--nproc_per_node', '2'] +
        _synthesize_cmd(config, work_dir, two, str(tmp_path / 'out_two')) +
        ['--launcher', 'pytorch'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _bytes_of(two) == _bytes_of(reference)


def test_optimal_transport_filter_builds_a_bank(pipeline, tmp_path):
    config, work_dir, _, base = pipeline
    folder = osp.dirname(config)
    ot_config = tmp_path / 'diffult_ot.py'
    ot_config.write_text(f'''_base_ = [{config!r}]
custom_hooks = [
    dict(type='DiffuLTSynthesisHook',
         phi0_config={osp.join(folder, 'phi0.py')!r},
         generator_config={osp.join(folder, 'generator.py')!r},
         sampler='ddim', num_steps=2, sample_batch_size=16, shard_size=8,
         filter=dict(type='OptimalTransportFilter', rho=0.9)),
    dict(type='TrainClassCountsHook'),
]
''')
    phi0, generator = _checkpoints(work_dir)
    bank = str(tmp_path / 'bank')
    _run(['tools/synthesize.py', str(ot_config), '--work-dir',
          str(tmp_path / 'out'), '--phi0-checkpoint', phi0,
          '--generator-checkpoint', generator, '--bank-dir', bank],
         str(base / 'cifar'))
    manifest = json.load(open(osp.join(bank, 'manifest.json')))
    categories = {}
    for stats in manifest['classes']:
        for name, count in stats['categories'].items():
            categories[name] = categories.get(name, 0) + count
        assert stats['accepted'] == stats['categories'].get('agree', 0)
    assert set(categories) <= {'agree', 'disagree', 'rejected'}
    assert sum(categories.values()) >= 122
    assert manifest['fingerprint']['filter']['type'] == \
        'OptimalTransportFilter'
    # Each shard's phi0 logits stay beside it (the round was judged whole).
    assert glob.glob(osp.join(bank, 'shards', '*.logits.npy'))


def test_a_generator_stage_continues_another_runs_checkpoint(pipeline,
                                                             tmp_path):
    """generator_resume_from: the stage resumes the other run's iteration-3
    state (weights, Adam's moments and step, EMA) and trains iterations 4-6
    only, not 1-6."""
    import torch

    from diffult_plugin.diffult import DiffuLTPipeline
    from diffult_plugin.utils.safe_loading import register_safe_globals
    config, work_dir, _, _ = pipeline
    phi0, trained = _checkpoints(work_dir)
    assert osp.basename(trained) == 'iter_3.pth'
    folder = osp.dirname(config)
    continued = DiffuLTPipeline(
        phi0_config=osp.join(folder, 'phi0.py'), phi0_checkpoint=phi0,
        generator_config=osp.join(folder, 'generator.py'),
        generator_resume_from=trained,
        generator_cfg_options={'train_cfg.max_iters': 6})
    # The stage options of the first run (phi0 handed to L_AID) and the
    # longer schedule.
    _, options = continued._generator_cfg(phi0)
    stages = str(tmp_path / 'stages')
    checkpoint = continued._generator_stage(stages, options)
    assert osp.basename(checkpoint) == 'iter_6.pth'
    register_safe_globals()
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    start = torch.load(trained, map_location='cpu', weights_only=True)
    assert state['meta']['iter'] == 6
    # Adam counts its steps: 3 before + 3 here (6), not 3 from scratch.
    steps = {int(s['step']) for s in state['optimizer']['state'].values()}
    assert steps == {6}
    assert {int(s['step']) for s in start['optimizer']['state'].values()
            } == {3}
    # Only iterations 4-6 were logged by the continued run.
    (scalars, ) = glob.glob(osp.join(stages, 'generator', '*', 'vis_data',
                                     'scalars.json'))
    logged = [json.loads(line)['step'] for line in open(scalars)
              if '"loss"' in line]
    assert logged == [4, 5, 6]
    provenance = json.load(open(osp.join(stages, 'generator',
                                         'continued_from.json')))
    assert provenance['checkpoint'] == osp.abspath(trained)
    # Done: a second call trains nothing and copies nothing again.
    assert continued._generator_stage(stages, options) == checkpoint
    assert sorted(osp.basename(p) for p in glob.glob(
        osp.join(stages, 'generator', '*.pth'))) == ['iter_3.pth',
                                                     'iter_6.pth']
