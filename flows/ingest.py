"""Ingest flows: one PDF → ``<stem>.json`` (or ``<stem>.error.json``), and batches.

The flow reads like the data path, one task per ``Stage`` of ``extractors.pipeline``:
open → pages → assemble → segment → validate → write (flat Q&A tables, then the JSON),
every stage given the run's ``PipelineSettings``.
A file that cannot be ingested leaves an error record and the batch goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from collections.abc import Iterator

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from extractors.errors import IngestFailure, one_line
from extractors.pipeline import Stage
from extractors.settings import PipelineSettings, resolve_settings
from extractors.source import sha256_of
from flows import outputs, tasks
from flows.runners import default_workers, make_task_runner, workers_share_api

OK = "ok"
ERROR = "error"


@dataclass
class FileOutcome:
    """What became of one input file (one row of the batch summary)."""

    file: str
    status: str  # OK or ERROR
    output: str  # path of <stem>.json or <stem>.error.json
    sha256: str | None = None
    pages: int | None = None
    tables: int | None = None
    qa_grids: int | None = None
    stage: str | None = None
    reason: str | None = None
    seconds: float = 0.0
    permanent: bool = True  # False: a transient error outlived its retries; worth another run

    @property
    def ok(self) -> bool:
        return self.status == OK


def _sha256_or_none(path: Path) -> str | None:
    # The error record names the content that failed, when there is content to name.
    try:
        return sha256_of(path) if path.is_file() else None
    except OSError:
        return None


def run_pipeline(pdf_path: Path, out_dir: Path, settings: PipelineSettings = PipelineSettings(),
                 stem: str | None = None, *, page_workers: int = 1, raise_transient: bool = False) -> FileOutcome:
    """The stages of one PDF as tasks of the calling flow or task; never raises for a bad input file.

    ``page_workers``: processes the page stage of a long PDF splits over (page ranges).
    ``raise_transient``: a transient error that outlived the steps' retries is raised
    rather than recorded, so a scheduler (the inbox) can try the file again next run.
    """
    started = time.perf_counter()
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    stem = outputs.output_stem(stem or pdf_path.name)  # an explicit stem is made safe too
    version = tasks.pipeline_version()
    stage, sha256 = Stage.OPEN, None
    try:
        opened = tasks.open_document(pdf_path, settings)
        sha256 = opened.source.sha256
        with opened:
            stage = Stage.PAGES
            pages = tasks.extract_pages(quote(opened), settings, page_workers)
        stage = Stage.ASSEMBLE
        report = tasks.assemble(quote(opened), quote(pages), settings)
        stage = Stage.SEGMENT
        report = tasks.segment(quote(report), settings)
        stage = Stage.VALIDATE
        data = tasks.validate_report(quote(report), settings)
        stage = Stage.WRITE
        tasks.write_qa_tables(out_dir, stem, quote(report))
        path = tasks.write_report(out_dir, stem, quote(data))
    except Exception as exc:
        if raise_transient and tasks.is_transient(exc):
            raise
        # IngestFailure says what is wrong with the file; anything else is a bug or an
        # environment problem that outlived its retries: recorded the same way.
        stage, reason = (exc.stage, exc.reason) if isinstance(exc, IngestFailure) else (stage, one_line(exc))
        outcome = _record_failure(pdf_path, out_dir, stem, sha256, stage, reason, version, started)
    else:
        outcome = FileOutcome(
            file=pdf_path.name, status=OK, output=str(path), sha256=sha256, pages=len(report.pages),
            tables=len(report.tables), qa_grids=len(report.qa_grids), seconds=round(time.perf_counter() - started, 3),
        )
    if hook := tasks.PROGRESS.get():
        hook.file_done(outcome)
    return outcome


def _record_failure(pdf_path: Path, out_dir: Path, stem: str, sha256: str | None, stage: str, reason: str,
                    version: str, started: float, permanent: bool = True) -> FileOutcome:
    sha256 = sha256 or _sha256_or_none(pdf_path)
    path = outputs.write_error(out_dir, stem, outputs.error_record(pdf_path.name, sha256, stage, reason, version))
    return FileOutcome(
        file=pdf_path.name, status=ERROR, output=str(path), sha256=sha256, stage=stage, reason=reason,
        seconds=round(time.perf_counter() - started, 3), permanent=permanent,
    )


@dataclass(frozen=True)
class FileJob:
    """One input file and the output stem it is written under."""

    pdf_path: Path
    stem: str


@task(name="ingest-file", cache_policy=NO_CACHE, persist_result=False)
def ingest_file(job: FileJob, out_dir: Path, settings: PipelineSettings) -> FileOutcome:
    """One PDF, all in one worker (the open PDF and its pages never cross a process)."""
    return run_pipeline(job.pdf_path, out_dir, settings, job.stem, raise_transient=True)


def ingest_files(jobs: list[FileJob], out_dir: Path, settings: PipelineSettings = PipelineSettings(), *,
                 runner: str = "process", workers: int | None = None,
                 dask_address: str | None = None) -> Iterator[FileOutcome]:
    """Ingest ``jobs`` on the chosen task runner, yielding each outcome as it finishes.

    One local worker means no pool at all: the files run in this process, in order, and a
    terminal sees per-page progress. One file and more local workers: the file runs here
    and its page stage splits over the workers in page ranges (when it has at least
    ``PAGE_RANGE_MIN_PAGES`` pages). A file whose transient error outlived its retries
    gets an error record marked not permanent (worth another try).
    """
    requested = workers or default_workers()
    workers = min(requested, len(jobs))
    if runner == "process" and workers <= 1 and not dask_address:
        page_workers = requested if len(jobs) == 1 else 1
        for job in jobs:
            yield _ingest_or_record(job, out_dir, settings, page_workers)
        return
    hook = tasks.PROGRESS.get()
    with workers_share_api(), make_task_runner(runner, workers, dask_address) as task_runner:
        futures = {
            task_runner.submit(ingest_file, parameters=dict(job=job, out_dir=out_dir, settings=settings)): job
            for job in jobs
        }
        for future in as_completed(list(futures)):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:
                outcome = _record_failure(job.pdf_path, out_dir, job.stem, None, "ingest", one_line(exc),
                                          tasks.pipeline_version(), time.perf_counter(), permanent=False)
            if hook:
                hook.file_done(outcome)
            yield outcome


def _ingest_or_record(job: FileJob, out_dir: Path, settings: PipelineSettings, page_workers: int) -> FileOutcome:
    started = time.perf_counter()
    try:
        return run_pipeline(job.pdf_path, out_dir, settings, job.stem, page_workers=page_workers,
                            raise_transient=True)
    except Exception as exc:
        outcome = _record_failure(job.pdf_path, out_dir, job.stem, None, "ingest", one_line(exc),
                                  tasks.pipeline_version(), started, permanent=False)
        if hook := tasks.PROGRESS.get():
            hook.file_done(outcome)
        return outcome


@flow(name="ingest-report", persist_result=False)
def ingest_report(pdf_path: Path, out_dir: Path, settings: PipelineSettings | None = None, stem: str | None = None,
                  *, nlp: bool | None = None) -> FileOutcome:
    """Ingest one PDF into ``out_dir/<stem>.json``, or ``<stem>.error.json`` with the reason.

    ``nlp`` (when given) overrides ``settings.nlp``.
    """
    return run_pipeline(pdf_path, out_dir, resolve_settings(base=settings, nlp=nlp), stem)


def summary_markdown(outcomes: list[FileOutcome], seconds: float) -> str:
    failed = [o for o in outcomes if not o.ok]
    lines = [
        "# Ingest batch",
        "",
        f"{len(outcomes) - len(failed)} of {len(outcomes)} files ingested in {seconds:.1f} s; "
        f"{sum(o.pages or 0 for o in outcomes)} pages, {sum(o.tables or 0 for o in outcomes)} tables, "
        f"{sum(o.qa_grids or 0 for o in outcomes)} Q&A grids.",
    ]
    if failed:
        lines += ["", "## Failed", ""]
        lines += [f"- `{o.file}` ({o.stage}): {o.reason}" for o in failed]
    return "\n".join(lines) + "\n"


def summary_rows(outcomes: list[FileOutcome]) -> list[dict]:
    return [
        {
            "file": o.file, "status": o.status, "pages": o.pages, "tables": o.tables, "qa_grids": o.qa_grids,
            "error": f"{o.stage}: {o.reason}" if not o.ok else "", "seconds": o.seconds,
        }
        for o in outcomes
    ]


@flow(name="ingest-batch", persist_result=False)
def ingest_batch(paths: list[Path], out_dir: Path, settings: PipelineSettings | None = None, runner: str = "process",
                 workers: int | None = None, dask_address: str | None = None, *,
                 nlp: bool | None = None) -> list[FileOutcome]:
    """Ingest every PDF in ``paths`` into ``out_dir`` on the chosen task runner.

    ``nlp`` (when given) overrides ``settings.nlp``.
    """
    started = time.perf_counter()
    settings = resolve_settings(base=settings, nlp=nlp)
    paths = [Path(p) for p in paths]
    jobs = [FileJob(path, stem) for path, stem in zip(paths, outputs.unique_stems([p.name for p in paths]))]
    outcomes = list(ingest_files(jobs, out_dir, settings, runner=runner, workers=workers,
                                 dask_address=dask_address))
    order = {job.pdf_path.name: i for i, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order.get(o.file, len(order)))
    seconds = time.perf_counter() - started
    create_table_artifact(
        key="ingest-batch-files", table=summary_rows(outcomes), description="One row per input file"
    )
    create_markdown_artifact(key="ingest-batch-summary", markdown=summary_markdown(outcomes, seconds))
    return outcomes
