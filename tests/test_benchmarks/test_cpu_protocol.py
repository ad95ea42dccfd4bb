import os
import os.path as osp

import pytest

from benchmarks.cpu_protocol import ARMS as V2_ARMS
from benchmarks.cpu_protocol import V1_ARMS, ROOT, Job, command, plan, run

# The scheduling tests use the v1 arms, whose dependencies (combinations on
# the DiffuLT stages, the DeiT-LT teacher) are the richest.
ARMS = V1_ARMS


class FakeRuns:
    """Each launched job finishes after `steps` polls with `codes[arm]`."""

    def __init__(self, codes=None, steps=2):
        self.codes = codes or {}
        self.steps = steps
        self.started = []
        self.envs = []
        self.max_running = 0
        self.running = 0

    def launch(self, job, env):
        self.started.append(job)
        self.envs.append(env)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        return dict(job=job, left=self.steps)

    def poll(self, handle):
        handle['left'] -= 1
        if handle['left'] > 0:
            return None
        self.running -= 1
        return self.codes.get(handle['job'].arm, 0)


def test_plan_skips_recorded_pairs_and_rejects_unknown_arms():
    done = {ARMS['ce'].tag: {0}}
    assert plan(['ce', 'balanced-softmax'], done, force=False, arms=ARMS) == [
        Job('ce', 1), Job('balanced-softmax', 0)]
    assert Job('ce', 0) in plan(['ce'], done, force=True, arms=ARMS)
    with pytest.raises(ValueError, match='unknown arm'):
        plan(['nope'], done, force=False, arms=ARMS)


def test_needs_run_first_and_slots_are_respected():
    jobs = plan(['balanced-softmax', 'diffult', 'deit-lt', 'diffult+deit-lt',
                 'ride'], {}, force=False, arms=ARMS)
    fake = FakeRuns()
    finished, failed = run(jobs, 2, {}, fake.launch, fake.poll, wait_s=0,
                           arms=ARMS)
    assert not failed and len(finished) == len(jobs)
    assert fake.max_running == 2
    order = [(j.arm, j.seed) for j in fake.started]
    # DiffuLT seed 1 reuses seed 0's stages; the combination needs both the
    # DiffuLT stages and the Balanced Softmax teacher.
    assert order.index(('diffult', 1)) > order.index(('diffult', 0))
    assert order.index(('diffult+deit-lt', 0)) > max(
        order.index(('diffult', 0)), order.index(('balanced-softmax', 0)))
    assert order.index(('deit-lt', 0)) > order.index(('balanced-softmax', 0))
    # Two slots share the cores: one thread each on a 2-core machine.
    threads = str(max(1, (os.cpu_count() or 1) // 2))
    assert all(env['OMP_NUM_THREADS'] == env['MKL_NUM_THREADS'] == threads
               for env in fake.envs)
    # --threads overrides the share, e.g. beside another protocol process.
    fake = FakeRuns()
    run(plan(['ce'], {}, force=False, arms=ARMS), 1, {}, fake.launch,
        fake.poll, wait_s=0, threads=1, arms=ARMS)
    assert {env['OMP_NUM_THREADS'] for env in fake.envs} == {'1'}


def test_a_failed_arm_skips_what_needs_it():
    jobs = plan(['diffult', 'diffult+ride', 'ce'], {}, force=False, arms=ARMS)
    fake = FakeRuns(codes={'diffult': 1})
    finished, failed = run(jobs, 1, {}, fake.launch, fake.poll, wait_s=0,
                           arms=ARMS)
    assert {j.arm for j in failed} == {'diffult', 'diffult+ride'}
    assert {(j.arm, j.seed) for j in finished} == {('ce', 0), ('ce', 1)}
    assert all(j.arm != 'diffult+ride' for j in fake.started)


def test_a_need_outside_the_run_is_named():
    jobs = plan(['diffult+ride'], {}, force=False, arms=ARMS)
    fake = FakeRuns()
    with pytest.raises(RuntimeError, match='diffult'):
        run(jobs, 1, {}, fake.launch, fake.poll, wait_s=0, arms=ARMS)


def test_commands_reuse_stages_and_keep_banks_apart():
    seed1 = ' '.join(command(ARMS['diffult'], 1, jobs=1))
    assert ('custom_hooks.0.stages_dir=work_dirs/benchmarks/'
            'diffult_cpu_from_scratch/seed0') in seed1
    assert 'num_workers' not in seed1
    ot = ' '.join(command(ARMS['diffult-ot-filter'], 0, jobs=2))
    assert ('custom_hooks.0.bank_dir=work_dirs/benchmarks/'
            'diffult-ot-filter_resnet32_cifar10lt-jpg_cpu/seed0/bank') in ot
    assert 'train_dataloader.num_workers=1' in ot
    # The OT bank copies the candidates the diffult bank already holds.
    assert ('custom_hooks.0.reuse_candidates_from=work_dirs/benchmarks/'
            'diffult_cpu_from_scratch/seed0/bank') in ot
    assert 'stages_dir' not in ' '.join(command(ARMS['ce'], 0, jobs=1))
    priors = command(ARMS['diffult+ride-real-priors'], 0, jobs=1)
    assert 'custom_hooks.1.counts_key=real_class_counts' in priors
    assert priors[priors.index('--tag') + 1] != ARMS['diffult+ride'].tag
    # Stopped runs continue; --force starts them again.
    assert '--resume' in priors
    assert 'default_hooks.checkpoint.interval=1' in priors
    assert '--resume' not in command(ARMS['ce'], 0, jobs=1, resume=False)


def test_every_arm_config_exists():
    for arms in (V1_ARMS, V2_ARMS):
        for name, arm in arms.items():
            assert osp.isfile(osp.join(ROOT, arm.config)), name


def test_v2_proxy_seeds_share_the_seed0_bank_and_tags_name_the_protocol():
    jobs = plan(['ce', 'diffult-control'], {}, force=False)
    assert jobs[:3] == [Job('ce', 0), Job('ce', 1), Job('ce', 2)]
    control = V2_ARMS['diffult-control']
    seed2 = ' '.join(command(control, 2, jobs=1))
    assert (f'custom_hooks.0.stages_dir=work_dirs/benchmarks/{control.tag}/'
            'seed0') in seed2
    assert 'stages_dir' not in ' '.join(command(control, 0, jobs=1))
    assert all(arm.tag.startswith('cpu-v2_') for arm in V2_ARMS.values())
    assert not {a.tag for a in V2_ARMS.values()} & {
        a.tag for a in V1_ARMS.values()}
    # Seed 1 of a proxy arm waits for seed 0 (its bank).
    fake = FakeRuns()
    run(plan(['diffult-control'], {}, force=False), 1, {}, fake.launch,
        fake.poll, wait_s=0)
    assert [j.seed for j in fake.started] == [0, 1, 2]


def test_latent_arm_takes_the_ce_checkpoint_when_there(monkeypatch):
    import benchmarks.cpu_protocol as protocol
    arm = V2_ARMS['diffult-latent']
    assert not protocol.needs_of(Job('diffult-latent', 0))
    # No CE checkpoint on the machine: the pipeline trains phi0 itself.
    monkeypatch.setattr(protocol.osp, 'isfile', lambda path: False)
    assert not any('phi0_checkpoint' in o
                   for o in protocol.job_options(arm, 0))
    monkeypatch.setattr(protocol.osp, 'isfile', lambda path: True)
    assert f'custom_hooks.0.phi0_checkpoint={protocol.CE_PHI0}' in \
        protocol.job_options(arm, 0)
    # Seeds > 0 reuse seed 0's stages (its phi0 among them).
    assert not any('phi0_checkpoint' in o
                   for o in protocol.job_options(arm, 1))
