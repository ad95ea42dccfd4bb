"""Read finished runs (mmengine work dirs) into leaderboard records."""
import datetime
import glob
import json
import os.path as osp
import re
from typing import List, Optional

from .stats import read_records

#: Display names of the datasets of this package.
DATASET_NAMES = {
    'CIFAR100LT': 'CIFAR-100-LT',
    'CIFAR10LT': 'CIFAR-10-LT',
    'ImageNetLT': 'ImageNet-LT',
    'PlacesLT': 'Places-LT',
    'INaturalist2018': 'iNaturalist-2018',
    'cifar100lt': 'CIFAR-100-LT',
    'cifar10lt': 'CIFAR-10-LT',
    'cifar10lt-jpg': 'CIFAR-10-LT',
}
METHOD_NAMES = {'ce': 'CE', 'diffult': 'DiffuLT', 'bs': 'Balanced Softmax'}
_TIME = re.compile(r'^(\d\d/\d\d \d\d:\d\d:\d\d)')


def _read_jsonl(path: str) -> list:
    return read_records(path, skip_invalid=False)


def _log_wall_seconds(log_dir: str) -> Optional[float]:
    """Seconds between the first and last timestamped lines of the log."""
    logs = glob.glob(osp.join(log_dir, '*.log'))
    if not logs:
        return None
    stamps = []
    with open(logs[0], errors='replace') as f:
        for line in f:
            match = _TIME.match(line)
            if match:
                stamps.append(match.group(1))
    if len(stamps) < 2:
        return None
    first, last = (datetime.datetime.strptime(s, '%m/%d %H:%M:%S')
                   for s in (stamps[0], stamps[-1]))
    seconds = (last - first).total_seconds()
    return seconds if seconds >= 0 else seconds + 365 * 86400


def _last_value(log_dir: str, key: str, epoch: Optional[int]):
    """The last logged value of ``key`` (at ``epoch`` if given)."""
    value = None
    # mmengine's scalar logs: vis_data/scalars.json (validation) and
    # <timestamp>.json (test); both are JSON lines.
    logs = glob.glob(osp.join(log_dir, 'vis_data', 'scalars.json')) + [
        p for p in glob.glob(osp.join(log_dir, '*.json'))
        if osp.basename(p) != 'lt_results.json'
    ]
    for path in sorted(logs):
        for row in _read_jsonl(path):
            if key in row and (epoch is None or row.get('step') in (None,
                                                                   epoch)):
                value = row[key]
    return value


def _config_of(work_dir: str):
    from mmengine.config import Config
    dumps = [
        p for p in glob.glob(osp.join(work_dir, '*.py'))
        if not osp.basename(p).startswith('_')
    ]
    if not dumps:
        return None, None
    path = max(dumps, key=osp.getmtime)
    try:
        return Config.fromfile(path), osp.splitext(osp.basename(path))[0]
    except Exception:  # an unreadable dump still leaves the results
        return None, osp.splitext(osp.basename(path))[0]


def _with_test_time_correction(method: str, cfg, config_name: str) -> str:
    """Name a test-time correction the config's name does not: a CE
    checkpoint evaluated with post-hoc logit adjustment is not "CE"
    (benchmarks/posthoc_eval.py makes such runs)."""
    head = (cfg.get('model', {}) or {}).get('head', {}) or {}
    tau = head.get('posthoc_tau') or 0.0
    if not tau or 'posthoc' in config_name:
        return method
    kind = head.get('posthoc_type', 'logit_adjust')
    name = f'{method} + post-hoc {kind} (tau {tau:g})'
    # benchmarks/posthoc_eval.py --prior names a prior other than the
    # real long-tailed one here.
    prior = (cfg.get('leaderboard') or {}).get('posthoc_prior')
    return name if prior in (None, 'real') else f'{name}, {prior} prior'


def _describe(cfg, config_name: str) -> dict:
    parts = config_name.split('_')
    meta = dict(cfg.get('leaderboard', {}) or {}) if cfg else {}
    method = meta.get('method') or METHOD_NAMES.get(parts[0], parts[0])
    dataset = meta.get('dataset')
    imbalance_factor = meta.get('imbalance_factor')
    backbone = meta.get('backbone')
    epochs = seed = None
    if cfg is not None:
        data = cfg.get('train_dataloader', {}).get('dataset', {})
        # Through wrappers (DiffuLTDataset, ClassBalancedDataset, ...) to
        # the long-tailed set, which names the data and its imbalance.
        while isinstance(data.get('dataset'), dict) and \
                data.get('type') not in DATASET_NAMES and \
                'imbalance_factor' not in data:
            data = data['dataset']
        dataset = dataset or DATASET_NAMES.get(data.get('type'))
        if imbalance_factor is None:
            imbalance_factor = data.get('imbalance_factor')
        backbone_cfg = cfg.get('model', {}).get('backbone', {})
        if backbone is None and backbone_cfg:
            depth = backbone_cfg.get('depth')
            name = 'ResNet' if 'ResNet' in backbone_cfg.get(
                'type', '') else backbone_cfg.get('type')
            backbone = f'{name}-{depth}' if depth else name
        train_cfg = cfg.get('train_cfg', {}) or {}
        epochs = train_cfg.get('max_epochs') or train_cfg.get('max_iters')
        seed = (cfg.get('randomness') or {}).get('seed')
        method = _with_test_time_correction(method, cfg, config_name)
    if dataset is None and len(parts) > 2:
        dataset = DATASET_NAMES.get(parts[2], parts[2])
    return dict(
        method=method,
        dataset=dataset,
        imbalance_factor=imbalance_factor,
        backbone=backbone,
        epochs=epochs,
        seed=seed,
        config=config_name)


def collect_run(work_dir: str, selection: str = 'last') -> Optional[dict]:
    """One run's record, or None when the work dir has no LT results.

    Args:
        work_dir (str): An mmengine work dir.
        selection (str): 'last' (the final evaluation, the default and the
            honest number) or 'best' (the best evaluation, which on CIFAR-LT
            means an epoch chosen on the test set; flagged).
    """
    histories = []
    for path in glob.glob(osp.join(work_dir, '*', 'lt_results.jsonl')):
        histories += [(osp.dirname(path), row) for row in _read_jsonl(path)]
    if not histories:
        return None
    if selection == 'best':
        log_dir, chosen = max(histories, key=lambda item: item[1]['top1'])
    else:
        # The latest evaluation of the longest training.
        log_dir, chosen = max(
            histories,
            key=lambda item: (item[1].get('epoch') or 0, item[1]['time']))
    cfg, config_name = _config_of(work_dir)
    record = _describe(cfg, config_name or osp.basename(work_dir))
    record.update(
        work_dir=work_dir,
        selection=selection,
        test_selected=selection == 'best' and len(histories) > 1,
        evaluated_epoch=chosen.get('epoch'),
        top1=chosen['top1'],
        many=chosen.get('many'),
        medium=chosen.get('medium'),
        few=chosen.get('few'),
        per_class=chosen.get('per_class'),
        train_class_counts=chosen.get('train_class_counts'),
        ece=_last_value(log_dir, 'calibration/ece', chosen.get('epoch')),
        wall_s=sum(
            filter(None, (_log_wall_seconds(d)
                          for d in {d
                                    for d, _ in histories}))) or None,
        device=chosen.get('device'))
    return record


#: Files that mark a folder as a stage of a DiffuLT run (phi0, generator):
#: written by ``diffult_plugin.diffult.stages.run_training_stage``.
STAGE_MARKERS = ('stage.json', 'stage_done.json')


def stage_of(work_dir: str) -> Optional[str]:
    """The DiffuLT stage a work dir holds ('phi0', 'generator'), or None
    for a run of its own."""
    for marker in STAGE_MARKERS:
        path = osp.join(work_dir, marker)
        if osp.isfile(path):
            try:
                with open(path) as f:
                    return json.load(f).get('stage') or 'stage'
            except (OSError, ValueError):
                return 'stage'
    return None


def collect_runs(paths: List[str],
                 selection: str = 'last',
                 include_stages: bool = False) -> List[dict]:
    """Records of every work dir under the given paths (searched
    recursively for ``lt_results.jsonl``).

    The stages of a DiffuLT run (its phi0 folder) are not runs of their
    own: left out unless ``include_stages``, then marked with ``stage``.
    """
    work_dirs = set()
    for path in paths:
        for hit in glob.glob(
                osp.join(path, '**', 'lt_results.jsonl'), recursive=True):
            work_dirs.add(osp.dirname(osp.dirname(hit)))
    records = []
    for work_dir in sorted(work_dirs):
        stage = stage_of(work_dir)
        if stage and not include_stages:
            continue
        record = collect_run(work_dir, selection)
        if record is not None:
            if stage:
                record['stage'] = stage
                # Its own row, never averaged with a run of the method.
                record['method'] = f'{record["method"]} ({stage} stage of ' \
                    'a DiffuLT run)'
            records.append(record)
    return records
