"""Crash-safe file writes and content hashes.

A file is written to a temporary name in its own folder, flushed to disk
and renamed over the target, so a kill leaves either the old file or the
complete new one, never a truncated one.
"""
import errno
import hashlib
import io
import json
import os
import os.path as osp
from typing import Any

import numpy as np

TMP_MARK = '.tmp-'


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename)."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = f'{path}{TMP_MARK}{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as error:
        if osp.exists(tmp):
            os.remove(tmp)
        hint = (' The disk is full: free space and run the same command '
                'again (what was written before is intact).'
                if error.errno == errno.ENOSPC else '')
        raise OSError(error.errno,
                      f'{error.strerror or error} while writing {path}.'
                      f'{hint}') from error


def canonical_json(obj: Any) -> bytes:
    """JSON with sorted keys and fixed separators: equal objects give equal
    bytes, so files written from them are byte-identical."""
    return (json.dumps(obj, sort_keys=True, indent=1) + '\n').encode()


def atomic_write_json(path: str, obj: Any) -> None:
    atomic_write_bytes(path, canonical_json(obj))


def npy_bytes(array: np.ndarray) -> bytes:
    """The ``.npy`` serialisation of an array (raw data, no pickling)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            digest.update(block)
    return digest.hexdigest()


def _writer_alive(name: str) -> bool:
    """Whether the process that writes temporary file ``name`` (its pid
    follows the mark) still runs on this machine."""
    pid = name.rsplit(TMP_MARK, 1)[-1].split('.')[0]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # this process is not writing it now
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_stale_temporaries(folder: str) -> int:
    """Delete temporary files left by a killed writer; returns how many.
    A temporary file whose writer still runs is left alone."""
    removed = 0
    if not osp.isdir(folder):
        return 0
    for name in os.listdir(folder):
        if TMP_MARK in name and not _writer_alive(name):
            try:
                os.remove(osp.join(folder, name))
            except FileNotFoundError:
                continue  # its writer renamed it meanwhile
            removed += 1
    return removed
