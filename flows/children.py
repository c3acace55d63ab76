"""Child processes of a run end with it.

A run's children are its pool or Dask workers, the progress relay's manager and a
temporary API server. On Linux each asks the kernel for SIGTERM when its parent dies
(``die_with_parent``), so a run killed outright (SIGKILL, the OOM killer) leaves none
behind; a run interrupted (Ctrl-C, an error) stops them itself (``stop_children``)
instead of waiting for a worker to finish a file nobody will read.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h
# A terminated child gets this long to exit before it is killed.
STOP_SECONDS = 5.0


def die_with_parent() -> None:
    """In a child (a pool initializer, a ``preexec_fn``): SIGTERM when the parent dies.
    A no-op where ``prctl`` does not exist."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        pass


def pool_worker_init() -> None:
    """A pool worker's initializer: it dies with its parent, and leaves Ctrl-C (which a
    terminal sends to the whole process group) to the parent, which stops it."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_children() -> None:
    """Terminate this process's multiprocessing children (pool workers, managers) now."""
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(STOP_SECONDS)
        if child.is_alive():
            child.kill()
            child.join()
