"""Ingest flows: one PDF → ``<stem>.json`` (or ``<stem>.error.json``), and batches.

The flow reads like the data path, one task per ``Stage`` of ``extractors.pipeline``:
open → pages → assemble → segment → validate → write (the analyst files, then the JSON),
every stage given the run's ``PipelineSettings``.
A file that cannot be ingested leaves an error record and the batch goes on; a file with
pages that could not be read is ``partial`` (its report says which). A flow run with
failed or partial files ends in a Failed state naming the counts (so Prefect automations
fire); its outcomes are still its result (``outcomes_of``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Failed, State
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, field_serializer

from extractors.errors import IngestFailure, one_line
from extractors.pipeline import Stage
from extractors.settings import PipelineSettings, resolve_settings
from extractors.source import sha256_of
from flows import outputs, tasks
from flows.children import stop_children
from flows.progress import PROGRESS, forwarding_to, relayed
from flows.resources import STAGE as RESOURCE_STAGE
from flows.resources import ResourceLimitExceeded, ResourceLimits, check_inflated_size, file_limits, memory_reason
from flows.runners import default_workers, make_task_runner, workers_share_api

OK = "ok"
PARTIAL = "partial"  # a report was written, but some pages could not be read
ERROR = "error"
DUPLICATE = "duplicate"  # the note of a file whose content another input file had


@dataclass
class FileOutcome:
    """What became of one input file (one row of the batch summary)."""

    file: str
    status: str  # OK, PARTIAL or ERROR
    output: str  # path of <stem>.json or <stem>.error.json
    sha256: str | None = None
    pages: int | None = None
    tables: int | None = None
    qa_grids: int | None = None
    stage: str | None = None
    reason: str | None = None
    seconds: float = 0.0
    permanent: bool = True  # False: a transient error outlived its retries; worth another run
    failed_pages: list[int] = field(default_factory=list)  # PARTIAL: the pages that carry an error
    # Same content as this input file: its outputs are copies of that file's (ingested once).
    duplicate_of: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def partial(self) -> bool:
        return self.status == PARTIAL

    @property
    def failed(self) -> bool:
        return self.status == ERROR

    def fails(self, strict: bool = False) -> bool:
        """Whether this file makes a run fail: an error, or with ``strict`` a partial file."""
        return self.failed or (strict and self.partial)


def _sha256_or_none(path: Path) -> str | None:
    # The error record names the content that failed, when there is content to name.
    try:
        return sha256_of(path) if path.is_file() else None
    except OSError:
        return None


def run_pipeline(
    pdf_path: Path,
    out_dir: Path,
    settings: PipelineSettings = PipelineSettings(),
    stem: str | None = None,
    *,
    page_workers: int = 1,
    raise_transient: bool = False,
    raise_memory: bool = False,
) -> FileOutcome:
    """The stages of one PDF as tasks of the calling flow or task; never raises for a bad input file.

    ``page_workers``: processes the page stage of a long PDF splits over (page ranges).
    ``raise_transient``: a transient error that outlived the steps' retries is raised
    rather than recorded, so a scheduler (the inbox) can try the file again next run.
    A ``MemoryError`` in any stage fails the file (stage ``resource-limit``); with
    ``raise_memory`` it is raised, for the caller's memory cap to name itself.
    """
    started = time.perf_counter()
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    stem = outputs.output_stem(stem or pdf_path.name)  # an explicit stem is made safe too
    version = tasks.pipeline_version()
    stage: str
    sha256: str | None
    stage, sha256 = Stage.OPEN, None
    # The ignores below: Prefect unwraps a quote()d argument when the task runs, but the
    # types of Task.__call__ (the task's own signature) do not admit quote[T] for T.
    with tasks.working_on(outputs.display_name(pdf_path.name)):  # names the stage task runs
        try:
            opened = tasks.open_document(pdf_path, settings)
            sha256 = opened.source.sha256
            with opened:
                stage = Stage.PAGES
                pages = tasks.extract_pages(quote(opened), settings, page_workers)  # type: ignore[call-overload]
            stage = Stage.ASSEMBLE
            report = tasks.assemble(quote(opened), quote(pages), settings)  # type: ignore[call-overload]
            stage = Stage.SEGMENT
            report = tasks.segment(quote(report), settings)  # type: ignore[call-overload]
            stage = Stage.VALIDATE
            data = tasks.validate_report(quote(report), settings)  # type: ignore[call-overload]
            stage = Stage.WRITE
            path = tasks.write_outputs(out_dir, stem, quote(report), quote(data))  # type: ignore[call-overload]
        except Exception as exc:
            if (raise_transient and tasks.is_transient(exc)) or (raise_memory and isinstance(exc, MemoryError)):
                raise
            # IngestFailure says what is wrong with the file; anything else is a bug or an
            # environment problem that outlived its retries: recorded the same way.
            if isinstance(exc, IngestFailure):
                stage, reason = exc.stage, exc.reason
            elif isinstance(exc, MemoryError):
                stage, reason = RESOURCE_STAGE, memory_reason(outputs.display_name(pdf_path.name))
            else:
                reason = one_line(exc)
            outcome = _record_failure(pdf_path, out_dir, stem, sha256, stage, reason, version, started)
        else:
            failed_pages = [page.number for page in report.pages if page.error is not None]
            outcome = FileOutcome(
                file=outputs.display_name(pdf_path.name),
                status=PARTIAL if failed_pages else OK,
                output=str(path),
                sha256=sha256,
                pages=len(report.pages),
                tables=len(report.tables),
                qa_grids=len(report.qa_grids),
                seconds=round(time.perf_counter() - started, 3),
                failed_pages=failed_pages,
            )
    get_run_logger().log(logging.INFO if outcome.ok else logging.WARNING, outcome_line(outcome))
    if hook := PROGRESS.get():
        hook.file_done(outcome)
    return outcome


def _record_failure(
    pdf_path: Path,
    out_dir: Path,
    stem: str,
    sha256: str | None,
    stage: str,
    reason: str,
    version: str,
    started: float,
    permanent: bool = True,
) -> FileOutcome:
    sha256 = sha256 or _sha256_or_none(pdf_path)
    path = outputs.write_error(out_dir, stem, outputs.error_record(pdf_path.name, sha256, stage, reason, version))
    return FileOutcome(
        file=outputs.display_name(pdf_path.name),
        status=ERROR,
        output=str(path),
        sha256=sha256,
        stage=stage,
        reason=reason,
        seconds=round(time.perf_counter() - started, 3),
        permanent=permanent,
    )


@dataclass(frozen=True)
class FileJob:
    """One input file and the output stem it is written under."""

    pdf_path: Path
    stem: str

    @property
    def name(self) -> str:
        return outputs.display_name(self.pdf_path.name)


def outcome_line(outcome: FileOutcome) -> str:
    """One line on what became of a file (logs and summaries; not escaped for a terminal)."""
    duplicate = f" ({DUPLICATE} of {outcome.duplicate_of})" if outcome.duplicate_of else ""
    if outcome.failed:
        return f"{outcome.file}: error: {outcome.stage}: {outcome.reason}{duplicate}"
    line = (
        f"{outcome.file}: {outcome.status}: {outcome.pages} pages, {outcome.tables} tables, "
        f"{outcome.qa_grids} Q&A grids in {outcome.seconds:.1f} s → {Path(outcome.output).name}"
    )
    if outcome.partial:
        line += f"; failed pages {', '.join(map(str, outcome.failed_pages))}"
    return line + duplicate


def counts_message(outcomes: list[FileOutcome]) -> str:
    """``2 ok, 1 partial, 1 failed of 4 files``: the message of a run's final state."""
    ok = sum(o.ok for o in outcomes)
    partial = sum(o.partial for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    return f"{ok} ok, {partial} partial, {failed} failed of {len(outcomes)} files"


def final_state(outcomes: list[FileOutcome], result):
    """The flow's return: ``result`` itself, or a Failed state carrying it when any file
    failed or is partial (the run shows as Failed; automations on it fire)."""
    if any(not o.ok for o in outcomes):
        return Failed(message=counts_message(outcomes), data=result)
    return result


def outcomes_of(state: State):
    """A finished flow run's result, also when it ended Failed because of its files.
    A run that failed for any other reason (an exception) raises it."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result


@task(name="ingest-file", cache_policy=NO_CACHE, persist_result=False, task_run_name="ingest {job.name}")
def ingest_file(
    job: FileJob,
    out_dir: Path,
    settings: PipelineSettings,
    resources: ResourceLimits = ResourceLimits(),
    progress: Any = None,
) -> FileOutcome:
    """One PDF, all in one worker (the open PDF and its pages never cross a process);
    ``progress``: the front end's queue for its pages and stages (``flows.progress``)."""
    with forwarding_to(progress):
        return run_bounded(job, out_dir, settings, resources)


def run_bounded(
    job: FileJob, out_dir: Path, settings: PipelineSettings, resources: ResourceLimits, page_workers: int = 1
) -> FileOutcome:
    """``run_pipeline`` within the file's resource caps (``flows.resources``); a cap that
    fires is the file's error. Transient errors are raised (see ``run_pipeline``)."""
    started = time.perf_counter()
    try:
        if job.pdf_path.is_file() and job.pdf_path.stat().st_size <= settings.limits.max_bytes:
            check_inflated_size(job.pdf_path, resources.max_inflated_bytes)
        with file_limits(resources, job.name):
            return run_pipeline(
                job.pdf_path,
                out_dir,
                settings,
                job.stem,
                page_workers=page_workers,
                raise_transient=True,
                raise_memory=True,
            )
    except IngestFailure as exc:  # the inflated-size check
        stage, reason = exc.stage, exc.reason
    except ResourceLimitExceeded as exc:  # the wall clock, or memory under the cap
        stage, reason = RESOURCE_STAGE, str(exc)
    except MemoryError:  # no cap here (a thread or Dask worker), or while checking
        stage, reason = RESOURCE_STAGE, memory_reason(job.name)
    except (PermissionError, FileNotFoundError) as exc:  # the check's read; open says the same
        stage, reason = "open", one_line(exc)
    outcome = _record_failure(
        job.pdf_path, out_dir, outputs.output_stem(job.stem), None, stage, reason, tasks.pipeline_version(), started
    )
    get_run_logger().warning(outcome_line(outcome))
    if hook := PROGRESS.get():
        hook.file_done(outcome)
    return outcome


def ingest_jobs(
    jobs: list[FileJob],
    out_dir: Path,
    settings: PipelineSettings = PipelineSettings(),
    *,
    runner: str = "process",
    workers: int | None = None,
    dask_address: str | None = None,
    resources: ResourceLimits = ResourceLimits(),
) -> Iterator[tuple[FileJob, FileOutcome]]:
    """Ingest ``jobs`` on the chosen task runner, yielding each job and its outcome as it finishes.

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
            yield job, _ingest_or_record(job, out_dir, settings, resources, page_workers)
        return
    hook = PROGRESS.get()
    local = runner in ("process", "thread")  # a queue proxy does not reach a Dask cluster's machines
    with (
        workers_share_api(),
        relayed(hook if local else None) as progress,
        make_task_runner(runner, workers, dask_address) as task_runner,
    ):
        submitted = time.perf_counter()
        parameters = dict(out_dir=out_dir, settings=settings, resources=resources, progress=progress)
        futures: dict[PrefectFuture[FileOutcome], FileJob] = {
            task_runner.submit(ingest_file, parameters=dict(job=job, **parameters)): job for job in jobs
        }
        try:
            for future in as_completed(list(futures)):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:
                    # Its seconds count from the batch's submission: the pool does not say when it started.
                    outcome = _transient_failure(job, out_dir, exc, submitted)
                if hook:
                    hook.file_done(outcome)
                yield job, outcome
        except BaseException:  # Ctrl-C, a crash here: the pool would wait for files nobody reads
            stop_children()
            raise


ContentGroup = tuple[FileJob, str | None, list[FileJob]]  # first job, its sha256, later jobs with its bytes


def content_groups(jobs: list[FileJob], max_bytes: int | None = None) -> list[ContentGroup]:
    """``jobs`` grouped by content (sha256): (first job, sha256, the later jobs with its
    bytes), in the order of the first jobs. A file that cannot be hashed, or is over
    ``max_bytes`` (it fails on its own without being read), is a group of its own."""
    groups: list[ContentGroup] = []
    by_content: dict[str, list[FileJob]] = {}
    for job in jobs:
        try:
            small = max_bytes is None or job.pdf_path.stat().st_size <= max_bytes
        except OSError:
            small = False
        sha256 = _sha256_or_none(job.pdf_path) if small else None
        if sha256 is not None and sha256 in by_content:
            by_content[sha256].append(job)
            continue
        groups.append((job, sha256, []))
        if sha256 is not None:
            by_content[sha256] = groups[-1][2]
    return groups


def ingest_unique(
    jobs: list[FileJob],
    out_dir: Path,
    settings: PipelineSettings = PipelineSettings(),
    *,
    runner: str = "process",
    workers: int | None = None,
    dask_address: str | None = None,
    resources: ResourceLimits = ResourceLimits(),
) -> Iterator[tuple[FileJob, FileOutcome]]:
    """``ingest_jobs`` with each content ingested once: a job whose bytes an earlier job
    has gets copies of that job's outputs (``duplicate_outcome``) once it is done."""
    groups = content_groups(jobs, settings.limits.max_bytes)
    later = {owner: (sha256, duplicates) for owner, sha256, duplicates in groups}
    changed: list[FileJob] = []  # the owner's file changed while it was ingested: on their own
    for owner, outcome in ingest_jobs(
        list(later), out_dir, settings, runner=runner, workers=workers, dask_address=dask_address, resources=resources
    ):
        yield owner, outcome
        sha256, duplicates = later[owner]
        if duplicates and outcome.sha256 != sha256:
            changed += duplicates
            continue
        for job in duplicates:
            yield job, duplicate_outcome(owner, outcome, job, out_dir)
    if changed:
        yield from ingest_unique(
            changed, out_dir, settings, runner=runner, workers=workers, dask_address=dask_address, resources=resources
        )


def duplicate_outcome(owner: FileJob, outcome: FileOutcome, job: FileJob, out_dir: Path) -> FileOutcome:
    """``job`` has ``owner``'s bytes: its outputs are copies of the owner's
    (``outputs.copy_outputs``, as the inbox's duplicates), its outcome the owner's under its name."""
    started = time.perf_counter()
    stem = outputs.output_stem(job.stem)
    try:
        copy = outputs.copy_outputs(out_dir, outputs.output_stem(owner.stem), stem, Path(outcome.output).name)
    except OSError as exc:
        result = _record_failure(
            job.pdf_path,
            out_dir,
            stem,
            outcome.sha256,
            Stage.WRITE,
            one_line(exc),
            tasks.pipeline_version(),
            started,
            permanent=not tasks.is_transient(exc),
        )
    else:
        result = replace(outcome, file=job.name, output=str(copy), seconds=0.0, failed_pages=list(outcome.failed_pages))
    result.duplicate_of = owner.name
    get_run_logger().log(logging.INFO if result.ok else logging.WARNING, outcome_line(result))
    if hook := PROGRESS.get():
        hook.file_done(result)
    return result


def _transient_failure(job: FileJob, out_dir: Path, exc: Exception, started: float) -> FileOutcome:
    """A transient error that outlived its retries: recorded, marked worth another run."""
    return _record_failure(
        job.pdf_path,
        out_dir,
        job.stem,
        None,
        "ingest",
        one_line(exc),
        tasks.pipeline_version(),
        started,
        permanent=False,
    )


def _ingest_or_record(
    job: FileJob, out_dir: Path, settings: PipelineSettings, resources: ResourceLimits, page_workers: int
) -> FileOutcome:
    started = time.perf_counter()
    try:
        return run_bounded(job, out_dir, settings, resources, page_workers)
    except Exception as exc:
        outcome = _transient_failure(job, out_dir, exc, started)
        if hook := PROGRESS.get():
            hook.file_done(outcome)
        return outcome


@flow(name="ingest-report", persist_result=False)
def ingest_report(
    pdf_path: Path,
    out_dir: Path,
    settings: PipelineSettings | None = None,
    stem: str | None = None,
    *,
    nlp: bool | None = None,
) -> FileOutcome:
    """Ingest one PDF into ``out_dir/<stem>.json``, or ``<stem>.error.json`` with the reason.

    ``nlp`` (when given) overrides ``settings.nlp``. Ends Failed when the file failed or
    is partial; ``outcomes_of(state)`` gives the outcome."""
    outcome = run_pipeline(pdf_path, out_dir, resolve_settings(base=settings, nlp=nlp), stem)
    return final_state([outcome], outcome)


def summary_markdown(outcomes: list[FileOutcome], seconds: float) -> str:
    failed = [o for o in outcomes if o.failed]
    partial = [o for o in outcomes if o.partial]
    lines = [
        "# Ingest batch",
        "",
        f"{counts_message(outcomes)} in {seconds:.1f} s; "
        f"{sum(o.pages or 0 for o in outcomes)} pages, {sum(o.tables or 0 for o in outcomes)} tables, "
        f"{sum(o.qa_grids or 0 for o in outcomes)} Q&A grids.",
    ]
    lines += failure_markdown(failed, partial)
    return "\n".join(lines) + "\n"


def failure_markdown(failed: list[FileOutcome], partial: list[FileOutcome]) -> list[str]:
    lines = []
    if partial:
        lines += ["", "## Partial (pages missing)", ""]
        lines += [f"- `{o.file}`: pages {', '.join(map(str, o.failed_pages))}" for o in partial]
    if failed:
        lines += ["", "## Failed", ""]
        lines += [f"- `{o.file}` ({o.stage}): {o.reason}" for o in failed]
    return lines


def summary_rows(outcomes: list[FileOutcome]) -> list[dict]:
    return [
        {
            "file": o.file,
            "status": o.status,
            "pages": o.pages,
            "tables": o.tables,
            "qa_grids": o.qa_grids,
            "failed_pages": ", ".join(map(str, o.failed_pages)),
            "error": f"{o.stage}: {o.reason}" if o.failed else "",
            "seconds": o.seconds,
            "note": f"{DUPLICATE} of {o.duplicate_of}" if o.duplicate_of else "",
        }
        for o in outcomes
    ]


class InputFile(BaseModel):
    """A path handed to a flow: the real path in the run, its display name (``\\xNN`` for
    name bytes that are not UTF-8) in what Prefect stores and shows of the parameters,
    which must be UTF-8 text."""

    model_config = ConfigDict(frozen=True)

    path: Path

    @field_serializer("path")
    def _shown(self, path: Path) -> str:
        return outputs.display_name(str(path))


@flow(name="ingest-batch", persist_result=False)
def ingest_batch(
    paths: list[InputFile] | list[Path],
    out_dir: Path,
    settings: PipelineSettings | None = None,
    runner: str = "process",
    workers: int | None = None,
    dask_address: str | None = None,
    *,
    resources: ResourceLimits = ResourceLimits(),
    nlp: bool | None = None,
) -> list[FileOutcome]:
    """Ingest every PDF in ``paths`` into ``out_dir`` on the chosen task runner.

    Identical content is ingested once: every other name with it gets copies of the
    outputs, and an outcome noting whose (``duplicate_of``).

    ``nlp`` (when given) overrides ``settings.nlp``. Ends Failed when any file failed or
    is partial; ``outcomes_of(state)`` gives the outcomes."""
    started = time.perf_counter()
    settings = resolve_settings(base=settings, nlp=nlp)
    paths = [p.path if isinstance(p, InputFile) else Path(p) for p in paths]
    stems = outputs.unique_stems([p.name for p in paths])
    jobs = [FileJob(path, stem) for path, stem in zip(paths, stems, strict=True)]
    order = {job: i for i, job in enumerate(jobs)}
    done = ingest_unique(
        jobs, out_dir, settings, runner=runner, workers=workers, dask_address=dask_address, resources=resources
    )
    outcomes = [outcome for _job, outcome in sorted(done, key=lambda pair: order[pair[0]])]
    seconds = time.perf_counter() - started
    create_table_artifact(key="ingest-batch-files", table=summary_rows(outcomes), description="One row per input file")
    create_markdown_artifact(key="ingest-batch-summary", markdown=summary_markdown(outcomes, seconds))
    return final_state(outcomes, outcomes)
