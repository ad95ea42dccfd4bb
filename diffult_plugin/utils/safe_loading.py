"""Keep ``torch.load(weights_only=True)`` working for mmengine checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10
calls ``torch.load`` without the argument. Its checkpoints hold, besides
tensors, the message hub state (``HistoryBuffer`` objects with numpy arrays).
Instead of switching safe loading off, we allow exactly those classes.
"""
import numpy as np
import torch


def _numpy_globals() -> list:
    """The numpy callables and classes that pickled arrays and scalars use."""
    try:  # numpy >= 2
        from numpy._core import multiarray
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core import multiarray
    allowed = [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype]
    # numpy >= 1.25 pickles dtypes through their own classes
    # (``numpy.dtypes.Float64DType`` ...), one per scalar type.
    for type_code in np.typecodes['All'] + '?':
        try:
            allowed.append(type(np.dtype(type_code)))
        except TypeError:  # pragma: no cover - codes without a dtype
            continue
    return allowed


def register_safe_globals() -> None:
    """Allow the few non-tensor globals that mmengine checkpoints contain.

    Idempotent; called when :mod:`diffult_plugin` is imported.
    """
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 has no weights-only allow-list to extend.
    from mmengine.logging.history_buffer import HistoryBuffer
    torch.serialization.add_safe_globals([HistoryBuffer] + _numpy_globals())
