import os
import os.path as osp
import sys

if os.environ.get('PYTEST_XDIST_WORKER'):
    # pytest-xdist runs two workers on the two cores: one thread each, for
    # the worker and the processes its tests start (torch reads these at
    # import, so before anything imports it).
    os.environ['OMP_NUM_THREADS'] = '1'
    os.environ['MKL_NUM_THREADS'] = '1'

# Make `tests.fixtures` and the repository's `tools/` importable.
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import diffult_plugin  # noqa: E402,F401  (register components once)
