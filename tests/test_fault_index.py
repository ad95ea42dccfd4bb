"""Every test that tests/faults.py names for a fault exists."""
import importlib
import os.path as osp

import pytest

from tests.faults import FAULTS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
NODES = sorted({node for nodes in FAULTS.values() for node in nodes})


@pytest.mark.parametrize('node', NODES)
def test_the_named_test_exists(node):
    path, _, name = node.partition('::')
    assert osp.isfile(osp.join(ROOT, path)), path
    module = importlib.import_module(path[:-3].replace('/', '.'))
    if name:
        assert callable(getattr(module, name, None)), node
