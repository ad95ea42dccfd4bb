"""Keep ``torch.load(weights_only=True)`` working for mmengine checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10
calls ``torch.load`` without the argument. Its checkpoints hold, besides
tensors, the message hub state: ``HistoryBuffer`` objects with numpy arrays
and references to ``HistoryBuffer``'s statistics methods, which pickle
protocol 2 writes as ``getattr(HistoryBuffer, 'mean')``. Instead of switching
safe loading off, we allow exactly those classes, and ``getattr`` only in a
form that can fetch nothing but those public methods.
"""
import inspect
import os.path as osp
import pickle
import zipfile

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


def history_buffer_getattr(obj, name: str):
    """``getattr`` restricted to ``HistoryBuffer``'s public methods.

    Registered under the name ``builtins.getattr`` for weights-only loading
    only; any other use raises, as the unrestricted unpickler would refuse.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    member = HistoryBuffer.__dict__.get(name) if isinstance(name, str) else None
    if (obj is HistoryBuffer and not name.startswith('_')
            and inspect.isfunction(member)):
        return member
    raise pickle.UnpicklingError(
        f'weights-only load refused getattr({obj!r}, {name!r}): only '
        'HistoryBuffer methods are allowed.')


def register_safe_globals() -> None:
    """Allow the few non-tensor globals that mmengine checkpoints contain.

    Idempotent; called when :mod:`diffult_plugin` is imported.
    """
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 has no weights-only allow-list to extend.
    from mmengine.logging.history_buffer import HistoryBuffer
    torch.serialization.add_safe_globals(
        [HistoryBuffer, (history_buffer_getattr, 'builtins.getattr')] +
        _numpy_globals())


def readable_checkpoint(path: str) -> bool:
    """Whether ``path`` is a complete torch checkpoint (a non-empty zip
    archive whose central directory, written last, is there): what a kill
    or a full disk during saving leaves is not."""
    try:
        return osp.getsize(path) > 0 and zipfile.is_zipfile(path)
    except OSError:
        return False


def check_checkpoint(path: str, setting: str = 'checkpoint') -> str:
    """``path`` if it is a complete checkpoint; otherwise an error naming
    the file and the setting (torch alone says ``EOFError`` or
    ``PytorchStreamReader failed`` with no file name)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{setting}: {path} does not exist.')
    if not readable_checkpoint(path):
        raise ValueError(
            f'{setting}: {path} is not a complete checkpoint (empty or '
            'truncated: a run killed while saving, or a full disk); give '
            'another one, or resume the run that wrote it (it falls back to '
            'its newest readable checkpoint).')
    return path
