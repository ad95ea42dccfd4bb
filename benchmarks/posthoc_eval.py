"""Evaluate one trained checkpoint under the test-time long-tail corrections.

    python benchmarks/posthoc_eval.py \
        work_dirs/benchmarks/ce_resnet32_cifar10lt-jpg_cpu-20e/seed0/ce_resnet32_cifar10lt-jpg_cpu-20e.py \
        work_dirs/benchmarks/ce_resnet32_cifar10lt-jpg_cpu-20e/seed0/epoch_20.pth

Runs tools/test.py once per correction: none (posthoc_tau = 0), logit
adjustment ``z - tau log pi`` and the inverse image frequency
``z + tau log((N - n_c) / n_c)`` (APA / AGLU's IIF), with the real training
class counts of the config's dataset (``posthoc_class_counts``; for a model
trained on a DiffuLT proxy these are the real long-tailed counts, not the
proxy's that its checkpoint holds). A plain ``LinearClsHead`` is evaluated
as ``WeightedLinearClsHead`` (same parameters, with the corrections). It
separates what a method's training gives from what its test-time correction
gives. One JSON record per correction is appended to
benchmarks/results/posthoc_eval.jsonl.

``--prior real-over-train`` removes ``log(pi_real / pi_train)`` instead:
for a method that already balanced against its training prior (Balanced
Softmax, SHIKE, MDCS, ...) on a DiffuLT proxy, that is the imbalance left if
the model saw the real prior where the proxy's was assumed. Its rows and
work dirs are named apart from the real-prior ones.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.train_protocol import machine  # noqa: E402

KINDS = ('none', 'logit_adjust', 'iif')


def real_class_counts(config: str, prior: str = 'real'):
    """Class counts of the config's real (long-tailed) training set.

    With ``prior='real-over-train'``: counts proportional to
    ``n_real_c / n_train_c`` (the training set is the DiffuLT proxy when
    there is one), scaled so that the smallest is >= 1. Logit adjustment
    then removes ``log(pi_real / pi_train)``: the imbalance a method that
    balanced against the proxy's prior during training left in place.
    """
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS

    import diffult_plugin  # noqa: F401  registers the datasets
    cfg = Config.fromfile(config)
    # Wrapped pipelines (MDCS's MultiView) build their transforms through
    # the default scope, which a runner would have set.
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset = cfg.train_dataloader.dataset
    proxy = None
    if dataset.get('type') == 'DiffuLTDataset':
        from diffult_plugin.diffult.dataset import plan_slots
        proxy, dataset = dataset, dataset['dataset']
    counts = DATASETS.build(dataset).metainfo.get('class_counts')
    if counts is None:
        raise ValueError(f'{config}: the training set has no class_counts; '
                         'give a long-tail dataset of diffult_plugin.')
    counts = [int(c) for c in counts]
    if prior == 'real':
        return counts
    train = counts if proxy is None else [
        n + s for n, s in zip(counts, plan_slots(
            counts, proxy.get('target', 'max')))]
    ratios = [n / t for n, t in zip(counts, train)]
    scale = 1.0 / min(ratios)
    return [round(r * scale, 4) for r in ratios]


def head_type(config: str) -> str:
    from mmengine.config import Config
    head = Config.fromfile(config).model.head.type
    return 'WeightedLinearClsHead' if head == 'LinearClsHead' else head


def evaluate(config, checkpoint, kind, tau, counts, head, work_dir,
             prior='real'):
    counts_text = json.dumps(counts, separators=(',', ':'))
    # posthoc_class_counts, not class_counts: a checkpoint's own counts
    # (the DiffuLT proxy's, for a model trained on it) would replace those.
    options = [f'model.head.type={head}',
               f'model.head.posthoc_class_counts={counts_text}',
               'model.head.posthoc_tau=' + ('0.0' if kind == 'none' else
                                            str(float(tau)))]
    if kind != 'none':
        options.append(f'model.head.posthoc_type={kind}')
    if prior != 'real':
        options.append(f'leaderboard.posthoc_prior={prior}')
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'test.py'), config,
           checkpoint, '--work-dir', work_dir, '--cfg-options'] + options
    print('+', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    logs = sorted(glob.glob(osp.join(work_dir, '*', '2*.json')),
                  key=osp.getmtime)
    with open(logs[-1]) as f:
        metrics = json.load(f)
    # Per-class accuracies (for the protocol table's tail column).
    per_class = train_counts = None
    results = sorted(glob.glob(osp.join(work_dir, '*', 'lt_results.json')),
                     key=osp.getmtime)
    if results:
        with open(results[-1]) as f:
            detail = json.load(f)
        per_class = detail.get('per_class')
        train_counts = detail.get('train_class_counts')
    return dict(top1=metrics['long_tail/top1'],
                per_class=per_class,
                train_class_counts=train_counts,
                many=metrics.get('long_tail/many'),
                medium=metrics.get('long_tail/medium'),
                few=metrics.get('long_tail/few'),
                ece=metrics.get('calibration/ece'),
                options=options)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--kinds', nargs='+', default=list(KINDS),
                        choices=KINDS)
    parser.add_argument('--tau', type=float, default=1.0)
    parser.add_argument(
        '--prior', default='real', choices=('real', 'real-over-train'),
        help="the prior the correction removes: 'real' (the long-tailed "
        "counts) or 'real-over-train' (real / training counts: what is "
        'left for a method that balanced against the DiffuLT proxy)')
    parser.add_argument('--tag', default=None,
                        help='name of the run (default: config name)')
    args = parser.parse_args()
    name = args.tag or osp.splitext(osp.basename(args.config))[0]
    counts = real_class_counts(args.config, args.prior)
    head = head_type(args.config)
    out_dir = osp.join(ROOT, 'benchmarks', 'results')
    os.makedirs(out_dir, exist_ok=True)
    print('| correction | top-1 | many | medium | few | ECE |')
    rows = []
    for kind in args.kinds:
        # One work dir per seed: tools/leaderboard.py reads a work dir as
        # one run (its latest evaluation and config dump).
        seed = re.search(r'seed\d+', args.checkpoint)
        work_dir = osp.join(ROOT, 'work_dirs', 'benchmarks', 'posthoc_eval',
                            name, seed.group(0) if seed else 'run',
                            kind if args.prior == 'real' else
                            f'{kind}_{args.prior}')
        result = evaluate(args.config, args.checkpoint, kind, args.tau,
                          counts, head, work_dir, args.prior)
        record = dict(benchmark='posthoc_eval', run=name,
                      checkpoint=args.checkpoint, correction=kind,
                      tau=0.0 if kind == 'none' else args.tau,
                      date=datetime.datetime.now().isoformat(
                          timespec='seconds'),
                      machine=machine(), prior=args.prior,
                      prior_counts=counts, **result)
        with open(osp.join(out_dir, 'posthoc_eval.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')
        rows.append(record)

    def fmt(value):
        return '-' if value is None else f'{value:.2f}'

    for r in rows:
        print(f'| {r["correction"]} | {fmt(r["top1"])} | {fmt(r["many"])} | '
              f'{fmt(r["medium"])} | {fmt(r["few"])} | {fmt(r["ece"])} |')


if __name__ == '__main__':
    main()
