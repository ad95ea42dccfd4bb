from .atomic_io import atomic_write_json
from .machine import machine_name
from .safe_loading import register_safe_globals
from .sample_grid import save_class_grid

__all__ = [
    'register_safe_globals', 'save_class_grid', 'atomic_write_json',
    'machine_name'
]
