"""Reading another codebase's checkpoint and writing its converted state
dict, for the converters in tools/model_converters/."""
import os
import os.path as osp
from typing import Dict, Sequence, Tuple

import torch


def rename_by_prefix(rest: str, table: Sequence[Tuple[str, str]], key: str,
                     source: str) -> str:
    """``rest`` with the first matching ``(old, new)`` prefix of ``table``
    replaced; a key no rule covers raises a KeyError naming ``key`` and the
    checkpoint kind ``source`` expected."""
    for old, new in table:
        if rest.startswith(old):
            return new + rest[len(old):]
    raise KeyError(f'{key}: no rule for {rest!r} (is this a {source} '
                   'checkpoint?)')


def load_foreign_tensors(path: str, resave_hint: str) -> dict:
    """The tensors of a checkpoint written by other code, loaded with
    ``weights_only=True``; a file that holds other objects stops with a
    message naming it and ``resave_hint`` (how to save its weights alone).
    It is never loaded with ``weights_only=False``: that runs code from the
    file."""
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except FileNotFoundError:
        raise SystemExit(f'{path}: no such checkpoint.')
    except Exception as error:  # noqa: BLE001 (torch raises several)
        raise SystemExit(
            f'{path} holds objects other than tensors ({error}); '
            f'{resave_hint}. It is not loaded with weights_only=False: '
            'that runs code from the file.')


def save_converted(state: Dict[str, torch.Tensor], dst: str,
                   src: str) -> None:
    """Write ``state`` as an mmengine checkpoint (``state_dict`` + ``meta``)
    at ``dst``, through a temporary file so that a crash never leaves a
    half-written checkpoint under that name."""
    folder = osp.dirname(osp.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, f'.{osp.basename(dst)}.{os.getpid()}.tmp')
    torch.save(dict(state_dict=state, meta=dict(converted_from=src)), tmp)
    os.replace(tmp, dst)
    print(f'{len(state)} tensors -> {dst}')
