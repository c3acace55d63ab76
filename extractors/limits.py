"""Time limits for a unit of work (a page): a pathological page must not hang a worker."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

E = TypeVar("E", bound=BaseException)


class TimeLimitExceeded(Exception):
    """A unit of work (a page) ran longer than its time limit."""


@contextmanager
def time_limit(seconds: float | None, what: str = "work") -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` when the body runs longer than ``seconds``.

    On a process's main thread (process-pool workers, the CLI) a real-time timer
    interrupts the body mid-way, so a pathological page cannot hang a worker. Elsewhere
    (Dask and thread workers run tasks in threads, where signals cannot reach) the limit
    is checked when the body returns: the page still finishes, but is refused.
    """
    if not seconds or seconds <= 0:
        yield
        return
    started = time.monotonic()
    interrupting = threading.current_thread() is threading.main_thread()
    if interrupting:

        def _expired(_signum, _frame):
            raise TimeLimitExceeded(f"{what} took longer than {seconds:g} s")

        previous = signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if interrupting:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - started
    if elapsed > seconds:
        raise TimeLimitExceeded(f"{what} took {elapsed:.1f} s, limit is {seconds:g} s")


def time_limit_of(exc: BaseException | None) -> TimeLimitExceeded | None:
    """The time limit that fired, also when a library wrapped it (pdfplumber's PdfminerException)."""
    return _wrapped_of(exc, TimeLimitExceeded)


def memory_error_of(exc: BaseException | None) -> MemoryError | None:
    """The ``MemoryError`` behind ``exc`` (the memory cap fired), also when a library wrapped it."""
    return _wrapped_of(exc, MemoryError)


def _wrapped_of(exc: BaseException | None, kind: type[E]) -> E | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        wrapped = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = wrapped or exc.__cause__ or exc.__context__
    return None
