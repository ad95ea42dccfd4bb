"""The number of classes, derived from the training set where a config
says ``num_classes='auto'`` and checked against it everywhere else."""
from typing import List, Tuple

#: The value that asks for the training set's class count.
AUTO = 'auto'
# Sub-configs whose ``num_classes`` is not the dataset's (a pretrained
# backbone's own head, e.g. timm's ``num_classes=0``).
_SKIP = ('backbone', 'init_cfg', 'pretrained')


def _num_classes_entries(node, path: str) -> List[Tuple[str, dict]]:
    """(dotted key, owning dict) of every ``num_classes`` under ``node``."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _SKIP:
                continue
            here = f'{path}.{key}' if path else key
            if key == 'num_classes':
                found.append((here, node))
            else:
                found += _num_classes_entries(value, here)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found += _num_classes_entries(value, f'{path}.{i}')
    return found


def dataset_num_classes(dataset_cfg) -> int:
    """Classes of a dataset config (built once; folders are scanned)."""
    from mmpretrain.registry import DATASETS
    while dataset_cfg.get('type') == 'DiffuLTDataset':
        # The real set has the classes; the proxy would plan its slots too.
        dataset_cfg = dataset_cfg['dataset']
    dataset = DATASETS.build(dataset_cfg)
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    if not classes:
        raise ValueError(
            f'cannot count the classes of {dataset_cfg.get("type")}: its '
            "metainfo has no 'classes'; set num_classes by hand.")
    return len(classes)


def resolve_num_classes(cfg) -> int:
    """Fill ``num_classes='auto'`` from the training set and check every
    other ``num_classes`` of the model and data preprocessor against it.

    Run by ``tools/train.py`` before the runner builds anything, so a
    mismatch is reported in a sentence (not as an ``IndexError: Target 10
    is out of bounds`` after hours of DiffuLT stages) and a config for a
    new dataset needs no class count. Returns the class count.

    Raises:
        ValueError: A ``num_classes`` differs from the training set's.
    """
    loader = cfg.get('train_dataloader') or {}
    if not isinstance(loader.get('dataset'), dict):
        return -1
    entries = []
    for section in ('model', 'data_preprocessor'):
        entries += _num_classes_entries(cfg.get(section), section)
    for section in ('val_dataloader', 'test_dataloader'):
        data = (cfg.get(section) or {}).get('dataset')
        if isinstance(data, dict) and data.get('type') == 'ClassLabelDataset':
            entries += _num_classes_entries(data, f'{section}.dataset')
    if not entries:
        return -1
    count = dataset_num_classes(loader['dataset'])
    wrong = []
    for key, owner in entries:
        value = owner['num_classes']
        if value == AUTO:
            owner['num_classes'] = count
        elif isinstance(value, int) and value > 0 and value != count:
            wrong.append(f'{key}={value}')
    if wrong:
        raise ValueError(
            f'the training set has {count} classes but the config sets '
            f'{", ".join(wrong)}: set them to {count}, or to '
            f"'{AUTO}' to take the training set's count.")
    return count
