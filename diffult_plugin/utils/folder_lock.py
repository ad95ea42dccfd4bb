"""One writer per folder: an OS file lock held while a run writes there."""
import contextlib
import os
import os.path as osp

#: The lock file inside a locked folder (empty: its content never differs
#: between runs, so locked folders stay byte-identical).
LOCK_NAME = '.lock'


class FolderBusyError(RuntimeError):
    """Another live process writes the folder."""


@contextlib.contextmanager
def folder_lock(folder: str, what: str = 'folder'):
    """Hold an exclusive lock on ``folder`` (created if needed) while the
    block runs; refuse at once when another process holds it.

    The lock is ``flock`` on ``<folder>/.lock``: the kernel releases it when
    its holder dies, however it dies, so a killed run never leaves the
    folder locked. Where ``fcntl`` is missing (Windows) nothing is locked.

    Raises:
        FolderBusyError: Another process holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    os.makedirs(folder, exist_ok=True)
    fd = os.open(osp.join(folder, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusyError(
                f'another run is writing the {what} {folder} (it holds '
                f'{osp.join(folder, LOCK_NAME)}). Wait for it to finish and '
                'run the same command again (the finished work is then '
                'reused), or give this run its own work_dir / stages_dir / '
                'bank_dir.') from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
