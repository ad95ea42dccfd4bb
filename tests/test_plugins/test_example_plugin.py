"""An example plugin package, built and installed in a temp dir, extends
diffult-plugin through the ``diffult_plugin`` entry points: it registers an
mmengine component (used by a config that does not import it), adds
published results and a recipe to the leaderboard, and receives the
lifecycle events of a run."""
import json
import os
import os.path as osp
import subprocess
import sys
import textwrap

import pytest

from tests.fixtures import make_cifar
from tests.test_tools.test_train_test import CONFIG, ROOT, _options

HOOKS = '''
import json
import os

import torch.nn as nn
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.registry import MODELS

from diffult_plugin.plugins import hookimpl


@MODELS.register_module()
class ExamplePluginLoss(CrossEntropyLoss):
    """CE under another name: proves the component came from the plugin."""


def _event(**record):
    with open(os.environ['EXAMPLE_EVENTS'], 'a') as f:
        f.write(json.dumps(record) + '\\n')


@hookimpl
def diffult_published_results():
    return [dict(method='ExampleMethod', dataset='CIFAR-10-LT',
                 imbalance_factor=10, backbone='ResNet-32', top1=99.9,
                 source='Example et al. 2026')]


@hookimpl
def diffult_method_recipes():
    return [dict(method='ExampleMethod', dataset='CIFAR-10-LT',
                 config='example_config.py')]


@hookimpl
def diffult_run_evaluated(work_dir, results):
    _event(event='evaluated', top1=results['top1'])


@hookimpl
def diffult_stage_finished(stage, work_dir, artifact):
    _event(event='stage_finished', stage=stage, artifact=artifact)
'''

PYPROJECT = '''
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "diffult-example-plugin"
version = "0.1.0"

[project.entry-points.diffult_plugin]
example = "diffult_example_plugin.hooks"

[tool.setuptools]
packages = ["diffult_example_plugin"]
'''


@pytest.fixture(scope='module')
def plugin_env(tmp_path_factory):
    root = tmp_path_factory.mktemp('plugin')
    pkg = root / 'src'
    (pkg / 'diffult_example_plugin').mkdir(parents=True)
    (pkg / 'diffult_example_plugin' / '__init__.py').write_text('')
    (pkg / 'diffult_example_plugin' / 'hooks.py').write_text(HOOKS)
    (pkg / 'pyproject.toml').write_text(textwrap.dedent(PYPROJECT))
    site = root / 'site'
    subprocess.run([
        sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
        '--no-build-isolation', '--no-index', '--target',
        str(site),
        str(pkg)
    ], check=True, capture_output=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(site),
               EXAMPLE_EVENTS=str(root / 'events.jsonl'))
    return env, root


def _python(code, env):
    return subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_entry_point_registers_component_and_results(plugin_env):
    env, _ = plugin_env
    proc = _python(
        'import diffult_plugin\n'
        'from mmpretrain.registry import MODELS\n'
        'from diffult_plugin.plugins import collect\n'
        'print(MODELS.get("ExamplePluginLoss").__name__)\n'
        'print([r["method"] for r in collect("diffult_published_results")'
        ' if r["method"] == "ExampleMethod"])\n'
        'print([r["config"] for r in collect("diffult_method_recipes")])\n',
        env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'ExamplePluginLoss' in proc.stdout
    assert "['ExampleMethod']" in proc.stdout
    assert 'example_config.py' in proc.stdout
    # Without the package on the path, none of it is there.
    clean = dict(env, PYTHONPATH='')
    proc = _python(
        'import diffult_plugin\nfrom mmpretrain.registry import MODELS\n'
        'print(MODELS.get("ExamplePluginLoss"))', clean)
    assert proc.stdout.strip() == 'None'


def test_run_uses_plugin_component_and_fires_events(plugin_env):
    env, root = plugin_env
    data_root = make_cifar(str(root / 'cifar'), 10, 20, 4)
    work_dir = str(root / 'run')
    env = dict(env, DIFFULT_CIFAR_ROOT=data_root)
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir', work_dir,
         '--cfg-options'] + _options(1) +
        ['model.head.loss.type=ExamplePluginLoss'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [json.loads(line) for line in open(env['EXAMPLE_EVENTS'])]
    kinds = [e['event'] for e in events]
    assert 'evaluated' in kinds
    finished = [e for e in events if e['event'] == 'stage_finished']
    assert finished and finished[-1]['artifact'].endswith('epoch_1.pth')

    board = str(root / 'board')
    proc = subprocess.run(
        [sys.executable, 'tools/leaderboard.py', work_dir, '--out-dir',
         board], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    md = open(osp.join(board, 'leaderboard.md')).read()
    assert 'ExampleMethod' in md and 'Example et al. 2026' in md
    assert 'example_config.py' in md  # the plugin's recipe is listed
