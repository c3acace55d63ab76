"""One run works an output folder at a time.

An advisory ``fcntl.flock`` on a lock file in the output folder: the kernel drops it
when the holder exits, however it exits (kill -9 included), so a crash never leaves a
stale lock behind and no pid files need cleaning.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".ingest.lock"
# How often a waiting run retries the lock.
POLL_SECONDS = 0.2


class InboxBusy(RuntimeError):
    """Another run holds the lock of this output folder."""


@contextmanager
def inbox_lock(out_dir: Path | str, wait: bool = True, timeout: float | None = None) -> Iterator[Path]:
    """Hold the output folder's lock for the ``with`` body.

    ``wait=False`` raises ``InboxBusy`` at once when another run holds it;
    ``wait=True`` waits, up to ``timeout`` seconds when given, then raises ``InboxBusy``.
    """
    path = Path(out_dir) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
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
