"""The paper's full protocol on one GPU, with one command, and a measured
estimate of what it costs.

    # what it will cost on this machine (a few minutes of probes):
    python benchmarks/gpu_paper_protocol.py estimate --dataset cifar100lt
    # all of it (stages once, then every arm and seed):
    python benchmarks/gpu_paper_protocol.py run --dataset cifar100lt \\
        --seeds 0 1 2

``run`` trains, for CIFAR-100-LT or CIFAR-10-LT IF100 (the CIFAR python
pickles under DIFFULT_CIFAR_ROOT; torchvision downloads them when a network
is there), every arm through benchmarks/train_protocol.py: the baselines CE,
Balanced Softmax, RIDE and SHIKE and their DiffuLT combinations
(``configs/diffult+<method>_resnet32_<dataset>.py``, the paper's generator and
recipe). The DiffuLT stages (phi0, the 500k-iteration generator, the
filtered bank) are made once, by the first DiffuLT arm, in
work_dirs/paper/<dataset>/stages, and shared by every other arm and seed.
Each run is recorded in benchmarks/results/train_protocol.jsonl.

``estimate`` times, on this machine: generator train steps of the paper's
UNet (batch 128), DDPM sampling with classifier-free guidance (2 network
evaluations per step), and classifier train steps of ResNet-32, RIDE and
SHIKE at batch 128; it prints the projected hours of each stage and of the
whole run and appends a record to benchmarks/results/gpu_paper_protocol.jsonl.
The projection counts compute only (no data loading, validation or
checkpoints).
"""
import argparse
import datetime
import json
import os
import os.path as osp
import subprocess
import sys
import time

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import diffult_plugin  # noqa: E402,F401
from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402

from benchmarks.train_protocol import machine  # noqa: E402
from diffult_plugin.datasets import long_tail_class_counts  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
METHODS = ('ce', 'balanced-softmax', 'ride', 'shike')
N_MAX = dict(cifar100lt=500, cifar10lt=5000)
CLASSES = dict(cifar100lt=100, cifar10lt=10)


def arms(dataset):
    """(tag, config) of every arm; the first DiffuLT arm makes the stages."""
    out = [(f'paper_{m}_{dataset}',
            f'configs/baselines/{m}_resnet32_{dataset}.py') for m in METHODS]
    out += [(f'paper_diffult+{m}_{dataset}',
             f'configs/diffult+{m}_resnet32_{dataset}.py') for m in METHODS]
    return out


def run(args):
    stages = osp.join(ROOT, 'work_dirs', 'paper', args.dataset, 'stages')
    for tag, config in arms(args.dataset):
        cmd = [sys.executable, osp.join(ROOT, 'benchmarks',
                                        'train_protocol.py'), config,
               '--tag', tag, '--seeds'] + [str(s) for s in args.seeds]
        if 'diffult+' in config:
            cmd += ['--cfg-options', f'custom_hooks.0.stages_dir={stages}']
        print('+', ' '.join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)


def _timed(fn, steps, device):
    fn()  # warm-up
    if device == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    if device == 'cuda':
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def generator_costs(dataset, steps, device):
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'diffusion', f'diffult-ddpm_unet_{dataset}.py'))
    model_cfg = dict(cfg.model)
    model_cfg.pop('aid', None)  # phi0 forward passes: small next to the UNet
    model_cfg['class_counts'] = long_tail_class_counts(
        N_MAX[dataset], CLASSES[dataset], 100)  # L_CBDM's prior
    model = MODELS.build(model_cfg).to(device)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    images = torch.rand(128, 3, 32, 32, device=device) * 2 - 1
    labels = torch.randint(0, CLASSES[dataset], (128, ), device=device)

    def train_step():
        losses = model.loss(images, labels)
        optim.update_params(sum(losses.values()))

    train_s = _timed(train_step, steps, device)
    model.eval()
    t = torch.full((500, ), 500, device=device)
    noisy = torch.randn(500, 3, 32, 32, device=device)
    noisy_labels = torch.randint(0, CLASSES[dataset], (500, ), device=device)
    with torch.no_grad():
        nfe_s = _timed(lambda: model.denoise(noisy, t, noisy_labels), steps,
                       device)
    return dict(iters=cfg.train_cfg.max_iters, train_step_s=train_s,
                nfe_per_image_s=nfe_s / 500)


def classifier_step_s(config, steps, device):
    cfg = Config.fromfile(osp.join(ROOT, config))
    model = MODELS.build(dict(cfg.model,
                              data_preprocessor=cfg.data_preprocessor))
    model.to(device).train()
    counts = list(range(1, cfg.model.head.num_classes + 1))
    for module in model.modules():
        if hasattr(module, 'set_class_counts'):
            module.set_class_counts(counts)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    classes = cfg.model.head.num_classes
    data = dict(
        inputs=list(torch.randint(0, 256, (128, 3, 32, 32),
                                  dtype=torch.uint8)),
        data_samples=[DataSample().set_gt_label(i % classes)
                      for i in range(128)])
    return _timed(lambda: model.train_step(data, optim), steps, device)


def estimate(args):
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    ds = args.dataset
    counts = long_tail_class_counts(N_MAX[ds], CLASSES[ds], 100)
    real, proxy = sum(counts), N_MAX[ds] * CLASSES[ds]
    gen = generator_costs(ds, args.probe_steps, device)
    hours = {}
    hours['generator (500k iters)'] = gen['iters'] * gen['train_step_s']
    # DDPM 1000 steps x 2 evaluations (CFG), with the filter's retries
    # taken as 1.0x (the CPU run kept every candidate).
    hours['synthesis (DDPM-1000, CFG)'] = (proxy - real) * 1000 * 2 * \
        gen['nfe_per_image_s']
    epochs = 200
    for method in METHODS:
        config = f'configs/baselines/{method}_resnet32_{ds}.py'
        step = classifier_step_s(config, args.probe_steps, device)
        per_seed_lt = epochs * real / 128 * step
        per_seed_proxy = epochs * proxy / 128 * step
        hours[f'{method} x{len(args.seeds)} seeds'] = \
            per_seed_lt * len(args.seeds)
        hours[f'diffult+{method} x{len(args.seeds)} seeds'] = \
            per_seed_proxy * len(args.seeds)
    # phi0 is the CE baseline's recipe once more.
    hours['phi0 (CE, 200 epochs)'] = hours[f'ce x{len(args.seeds)} seeds'] / \
        len(args.seeds)
    hours = {k: v / 3600 for k, v in hours.items()}
    record = dict(
        benchmark='gpu_paper_protocol_estimate',
        date=datetime.datetime.now().isoformat(timespec='seconds'),
        machine=machine(),
        device=torch.cuda.get_device_name() if device == 'cuda' else 'cpu',
        dataset=ds, seeds=args.seeds, probe_steps=args.probe_steps,
        generator_train_step_s=gen['train_step_s'],
        nfe_per_image_s=gen['nfe_per_image_s'],
        hours={k: round(v, 2) for k, v in hours.items()},
        total_hours=round(sum(hours.values()), 1))
    out = osp.join(ROOT, 'benchmarks', 'results', 'gpu_paper_protocol.jsonl')
    os.makedirs(osp.dirname(out), exist_ok=True)
    with open(out, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(f'| stage ({ds}, {record["device"]}) | hours |\n|---|---|')
    for k, v in hours.items():
        print(f'| {k} | {v:.2f} |')
    print(f'| total | {sum(hours.values()):.1f} |')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('mode', choices=('estimate', 'run'))
    parser.add_argument('--dataset', choices=tuple(N_MAX),
                        default='cifar100lt')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--probe-steps', type=int, default=20)
    args = parser.parse_args()
    (run if args.mode == 'run' else estimate)(args)


if __name__ == '__main__':
    main()
