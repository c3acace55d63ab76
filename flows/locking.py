"""One run works an output folder at a time.

An advisory ``fcntl.flock`` on a lock file in the output folder: the kernel drops it
when the holder exits, however it exits (kill -9 included), so a crash never leaves a
stale lock behind and no pid files need cleaning. ``run`` and ``inbox`` take the same
lock. The lock file is opened with ``O_NOFOLLOW``: a symlink planted in its place makes
the run fail (``LockUnsafe``) rather than create or truncate the file it points at.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".ingest.lock"
# How often a waiting run retries the lock.
POLL_SECONDS = 0.2


class InboxBusy(RuntimeError):
    """Another run holds the lock of this output folder."""


class LockUnsafe(OSError):
    """The lock file is a symlink (or not a regular file): refused."""


@contextmanager
def inbox_lock(out_dir: Path | str, wait: bool = True, timeout: float | None = None) -> Iterator[Path]:
    """Hold the output folder's lock for the ``with`` body.

    ``wait=False`` raises ``InboxBusy`` at once when another run holds it;
    ``wait=True`` waits, up to ``timeout`` seconds when given, then raises ``InboxBusy``.
    """
    path = Path(out_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockUnsafe(errno.ELOOP, "lock file is a symlink; refusing to follow it", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LockUnsafe(errno.EINVAL, "lock file is not a regular file", str(path))
        _acquire(fd, wait, timeout, path)
        # Who holds it, for a person looking at a stuck folder; the lock is the flock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, wait: bool, timeout: float | None, path: Path) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                raise InboxBusy(f"another ingest run holds {path}") from None
            time.sleep(POLL_SECONDS)
