"""Built-in implementations of the extension points: the published numbers
of the DiffuLT paper and the long-tail literature (published_results.json,
each row with its source) and this package's method recipes."""
import json
import os.path as osp

from .markers import hookimpl

_HERE = osp.dirname(osp.abspath(__file__))


@hookimpl
def diffult_published_results() -> list:
    with open(osp.join(_HERE, 'published_results.json')) as f:
        return json.load(f)['results']


@hookimpl
def diffult_method_recipes() -> list:
    rows = []
    for dataset, tag in (('CIFAR-100-LT', 'cifar100lt'), ('CIFAR-10-LT',
                                                           'cifar10lt')):
        rows.append(
            dict(
                method='CE',
                dataset=dataset,
                config=f'configs/baselines/ce_resnet32_{tag}.py',
                description='plain cross-entropy, BBN 200-epoch recipe',
                source='diffult-plugin'))
    return rows
