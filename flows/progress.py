"""Progress of a run for a terminal front end: files, pages and the stage each file is in.

The front end (``flows.cli``) sets ``PROGRESS`` around a flow call; the stages tell it
what they do (``file_started``, ``page_done``, ``stage_started``) and the batch tells it
when a file is done. Files worked in a local pool run in other processes or threads,
where the front end is not: ``relayed`` gives them a queue whose events a thread of the
front end's process hands to it, so several workers share one display.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from multiprocessing.managers import SyncManager
from typing import Any, Protocol

from flows.children import die_with_parent


class ProgressHook(Protocol):
    """What a terminal front end wants to hear about (see ``flows.cli``)."""

    def file_started(self, file: str, pages: int) -> None: ...
    def page_done(self, file: str, page: int) -> None: ...
    def stage_started(self, file: str, stage: str) -> None: ...
    def file_done(self, outcome) -> None: ...


# Set by a front end around a flow call; tasks run in the caller's context.
PROGRESS: ContextVar[ProgressHook | None] = ContextVar("ingest_progress", default=None)


class ForwardedProgress:
    """A worker's hook: its events go to the front end's queue (see ``relayed``). The
    file's end is not among them: the batch reports it when the file's task returns."""

    def __init__(self, queue: Any):
        self.queue = queue

    def file_started(self, file: str, pages: int) -> None:
        self.queue.put(("file_started", file, pages))

    def page_done(self, file: str, page: int) -> None:
        self.queue.put(("page_done", file, page))

    def stage_started(self, file: str, stage: str) -> None:
        self.queue.put(("stage_started", file, stage))

    def file_done(self, outcome) -> None:
        pass


@contextmanager
def forwarding_to(queue: Any | None) -> Iterator[None]:
    """In a worker: the stages' progress goes to ``queue`` (none: nowhere)."""
    token = PROGRESS.set(ForwardedProgress(queue) if queue is not None else None)
    try:
        yield
    finally:
        PROGRESS.reset(token)


@contextmanager
def relayed(hook: ProgressHook | None) -> Iterator[Any | None]:
    """A queue that local workers (processes or threads) can be handed, its events passed
    to ``hook`` here until the body ends; ``None`` when there is no hook to feed."""
    if hook is None:
        yield None
        return
    # spawn: forking a process that runs threads (Prefect's) is unsafe.
    manager = SyncManager(ctx=multiprocessing.get_context("spawn"))
    manager.start(initializer=die_with_parent)
    queue = manager.Queue()

    def relay() -> None:
        try:
            while (event := queue.get()) is not None:
                name, *args = event
                getattr(hook, name)(*args)
        except (EOFError, OSError):  # the manager was stopped with the run's other children
            return

    thread = threading.Thread(target=relay, name="progress-relay", daemon=True)
    thread.start()
    try:
        yield queue
    finally:
        with suppress(EOFError, OSError):
            queue.put(None)
        thread.join(timeout=10)
        manager.shutdown()
