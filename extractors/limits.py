"""Time limits for a unit of work (a page): a pathological page must not hang a worker."""

from __future__ import annotations

import ctypes
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

    The body is interrupted mid-way on every thread, so a pathological page cannot hang a
    worker of any kind: on a process's main thread (process-pool workers, the CLI) by a
    real-time timer (SIGALRM, which also cuts a blocking call short); on any other thread
    (thread and Dask workers run tasks there, where signals cannot reach) by a watchdog
    that raises the exception in that thread (``interrupt_thread_after``), which takes
    effect at the next Python instruction: pdfminer and the stages are Python.
    """
    if not seconds or seconds <= 0:
        yield
        return
    started = time.monotonic()
    message = f"{what} took longer than {seconds:g} s"
    try:
        if threading.current_thread() is threading.main_thread():

            def _expired(_signum, _frame):
                raise TimeLimitExceeded(message)

            previous = signal.signal(signal.SIGALRM, _expired)
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                yield
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        else:
            with interrupt_thread_after(seconds, TimeLimitExceeded, message):
                yield
    except (TimeLimitExceeded, MemoryError):
        raise
    except Exception as exc:
        # A library that catches the interruption (a C callback, a subprocess wrapper)
        # raises its own error instead, unchained: past the limit, the limit is the cause.
        if time.monotonic() - started > seconds:
            raise TimeLimitExceeded(message) from exc
        raise
    elapsed = time.monotonic() - started
    if elapsed > seconds:
        raise TimeLimitExceeded(f"{what} took {elapsed:.1f} s, limit is {seconds:g} s")


@contextmanager
def interrupt_thread_after(seconds: float, kind: type[BaseException], message: str) -> Iterator[None]:
    """Raise ``kind(message)`` in the calling thread if the body is still running after
    ``seconds`` (CPython's ``PyThreadState_SetAsyncExc``: delivered at the thread's next
    bytecode, so a C call in progress finishes first).

    An exception sent just as the body ends is taken back before it can fire outside it;
    the caller's own elapsed-time check still refuses that body's result."""
    target = threading.get_ident()
    delivered = _with_message(kind, message)
    lock = threading.Lock()
    done = threading.Event()
    sent = False

    def _watch() -> None:
        nonlocal sent
        if done.wait(seconds):
            return
        with lock:
            if not done.is_set():
                _set_async_exc(target, delivered)
                sent = True

    watchdog = threading.Thread(target=_watch, name=f"time-limit {message}", daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        with lock:
            done.set()
            if sent:
                _set_async_exc(target, None)  # not raised yet: cancelled
        watchdog.join()


def _set_async_exc(thread_id: int, kind: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(kind) if kind else None)


def _with_message(kind: type[E], message: str) -> type[E]:
    """A subclass of ``kind`` whose instances default to ``message``: an exception sent to
    another thread is a class, instantiated there with no arguments."""

    def __init__(self, *args):
        kind.__init__(self, *(args or (message,)))

    return type(kind.__name__, (kind,), {"__init__": __init__, "__module__": kind.__module__})


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
