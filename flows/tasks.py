"""The pipeline's stages (``extractors.pipeline``) as Prefect tasks, each named by its
``Stage``: each calls one stage function with the run's settings, nothing more.

Retries are for transient trouble only (an I/O hiccup while reading or writing); an
``IngestFailure`` or a bug gives the same answer every time, so it is never retried.
Tasks take and return in-memory objects (an open PDF, pydantic models): they run in the
flow's process, ``NO_CACHE`` keeps Prefect from hashing those inputs, and callers pass
them ``quote``d so Prefect does not walk them looking for futures.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun

import exporters
from docmodel.document import SurveyReport
from extractors import pipeline
from extractors.errors import IngestFailure
from extractors.page.extract import PageExtraction
from extractors.pipeline import OpenedSource, Stage, pipeline_version  # noqa: F401  (the flows' version)
from extractors.settings import PipelineSettings
from flows import outputs
from flows.progress import PROGRESS

# Transient: worth a second try. Errors that will not change on retry are left out.
PERMANENT_OS_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
PERMANENT_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG}
RETRIES = 2
RETRY_DELAY_SECONDS = 1.0


def is_transient(exc: BaseException | None) -> bool:
    if isinstance(exc, IngestFailure) or not isinstance(exc, (OSError, TimeoutError)):
        return False
    return not isinstance(exc, PERMANENT_OS_ERRORS) and getattr(exc, "errno", None) not in PERMANENT_ERRNOS


def retry_transient(task, task_run, state) -> bool:
    """Prefect ``retry_condition_fn``: retry only when the failure may go away."""
    return is_transient(state.result(raise_on_failure=False))


P = ParamSpec("P")
R = TypeVar("R")

# The input file the stage tasks of this context work on, for their task run names.
CURRENT_FILE: ContextVar[str | None] = ContextVar("ingest_file", default=None)


@contextmanager
def working_on(file: str) -> Iterator[None]:
    """Stage task runs started inside are named after ``file`` ("open report.pdf")."""
    token = CURRENT_FILE.set(file)
    try:
        yield
    finally:
        CURRENT_FILE.reset(token)


def _run_name(stage: str) -> Callable[[], str]:
    def name() -> str:
        file = CURRENT_FILE.get()
        return f"{stage} {file}" if file else stage

    return name


def _announce(task: Task, task_run: TaskRun, state: State) -> None:
    """``on_running``: the terminal hears which stage a file is in."""
    if (hook := PROGRESS.get()) and (file := CURRENT_FILE.get()):
        hook.stage_started(file, task.name)


def stage_task(stage: Stage) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A stage as a task: named by the stage (its runs by the file too), retried when
    transient, announced to the terminal when it starts."""
    return task(
        name=str(stage),
        task_run_name=_run_name(stage),
        on_running=[_announce],
        cache_policy=NO_CACHE,
        retries=RETRIES,
        retry_delay_seconds=RETRY_DELAY_SECONDS,
        retry_condition_fn=retry_transient,
        persist_result=False,
    )


@stage_task(Stage.OPEN)
def open_document(path: Path, settings: PipelineSettings) -> OpenedSource:
    return pipeline.open_document(path, settings)


@stage_task(Stage.PAGES)
def extract_pages(opened: OpenedSource, settings: PipelineSettings, workers: int = 1) -> list[PageExtraction]:
    """Every page, in one task (a task per page would cost more than most pages take);
    a long PDF over ``workers`` processes in page ranges."""
    hook = PROGRESS.get()
    file = opened.source.file
    if hook:
        hook.file_started(file, opened.source.page_count)
    return pipeline.extract_pages(
        opened, settings, workers=workers, on_page=(lambda number: hook.page_done(file, number)) if hook else None
    )


@stage_task(Stage.ASSEMBLE)
def assemble(opened: OpenedSource, pages: list[PageExtraction], settings: PipelineSettings) -> SurveyReport:
    return pipeline.assemble(opened, pages, settings)


@stage_task(Stage.SEGMENT)
def segment(report: SurveyReport, settings: PipelineSettings) -> SurveyReport:
    """GiNZA segmentation (``--no-nlp`` / ``nlp = false`` skips it)."""
    return pipeline.segment(report, settings)


@stage_task(Stage.VALIDATE)
def validate_report(report: SurveyReport, settings: PipelineSettings) -> dict:
    return pipeline.validate_report(report, settings)


@stage_task(Stage.WRITE)
def write_outputs(out_dir: Path, stem: str, report: SurveyReport, data: dict) -> Path:
    """Every file of the report (``exporters.write_outputs``), the JSON that marks it done last; returns the JSON."""
    path = exporters.write_outputs(report, out_dir, stem, data)[-1]
    outputs.error_path(Path(out_dir), stem).unlink(missing_ok=True)  # a stale error record from an earlier run
    return path
