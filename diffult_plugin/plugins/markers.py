"""pluggy markers of the ``diffult_plugin`` project."""
import pluggy

PROJECT = 'diffult_plugin'
#: Marks plugin implementations: ``@hookimpl def diffult_published_results``.
hookimpl = pluggy.HookimplMarker(PROJECT)
#: Marks the specifications in :mod:`diffult_plugin.plugins.hookspecs`.
hookspec = pluggy.HookspecMarker(PROJECT)
