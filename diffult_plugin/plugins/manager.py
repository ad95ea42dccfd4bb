"""The plugin manager: built-in implementations plus entry-point plugins."""
from typing import Optional

import pluggy

from . import hookspecs
from .markers import PROJECT

_manager: Optional[pluggy.PluginManager] = None


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (created on first use).

    Registers the hook specifications, the built-in implementations
    (:mod:`diffult_plugin.plugins.builtin`) and every plugin declared in the
    ``diffult_plugin`` entry-point group.
    """
    global _manager
    if _manager is None:
        manager = pluggy.PluginManager(PROJECT)
        manager.add_hookspecs(hookspecs)
        from . import builtin
        manager.register(builtin, name='diffult_plugin.builtin')
        manager.load_setuptools_entrypoints(PROJECT)
        _manager = manager
    return _manager


def collect(hook_name: str) -> list:
    """Flatten the lists returned by every implementation of a hook."""
    hook = getattr(get_plugin_manager().hook, hook_name)
    rows = []
    for result in hook():
        rows.extend(result or [])
    return rows
