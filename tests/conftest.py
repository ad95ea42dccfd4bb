import os.path as osp
import sys

# Make `tests.fixtures` and the repository's `tools/` importable.
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import diffult_plugin  # noqa: E402,F401  (register components once)
