"""Ingest flows: one PDF → ``<stem>.json`` (or ``<stem>.error.json``), and batches.

The flow reads like the data path: open → pages → assemble → nlp → validate → write
(flat Q&A tables, then the JSON).
A file that cannot be ingested leaves an error record and the batch goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from extractors.errors import IngestFailure, one_line
from extractors.source import sha256_of
from flows import outputs, tasks

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

    @property
    def ok(self) -> bool:
        return self.status == OK


def _sha256_or_none(path: Path) -> str | None:
    # The error record names the content that failed, when there is content to name.
    try:
        return sha256_of(path) if path.is_file() else None
    except OSError:
        return None


def run_pipeline(pdf_path: Path, out_dir: Path, nlp: bool = True, stem: str | None = None) -> FileOutcome:
    """The steps of one PDF as tasks of the calling flow; never raises for a bad input file.

    Flows call this rather than a sub-flow per file: a sub-flow run costs more
    orchestration round trips than all of a file's tasks together.
    """
    started = time.perf_counter()
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    stem = outputs.output_stem(stem or pdf_path.name)  # an explicit stem is made safe too
    version = tasks.pipeline_version()
    stage, sha256 = "open", None
    try:
        opened = tasks.open_pdf(pdf_path)
        sha256 = opened.source.sha256
        try:
            stage = "pages"
            pages = tasks.extract_pages(opened)
        finally:
            opened.pdf.close()
        stage = "assemble"
        report = tasks.assemble(opened, pages, version)
        if nlp:
            stage = "nlp"
            report = tasks.segment(report)
        stage = "validate"
        data = tasks.validate_report(report)
        stage = "write"
        tasks.write_qa_tables(out_dir, stem, report)
        path = tasks.write_report(out_dir, stem, data)
    except Exception as exc:
        # IngestFailure says what is wrong with the file; anything else is a bug or an
        # environment problem that outlived its retries: recorded the same way.
        stage, reason = (exc.stage, exc.reason) if isinstance(exc, IngestFailure) else (stage, one_line(exc))
        sha256 = sha256 or _sha256_or_none(pdf_path)
        record = outputs.error_record(pdf_path.name, sha256, stage, reason, version)
        path = tasks.write_error(out_dir, stem, record)
        outcome = FileOutcome(
            file=pdf_path.name, status=ERROR, output=str(path), sha256=sha256, stage=stage, reason=reason,
            seconds=round(time.perf_counter() - started, 3),
        )
    else:
        outcome = FileOutcome(
            file=pdf_path.name, status=OK, output=str(path), sha256=sha256, pages=len(report.pages),
            tables=len(report.tables), qa_grids=len(report.qa_grids), seconds=round(time.perf_counter() - started, 3),
        )
    if hook := tasks.PROGRESS.get():
        hook.file_done(outcome)
    return outcome


@flow(name="ingest-report", persist_result=False)
def ingest_report(pdf_path: Path, out_dir: Path, nlp: bool = True, stem: str | None = None) -> FileOutcome:
    """Ingest one PDF into ``out_dir/<stem>.json``, or ``<stem>.error.json`` with the reason."""
    return run_pipeline(pdf_path, out_dir, nlp=nlp, stem=stem)


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
def ingest_batch(paths: list[Path], out_dir: Path, nlp: bool = True) -> list[FileOutcome]:
    """Ingest every PDF in ``paths`` (files, in order) into ``out_dir``."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    stems = outputs.unique_stems([p.name for p in paths])
    outcomes = [run_pipeline(path, out_dir, nlp=nlp, stem=stem) for path, stem in zip(paths, stems)]
    seconds = time.perf_counter() - started
    create_table_artifact(
        key="ingest-batch-files", table=summary_rows(outcomes), description="One row per input file"
    )
    create_markdown_artifact(key="ingest-batch-summary", markdown=summary_markdown(outcomes, seconds))
    return outcomes
