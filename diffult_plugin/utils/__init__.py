from .safe_loading import register_safe_globals

__all__ = ['register_safe_globals']
