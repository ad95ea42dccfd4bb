from .manager import collect, get_plugin_manager
from .markers import PROJECT, hookimpl

__all__ = ['hookimpl', 'get_plugin_manager', 'collect', 'PROJECT']
