"""Resource bounds per file: a hostile PDF costs its own file, never the worker or the run.

Three caps, each configurable (``ResourceLimits``), each failing the file at the
``resource-limit`` stage with a one-line reason while the other files go on:

- inflated size: a decompression bomb is a few MB of Flate data that inflates to
  gigabytes (a content stream of spaces compresses ~1000:1). Before pdfminer sees the
  file, every Flate stream is inflated incrementally, counting bytes and keeping none;
  past ``max_inflated_bytes`` the file is refused.
- memory: the worker's address space may grow by at most ``max_memory_bytes`` while it
  works the file (``RLIMIT_AS``, restored after); what slips past the inflate check
  raises ``MemoryError`` instead of taking the machine's memory, and a ``MemoryError``
  anywhere in the file's stages (a page's too: the next pages would fail the same way)
  fails the file with ``… needed more than N MB of memory``. A limit is per process, so it is set
  only where one file has the process (process-pool workers, a one-worker run); thread
  and Dask workers share a process between files and run without it.
- wall clock: ``file_seconds`` for the whole file (the page limit bounds one page; a
  file of many slow pages needs its own). A watchdog thread signals the worker's main
  thread (``SIGUSR1``; ``SIGALRM`` is the page limit's); the interrupt is a
  ``BaseException`` so no per-page handler takes it for a page's error. Where signals
  cannot reach (thread and Dask workers) a watchdog raises it in the worker's thread
  (``extractors.limits.interrupt_thread_after``).
"""

from __future__ import annotations

import re
import resource
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import IngestFailure
from extractors.limits import interrupt_thread_after

MB = 1 << 20
STAGE = "resource-limit"


@dataclass(frozen=True)
class ResourceLimits:
    # A report's streams inflate to a few MB; 512 MB leaves room for scanned-heavy decks.
    max_inflated_bytes: int = 512 * MB
    # pdfplumber keeps one page's objects (~100 MB on the densest corpus page); GiNZA ~1 GB.
    max_memory_bytes: int = 3072 * MB
    # The slowest corpus file takes ~30 s with NLP; 15 min means something is wrong.
    # None (or 0): no wall-clock cap.
    file_seconds: float | None = 900.0


class ResourceLimitExceeded(BaseException):
    """A file ran past a cap (a BaseException: see the module doc); its message is the reason."""


def memory_reason(what: str, max_bytes: int | None = None) -> str:
    """The one-line reason of a file whose work raised ``MemoryError`` (its stage,
    ``resource-limit``, says the rest: each thing is said once)."""
    if max_bytes:
        return f"{what} needed more than {max_bytes // MB} MB of memory"
    return f"{what} ran out of memory"


# -- inflated size -------------------------------------------------------------------

_STREAM_START = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16


def check_inflated_size(path: Path, max_bytes: int) -> None:
    """Raise ``IngestFailure`` when the file's Flate streams inflate past ``max_bytes``."""
    data = Path(path).read_bytes()
    total = 0
    for match in _STREAM_START.finditer(data):
        total += _inflated_size(data, match.end(), max_bytes - total)
        if total > max_bytes:
            raise IngestFailure(STAGE, f"streams inflate past {max_bytes // MB} MB (a decompression bomb?)")


def _inflated_size(data: bytes, start: int, budget: int) -> int:
    """Bytes the zlib stream at ``start`` inflates to, stopping once past ``budget``;
    0 when there is no zlib stream there (other filters, encrypted data)."""
    inflater = zlib.decompressobj()
    size, position = 0, start
    try:
        while not inflater.eof and position < len(data) and size <= budget:
            chunk = data[position : position + _CHUNK]
            position += len(chunk)
            while chunk and not inflater.eof and size <= budget:
                size += len(inflater.decompress(chunk, _CHUNK))
                chunk = inflater.unconsumed_tail
    except zlib.error:
        return size if size > budget else 0
    return size


# -- memory and wall clock -------------------------------------------------------------


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


@contextmanager
def memory_limit(max_bytes: int | None, what: str = "the file") -> Iterator[None]:
    """Let the process's address space grow by at most ``max_bytes`` in the body; a
    ``MemoryError`` there is ``ResourceLimitExceeded`` naming ``what`` and the cap."""
    if not max_bytes or threading.current_thread() is not threading.main_thread():
        yield  # threads share the process: one file's limit would bind the others
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + max_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    except MemoryError as exc:
        raise ResourceLimitExceeded(memory_reason(what, max_bytes)) from exc
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def wall_clock_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Interrupt the body with ``ResourceLimitExceeded`` after ``seconds``, on any thread."""
    if not seconds or seconds <= 0:
        yield
        return
    message = f"{what} took longer than {seconds:g} s"
    started = time.monotonic()
    done = threading.Event()
    if threading.current_thread() is threading.main_thread():

        def _expired(_signum, _frame):
            raise ResourceLimitExceeded(message)

        previous = signal.signal(signal.SIGUSR1, _expired)
        main = threading.main_thread().ident
        assert main is not None  # the main thread is running: this is it

        def _watch() -> None:
            if not done.wait(seconds):
                signal.pthread_kill(main, signal.SIGUSR1)

        watchdog = threading.Thread(target=_watch, daemon=True)
        watchdog.start()
        try:
            yield
        finally:
            done.set()
            watchdog.join()
            signal.signal(signal.SIGUSR1, previous)
    else:  # a thread or Dask worker: the exception is raised in its thread
        with interrupt_thread_after(seconds, ResourceLimitExceeded, message):
            yield
    if time.monotonic() - started > seconds:
        raise ResourceLimitExceeded(message)


@contextmanager
def file_limits(limits: ResourceLimits, what: str) -> Iterator[None]:
    """The memory and wall-clock caps of one file."""
    with wall_clock_limit(limits.file_seconds, what), memory_limit(limits.max_memory_bytes, what):
        yield
