"""Task runner choice for the batch and inbox flows.

pdfplumber and GiNZA are CPU-bound pure Python: threads share one GIL and do not speed
them up, so the default is a local process pool. ``dask`` sends tasks to an existing
Dask cluster (many machines); without an address it starts a local cluster of processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.children import pool_worker_init

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
        return ProcessPoolTaskRunner(max_workers=workers, initializer=pool_worker_init)
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


@contextmanager
def workers_share_api() -> Iterator[None]:
    """Point task workers started in the body, and Prefect's own threads that relay
    their events and logs, at the API this thread talks to (``flows.server.api_url_everywhere``).

    Without that, every process-pool or local Dask worker, and the pool's relay thread in
    this process, would each start a temporary server of their own: slow, never stopped,
    and the flow run would never see their task runs.
    """
    from prefect.client.orchestration import get_client

    from flows.server import api_url_everywhere

    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    with api_url_everywhere(url):
        yield
