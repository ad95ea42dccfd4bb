"""DiffuLT and long-tail baselines as an mmpretrain plugin.

Importing the package registers every component into mmpretrain's registries
and makes mmengine checkpoints loadable with ``torch.load(weights_only=True)``.
Configs enable it with::

    custom_imports = dict(imports=['diffult_plugin'], allow_failed_imports=False)
    default_scope = 'mmpretrain'
"""
import warnings

# mmcv-lite lacks the compiled ops; mmcv warns about it on every import
# although classification never uses them.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from .utils.safe_loading import register_safe_globals  # noqa: E402
from .version import __version__  # noqa: E402

register_safe_globals()

from . import datasets, diffult, engine, evaluation, models  # noqa: E402,F401
from .plugins import get_plugin_manager  # noqa: E402

# Entry-point plugins are imported here, so the components they register are
# there for any config that imports diffult_plugin.
get_plugin_manager().hook.diffult_register_components()

__all__ = ['__version__', 'register_safe_globals']
