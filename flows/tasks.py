"""The pipeline's steps as Prefect tasks: each calls one extractor stage, nothing more.

Retries are for transient trouble only (an I/O hiccup while reading or writing); an
``IngestFailure`` or a bug gives the same answer every time, so it is never retried.
Tasks take and return in-memory objects (an open PDF, pydantic models): they run in the
flow's process, and ``NO_CACHE`` keeps Prefect from hashing those inputs.
"""

from __future__ import annotations

import errno
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pdfplumber
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from docmodel.document import DocumentInfo, Source, SurveyReport
from docmodel.schema import SchemaError, validate
from extractors.document.assemble import assemble_report
from extractors.errors import IngestFailure
from extractors.page.extract import PageExtraction
from extractors import pipeline
from extractors.pipeline import pipeline_version  # noqa: F401  (the flows' version)
from extractors.source import SourceLimits, document_info, open_source
import exporters
from flows import outputs

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


class ProgressHook(Protocol):
    """What a terminal front end wants to hear about (see ``flows.cli``)."""

    def file_started(self, file: str, pages: int) -> None: ...
    def page_done(self, file: str, page: int) -> None: ...
    def file_done(self, outcome) -> None: ...


# Set by a front end around a flow call; tasks run in the caller's context.
PROGRESS: ContextVar[ProgressHook | None] = ContextVar("ingest_progress", default=None)


@dataclass
class OpenedSource:
    pdf: pdfplumber.PDF
    source: Source
    info: DocumentInfo


_step = dict(cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=RETRY_DELAY_SECONDS,
             retry_condition_fn=retry_transient, persist_result=False)


@task(name="open", **_step)
def open_pdf(path: Path, limits: SourceLimits = SourceLimits()) -> OpenedSource:
    pdf, source = open_source(path, limits)
    try:
        info = document_info(pdf)
    except Exception:
        pdf.close()
        raise
    return OpenedSource(pdf=pdf, source=source, info=info)


@task(name="pages", **_step)
def extract_pages(opened: OpenedSource, page_seconds: float | None = None) -> list[PageExtraction]:
    """Every page, in one task: a task per page would cost more than most pages take."""
    hook = PROGRESS.get()
    file = opened.source.file
    if hook:
        hook.file_started(file, opened.source.page_count)
    return pipeline.extract_pages(opened.pdf, page_seconds,
                                  on_page=(lambda number: hook.page_done(file, number)) if hook else None)


@task(name="assemble", **_step)
def assemble(opened: OpenedSource, pages: list[PageExtraction], pipeline: str) -> SurveyReport:
    # pipeline.nlp says whether segmentation ran: false until the nlp task has.
    return assemble_report(opened.source, opened.info, pages, pipeline_version=pipeline, nlp=False)


@task(name="nlp", **_step)
def segment(report: SurveyReport) -> SurveyReport:
    """GiNZA segmentation stage (``--no-nlp`` skips it)."""
    from extractors.nlp.segment import segment_report  # spaCy loads only when NLP runs

    report = segment_report(report)
    return report.model_copy(update={"pipeline": report.pipeline.model_copy(update={"nlp": True})})


@task(name="validate", **_step)
def validate_report(report: SurveyReport) -> dict:
    """The report as JSON data, checked against the committed schema it names."""
    data = report.model_dump(mode="json")
    try:
        validate(data)
    except SchemaError as exc:
        raise IngestFailure("validate", str(exc)) from exc
    return data


@task(name="write", **_step)
def write_outputs(out_dir: Path, stem: str, report: SurveyReport, data: dict) -> Path:
    """Every file of the report (``exporters.write_outputs``), the JSON that marks it done last; returns the JSON."""
    path = exporters.write_outputs(report, out_dir, stem, data)[-1]
    outputs.error_path(Path(out_dir), stem).unlink(missing_ok=True)  # a stale error record from an earlier run
    return path


@task(name="write-error", **_step)
def write_error(out_dir: Path, stem: str, record) -> Path:
    return outputs.write_error(out_dir, stem, record)
