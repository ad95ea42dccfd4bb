"""Run every arm of the CPU accuracy protocol with one command.

    python benchmarks/cpu_protocol.py --jobs 2            # all missing arms
    python benchmarks/cpu_protocol.py --arms ce diffult   # some of them
    python benchmarks/cpu_protocol.py --dry-run           # the plan only

The protocol (v2, the default): real CIFAR-10-LT IF100 from the JPEG folder
(``DIFFULT_CIFAR10_JPG``), ResNet-32, one schedule for every arm (30 epochs,
cosine; configs/_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py), the
arms' configs in configs/cpu_protocol/, last epoch on the balanced test set
(benchmarks/RESULTS.md). ``--protocol v1`` runs the arms of the first
protocol (20 epochs of a 10x compressed step schedule, arm-specific
schedules), whose records are kept and shown apart. Each (arm, seed) is one
``benchmarks/train_protocol.py`` run, which appends its record to
benchmarks/results/train_protocol.jsonl; pairs that already have a record
are skipped (``--force`` reruns them from scratch), and a run that was
stopped part way continues from its last checkpoint (train_protocol's
``--resume``), so an interrupted protocol resumes.
Arms wait for the arms they need: the DiffuLT combinations reuse phi0, the
generator and the bank of the ``diffult`` arm's seed-0 run, the DeiT-LT
student distils from the Balanced Softmax checkpoint. ``--jobs N`` runs N
arms side by side with ``OMP_NUM_THREADS = cores // N`` and one loader
worker each (on 2 cores two 1-thread runs take as long together as the
two 2-thread runs one after the other, and never oversubscribe the cores);
``--threads`` overrides that, e.g. beside another protocol process.
The table at the end comes from benchmarks/protocol_table.py.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import time
from collections import OrderedDict
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.protocol_table import (DEFAULT_POSTHOC,  # noqa: E402
                                       DEFAULT_RECORDS, load_arms, table,
                                       with_posthoc)

WORK = 'work_dirs/benchmarks'
STAGES = f'{WORK}/diffult_cpu_from_scratch/seed0'
V2 = 'configs/cpu_protocol'


class Arm(NamedTuple):
    """One arm: its config, the record tag, seeds, options and needs."""
    config: str
    tag: str
    seeds: Tuple[int, ...] = (0, )
    options: Tuple[str, ...] = ()
    needs: Tuple[str, ...] = ()
    # Seeds > 0 reuse the stages (phi0, generator, bank) of seed 0.
    reuse_seed0_stages: bool = False
    # A bank of its own next to reused stages (another filter).
    own_bank: bool = False


def _combination(method: str, model: str = 'resnet32') -> Arm:
    config = f'configs/diffult+{method}_{model}_cifar10lt-jpg_cpu.py'
    return Arm(config, osp.splitext(osp.basename(config))[0],
               options=(f'custom_hooks.0.stages_dir={STAGES}', ),
               needs=('diffult', ) + (('balanced-softmax', )
                                      if method == 'deit-lt' else ()))


def _baseline(name: str, seeds=(0, ), needs=()) -> Arm:
    config = f'configs/baselines/{name}_cifar10lt-jpg_cpu-20e.py'
    return Arm(config, osp.splitext(osp.basename(config))[0], seeds,
               needs=needs)


def _v2(name: str, seeds=(0, 1, 2), **kwargs) -> Arm:
    config = f'{V2}/{name}.py'
    # The tag says the protocol: v1 and v2 runs never share a work dir.
    return Arm(config, f'cpu-v2_{name}', seeds, **kwargs)


#: Where the v2 latent DiffuLT arm's seed-0 run keeps phi0, the autoencoder,
#: the generator and the bank: the v2 combinations train on that proxy (the
#: latent generator is the variant whose bank carries class information:
#: CAS 46.0 against the pixel bank's 13.8, RESULTS).
V2_STAGES = f'{WORK}/cpu-v2_diffult-latent_resnet32_cifar10lt-jpg/seed0'


def _v2_combination(method: str) -> Arm:
    return _v2(f'diffult+{method}_resnet32_cifar10lt-jpg', seeds=(0, ),
               options=(f'custom_hooks.0.stages_dir={V2_STAGES}', ),
               needs=('diffult-latent', ))


#: CPU protocol v2: every arm on one schedule; 3 classifier seeds for the
#: core arms. The proxy arms share one bank across classifier seeds (the
#: seed-0 run's stages folder), so seeds differ in the classifier only.
ARMS: 'OrderedDict[str, Arm]' = OrderedDict([
    ('ce', _v2('ce_resnet32_cifar10lt-jpg')),
    ('balanced-softmax', _v2('balanced-softmax_resnet32_cifar10lt-jpg')),
    ('diffult-control',
     _v2('diffult-control_resnet32_cifar10lt-jpg', reuse_seed0_stages=True)),
    ('diffult-oracle',
     _v2('diffult-oracle_resnet32_cifar10lt-jpg', reuse_seed0_stages=True)),
    ('diffult', _v2('diffult_resnet32_cifar10lt-jpg', reuse_seed0_stages=True)),
    # The latent generator (within the pixel generator's training time);
    # phi0 = the CE arm's seed-0 checkpoint when it is on the machine, else
    # the same recipe trained as the pipeline's phi0 stage (phi0_of).
    ('diffult-latent',
     _v2('diffult-latent_resnet32_cifar10lt-jpg', reuse_seed0_stages=True)),
    # The latent arm's generator, its bank sampled at w = 4 (the guidance
    # scale with the best CAS on held-out real val images, guidance_sweep):
    # one bank of its own, shared by the classifier seeds.
    ('diffult-latent-w4',
     _v2('diffult-latent-w4_resnet32_cifar10lt-jpg',
         options=(f'custom_hooks.0.stages_dir={V2_STAGES}',
                  f'custom_hooks.0.bank_dir={WORK}/'
                  'cpu-v2_diffult-latent-w4_resnet32_cifar10lt-jpg/bank'),
         needs=('diffult-latent', ))),
    # The latent arm with its generator trained twice as long (continued
    # from the latent arm's seed-0 generator, on its autoencoder and phi0).
    ('diffult-latent-gen2x',
     _v2('diffult-latent-gen2x_resnet32_cifar10lt-jpg',
         reuse_seed0_stages=True, needs=('diffult-latent', ))),
    ('ceiling', _v2('ce_resnet32_cifar10-jpg', seeds=(0, ))),
    ('ride', _v2('ride_resnet32_cifar10lt-jpg', seeds=(0, ))),
    ('aglu-se', _v2('aglu-se_resnet32_cifar10lt-jpg', seeds=(0, ))),
    ('shike', _v2('shike_resnet32_cifar10lt-jpg', seeds=(0, ))),
    ('mdcs', _v2('mdcs_resnet32_cifar10lt-jpg', seeds=(0, ))),
    ('diffult+ride', _v2_combination('ride')),
    ('diffult+shike', _v2_combination('shike')),
    ('diffult+mdcs', _v2_combination('mdcs')),
    ('diffult+aglu-se', _v2_combination('aglu-se')),
])

#: The first CPU protocol (20 epochs, arm-specific schedules); its records
#: stay in benchmarks/results, marked v1.
V1_ARMS: 'OrderedDict[str, Arm]' = OrderedDict([
    ('ce', _baseline('ce_resnet32', seeds=(0, 1))),
    ('balanced-softmax', _baseline('balanced-softmax_resnet32')),
    ('diffult',
     Arm('configs/diffult_resnet32_cifar10lt-jpg_cpu.py',
         'diffult_cpu_from_scratch', seeds=(0, 1), reuse_seed0_stages=True)),
    ('diffult-oracle',
     Arm('configs/diffult-oracle_resnet32_cifar10lt-jpg_cpu.py',
         'diffult-oracle_resnet32_cifar10lt-jpg_cpu')),
    ('ceiling',
     Arm('configs/baselines/ce_resnet32_cifar10-jpg_cpu-20e.py',
         'ce_resnet32_cifar10-jpg_cpu-20e')),
    ('ride', _baseline('ride_resnet32')),
    ('shike', _baseline('shike_resnet32')),
    ('mdcs', _baseline('mdcs_resnet32')),
    ('aglu-se', _baseline('aglu-se_resnet32')),
    ('deit-lt', _baseline('deit-lt_vit-tiny-p4',
                          needs=('balanced-softmax', ))),
    ('diffult+ride', _combination('ride')),
    ('diffult+shike', _combination('shike')),
    ('diffult+mdcs', _combination('mdcs')),
    ('diffult+aglu-se', _combination('aglu-se')),
    ('diffult+deit-lt', _combination('deit-lt', 'vit-tiny-p4')),
    # RIDE's margins and diversity prior from the real long-tailed counts
    # instead of the proxy's balanced ones (does the tail collapse of
    # DiffuLT + RIDE come from the balanced prior?).
    ('diffult+ride-real-priors',
     _combination('ride')._replace(
         tag='diffult+ride-real-priors_resnet32_cifar10lt-jpg_cpu',
         options=(f'custom_hooks.0.stages_dir={STAGES}',
                  'custom_hooks.1.counts_key=real_class_counts'))),
    ('diffult-ot-filter',
     Arm('configs/diffult-ot-filter_resnet32_cifar10lt-jpg_cpu.py',
         'diffult-ot-filter_resnet32_cifar10lt-jpg_cpu',
         # Its first round is the diffult arm's bank, copied (the filters
         # then judge the same candidates); only further rounds sample.
         options=(f'custom_hooks.0.stages_dir={STAGES}',
                  f'custom_hooks.0.reuse_candidates_from={STAGES}/bank'),
         needs=('diffult', ),
         own_bank=True)),
    # The same generator sampled with classifier-free guidance w = 8, which
    # lifts phi0's agreement with its samples' labels from 20 % to about 37 %
    # (RESULTS, "classifier-free guidance on the tiny generator").
    ('diffult-cfg8',
     Arm('configs/diffult_resnet32_cifar10lt-jpg_cpu.py',
         'diffult-cfg8_cpu',
         options=(f'custom_hooks.0.stages_dir={STAGES}',
                  'custom_hooks.0.guidance_scale=8.0'),
         needs=('diffult', ),
         own_bank=True)),
])


class Job(NamedTuple):
    arm: str
    seed: int


PROTOCOLS = {'v1': V1_ARMS, 'v2': ARMS}


#: The CE arm's seed-0 checkpoint: the latent DiffuLT arm's phi0 when it is
#: there (it is the phi0 stage's own recipe, already trained).
CE_PHI0 = f'{WORK}/cpu-v2_ce_resnet32_cifar10lt-jpg/seed0/epoch_30.pth'
#: Arms whose phi0 is the CE arm's checkpoint when one exists.
PHI0_FROM_CE = ('cpu-v2_diffult-latent_resnet32_cifar10lt-jpg', )


def job_options(arm: Arm, seed: int) -> List[str]:
    options = list(arm.options)
    if arm.tag in PHI0_FROM_CE and seed == 0 and osp.isfile(
            osp.join(ROOT, CE_PHI0)):
        options.append(f'custom_hooks.0.phi0_checkpoint={CE_PHI0}')
    if arm.reuse_seed0_stages and seed != 0:
        options.append(
            f'custom_hooks.0.stages_dir={WORK}/{arm.tag}/seed0')
    if arm.own_bank:
        # With stages_dir alone the bank would be the stages' own one.
        options.append(
            f'custom_hooks.0.bank_dir={WORK}/{arm.tag}/seed{seed}/bank')
    return options


def command(arm: Arm, seed: int, jobs: int,
            resume: bool = True) -> List[str]:
    # A checkpoint every epoch: a stopped run loses at most one on resume.
    options = job_options(arm, seed) + ['default_hooks.checkpoint.interval=1']
    if jobs > 1:
        options += ['train_dataloader.num_workers=1',
                    'val_dataloader.num_workers=1']
    cmd = [sys.executable, osp.join(ROOT, 'benchmarks', 'train_protocol.py'),
           arm.config, '--seeds', str(seed), '--tag', arm.tag]
    if resume:
        cmd.append('--resume')
    if options:
        cmd += ['--cfg-options'] + options
    return cmd


def plan(names: List[str], done: Dict[str, set], force: bool,
         arms: Optional[Dict[str, Arm]] = None) -> List[Job]:
    """(arm, seed) pairs still to run, in the order of ``arms`` (default:
    the v2 protocol's ARMS)."""
    arms = ARMS if arms is None else arms
    unknown = [n for n in names if n not in arms]
    if unknown:
        raise ValueError(f'unknown arm(s) {unknown}; known: '
                         f'{", ".join(arms)}.')
    jobs = []
    for name in arms:
        if name not in names:
            continue
        arm = arms[name]
        for seed in arm.seeds:
            if force or seed not in done.get(arm.tag, set()):
                jobs.append(Job(name, seed))
    return jobs


def needs_of(job: Job, arms: Optional[Dict[str, Arm]] = None) -> List[str]:
    """Arms whose seed-0 run must be recorded before ``job`` starts."""
    arm = (ARMS if arms is None else arms)[job.arm]
    needs = list(arm.needs)
    if arm.reuse_seed0_stages and job.seed != 0:
        needs.append(job.arm)
    return needs


def run(jobs: List[Job],
        slots: int,
        done: Dict[str, set],
        launch: Callable[[Job, dict], object],
        poll: Callable[[object], Optional[int]],
        wait_s: float = 20.0,
        threads: Optional[int] = None,
        arms: Optional[Dict[str, Arm]] = None) -> Tuple[List[Job], List[Job]]:
    """Runs ``jobs`` in at most ``slots`` processes; returns (finished,
    failed or skipped). ``launch(job, env)`` starts one, ``poll(handle)``
    gives its exit code or None while it runs. Each run gets ``threads``
    OpenMP threads, by default ``cores // slots``."""
    arms = ARMS if arms is None else arms
    threads = threads or max(1, (os.cpu_count() or 1) // slots)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    pending, running, finished, failed = list(jobs), [], [], []
    failed_arms = set()
    while pending or running:
        for job in list(pending):
            if any(need in failed_arms for need in needs_of(job, arms)):
                pending.remove(job)
                failed.append(job)
                failed_arms.add(job.arm)
                print(f'skip {job.arm} seed {job.seed}: an arm it needs '
                      'failed', flush=True)
        for job in list(pending):
            if len(running) >= slots:
                break
            if all(0 in done.get(arms[need].tag, set())
                   for need in needs_of(job, arms)):
                pending.remove(job)
                print(f'start {job.arm} seed {job.seed}', flush=True)
                running.append((job, launch(job, env)))
        if not running and pending:
            missing = sorted({n for j in pending
                              for n in needs_of(j, arms)})
            raise RuntimeError(
                f'{[j.arm for j in pending]} wait for {missing}, which '
                'have no seed-0 record and are not in this run; add them '
                'to --arms.')
        for job, handle in list(running):
            code = poll(handle)
            if code is None:
                continue
            running.remove((job, handle))
            if code == 0:
                done.setdefault(arms[job.arm].tag, set()).add(job.seed)
                finished.append(job)
                print(f'done {job.arm} seed {job.seed}', flush=True)
            else:
                failed.append(job)
                failed_arms.add(job.arm)
                print(f'FAILED {job.arm} seed {job.seed} (exit {code})',
                      flush=True)
        if running:
            time.sleep(wait_s)
    return finished, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--protocol', choices=sorted(PROTOCOLS),
                        default='v2', help='default: v2')
    parser.add_argument('--arms', nargs='+', default=None,
                        help=f'default: all of the protocol (v2: '
                        f'{", ".join(ARMS)})')
    parser.add_argument('--jobs', type=int, default=1,
                        help='arms run side by side (default 1)')
    parser.add_argument(
        '--threads', type=int, default=None,
        help='OpenMP threads per run (default: cores // jobs); give the '
        'cores left when another protocol process already runs, e.g. '
        '--threads 1 beside one 1-thread run on 2 cores')
    parser.add_argument('--seeds', type=int, nargs='+', default=None,
                        help='only these seeds of each arm (default: the '
                        "arm's seeds)")
    parser.add_argument('--force', action='store_true',
                        help='rerun pairs that already have a record')
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--records', default=DEFAULT_RECORDS)
    args = parser.parse_args()
    if args.jobs < 1:
        raise SystemExit('--jobs must be >= 1.')
    if args.threads is not None and args.threads < 1:
        raise SystemExit('--threads must be >= 1 (or left out: cores // '
                         'jobs).')
    if not os.environ.get('DIFFULT_CIFAR10_JPG'):
        raise SystemExit(
            'DIFFULT_CIFAR10_JPG is not set: point it at the CIFAR-10 JPEG '
            'folder (README, "Data").')
    arms = PROTOCOLS[args.protocol]
    names = args.arms or list(arms)
    records = load_arms(args.records) if osp.exists(args.records) else {}
    done = {tag: set(seeds) for tag, seeds in records.items()}
    jobs = plan(names, done, args.force, arms)
    if args.seeds is not None:
        jobs = [job for job in jobs if job.seed in args.seeds]
    for job in jobs:
        print(' '.join(
            command(arms[job.arm], job.seed, args.jobs, not args.force)))
    if args.dry_run or not jobs:
        return
    os.makedirs(osp.join(ROOT, WORK), exist_ok=True)

    def launch(job, env):
        arm = arms[job.arm]
        log = osp.join(ROOT, WORK, f'{arm.tag}_seed{job.seed}.log')
        with open(log, 'a') as f:
            return subprocess.Popen(command(arm, job.seed, args.jobs,
                                            not args.force),
                                    cwd=ROOT, env=env, stdout=f,
                                    stderr=subprocess.STDOUT)

    finished, failed = run(jobs, args.jobs, done, launch,
                           lambda p: p.poll(), threads=args.threads,
                           arms=arms)
    print(f'{len(finished)} runs done, {len(failed)} failed or skipped')
    print(table(with_posthoc(load_arms(args.records, args.protocol),
                             DEFAULT_POSTHOC),
                arms['ce'].tag, arms['ceiling'].tag,
                arms['diffult-control'].tag
                if 'diffult-control' in arms else None))
    if failed:
        raise SystemExit(1)


if __name__ == '__main__':
    main()
