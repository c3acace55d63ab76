"""Task runner choice for the batch and inbox flows.

pdfplumber and GiNZA are CPU-bound pure Python: threads share one GIL and do not speed
them up, so the default is a local process pool. ``dask`` sends tasks to an existing
Dask cluster (many machines); without an address it starts a local cluster of processes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Literal

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

RunnerKind = Literal["process", "thread", "dask"]
RUNNER_KINDS: tuple[str, ...] = ("process", "thread", "dask")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def make_task_runner(kind: str = "process", workers: int | None = None, address: str | None = None) -> TaskRunner:
    """A fresh task runner of ``kind`` with ``workers`` workers (default: one per CPU).

    ``address`` (``tcp://host:8786``) is the scheduler of an existing Dask cluster; it
    is only meaningful, and only allowed, with ``kind="dask"``.
    """
    if address and kind != "dask":
        raise ValueError(f"a Dask address needs --runner dask, not {kind!r}")
    workers = workers or default_workers()
    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        # Imported here: prefect-dask pulls in distributed, which the default path never needs.
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        # One thread per worker process: the work is CPU-bound Python (see module doc).
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    raise ValueError(f"unknown task runner {kind!r}; choose one of {', '.join(RUNNER_KINDS)}")


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
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, TimeLimitExceeded):
            return exc
        seen.add(id(exc))
        wrapped = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = wrapped or exc.__cause__ or exc.__context__
    return None


API_URL_ENV = "PREFECT_API_URL"


@contextmanager
def workers_share_api() -> Iterator[None]:
    """Point task workers started in the body at the API this process talks to.

    Without a configured server Prefect starts a temporary one per process: every
    process-pool or local Dask worker would start its own (slow, and the flow run would
    never see their task runs). Workers inherit the environment, so we put the URL there
    for the body's duration. A configured ``PREFECT_API_URL`` is left as it is.
    """
    if os.environ.get(API_URL_ENV):
        yield
        return
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    os.environ[API_URL_ENV] = url
    try:
        yield
    finally:
        os.environ.pop(API_URL_ENV, None)
