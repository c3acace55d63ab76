"""Scheduled ingestion of an inbox folder: every PDF is ingested once per content,
pipeline version and schema MODEL-REVISION, whatever happens to the runs.

One run (the ``ingest-inbox`` flow) reads like the data path:
lock the output folder → clear temp files a killed run left → fingerprint the inbox →
plan against the manifest → ingest the new and changed files on the task runner →
record each file in the manifest as it finishes → publish the run's artifacts.

Why it never loses or double-ingests a file:
- outputs are written atomically (``flows.outputs``) before the manifest records them,
  so a crash in between only means the file is ingested again, to the same name;
- the manifest is SQLite, one transaction per file (``flows.manifest``);
- one run at a time per output folder (``flows.locking``); the lock dies with its holder.
Inputs are only read: never modified, moved or deleted.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from docmodel.document import SCHEMA_VERSION
from extractors.settings import Limits, PipelineSettings, resolve_settings
from extractors.source import SourceLimits, sha256_of
from flows import outputs, tasks
from flows.ingest import ERROR, OK, FileJob, FileOutcome, ingest_files, summary_rows
from flows.locking import InboxBusy, inbox_lock
from flows.manifest import Entry, Manifest, is_current
from flows.runners import RUNNER_KINDS
from flows.settings_options import SetOptions, SettingsFile, settings_from_options

FLOW_NAME = "ingest-inbox"
DEPLOYMENT_NAME = "inbox"
# A page of a slide deck takes well under a second; minutes means a pathological page.
PAGE_SECONDS = 120.0
# The inbox's defaults: unattended runs limit each page's time.
INBOX_SETTINGS = PipelineSettings(limits=Limits(page_seconds=PAGE_SECONDS))
# Temp files of ``exporters.files.atomic_file``: ".<target name>.<random>.tmp".
TEMP_FILE = re.compile(r"^\..+\.[^.]+\.tmp$")

DUPLICATE = "duplicate"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class InboxFile:
    name: str  # file name in the inbox
    path: str
    sha256: str
    size_bytes: int


@dataclass
class Plan:
    """What a run does with each inbox file."""

    ingest: list[tuple[InboxFile, str]] = field(default_factory=list)  # (file, output stem)
    # (file, stem, owner): same content as ``owner``, which is (or will be) ingested once.
    duplicates: list[tuple[InboxFile, str, str]] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)


@dataclass
class InboxReport:
    """What one inbox run did."""

    busy: bool = False  # another run held the lock: this one did nothing
    outcomes: list[FileOutcome] = field(default_factory=list)  # files ingested in this run
    duplicates: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    temp_files_removed: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status != OK]


# -- the folder ------------------------------------------------------------------


def scan_inbox(folder: Path) -> list[InboxFile]:
    """The inbox's PDFs by name, fingerprinted. Hidden files are skipped: uploaders write
    them while a copy is in progress. Not recursive: names must be unique."""
    files = []
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith(".") or path.suffix.lower() != ".pdf" or not path.is_file():
            continue
        try:
            files.append(InboxFile(path.name, str(path), sha256_of(path), path.stat().st_size))
        except FileNotFoundError:  # removed while we looked: the next run will not see it
            continue
    return files


def clean_temp_files(out_dir: Path) -> int:
    """Remove temp files a killed run left. Only called under the inbox lock, when no
    other run of this folder can be writing one."""
    removed = 0
    for path in Path(out_dir).iterdir():
        if TEMP_FILE.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _output_present(out_dir: Path, entry: Entry) -> bool:
    return (out_dir / entry.output).is_file()


def plan_inbox(files: list[InboxFile], manifest: Manifest, out_dir: Path, pipeline: str,
               schema_version: str = SCHEMA_VERSION) -> Plan:
    """Decide per file: unchanged (skip), duplicate of content already ingested, or ingest.

    A file is unchanged when the manifest has its content made by this pipeline and
    schema MODEL-REVISION and its output is still there; a permanent error counts (the
    same bytes fail the same way), a transient one is retried.
    """
    plan = Plan()
    known = {entry.file: entry for entry in manifest.entries()}
    # Stems are sticky: a file keeps the stem it got first, and a new file never takes one
    # a different file already has (two names can make one stem: "a?.pdf" and "a_.pdf").
    taken = {e.stem.casefold(): e.file for e in known.values()}
    owners: dict[str, str] = {}  # sha256 → inbox file ingesting it in this run
    for file in files:
        entry = known.get(file.name)
        stem = entry.stem if entry is not None else _new_stem(file.name, taken)
        taken[stem.casefold()] = file.name
        if _is_unchanged(entry, file, known, out_dir, pipeline, schema_version):
            plan.unchanged.append(entry)
            continue
        if file.sha256 in owners:
            plan.duplicates.append((file, stem, owners[file.sha256]))
            continue
        earlier = manifest.ingested_with(file.sha256, pipeline, schema_version)
        if earlier is not None and earlier.file != file.name and _output_present(out_dir, earlier):
            plan.duplicates.append((file, stem, earlier.file))
            continue
        owners[file.sha256] = file.name
        plan.ingest.append((file, stem))
    return plan


def _new_stem(name: str, taken: dict[str, str]) -> str:
    base = outputs.output_stem(name)
    stem, n = base, 1
    while taken.get(stem.casefold(), name) != name:
        n += 1
        stem = f"{base}-{n}"
    return stem


def _is_unchanged(entry: Entry | None, file: InboxFile, known: dict[str, Entry], out_dir: Path, pipeline: str,
                  schema_version: str) -> bool:
    if not is_current(entry, file.sha256, pipeline, schema_version) or not _output_present(out_dir, entry):
        return False
    if entry.status == ERROR and not entry.permanent:
        return False
    if entry.duplicate_of is not None:
        owner = known.get(entry.duplicate_of)
        return owner is not None and owner.duplicate_of is None and is_current(owner, file.sha256, pipeline,
                                                                                schema_version)
    return True


# -- the flow ---------------------------------------------------------------------


def _entry_of(outcome: FileOutcome, file: InboxFile, stem: str, pipeline: str) -> Entry:
    return Entry(
        file=file.name, stem=stem, sha256=outcome.sha256 or file.sha256, status=outcome.status,
        output=Path(outcome.output).name, pipeline_version=pipeline, schema_version=SCHEMA_VERSION,
        permanent=outcome.permanent, stage=outcome.stage, reason=outcome.reason, pages=outcome.pages,
        tables=outcome.tables, qa_grids=outcome.qa_grids, seconds=outcome.seconds,
    )


def _ingest_planned(plan: Plan, out: Path, manifest: Manifest, pipeline: str, settings: PipelineSettings,
                    runner: str, workers: int | None, dask_address: str | None) -> list[FileOutcome]:
    planned = {file.name: (file, stem) for file, stem in plan.ingest}  # inbox names are unique
    jobs = [FileJob(Path(file.path), stem) for file, stem in plan.ingest]
    outcomes = []
    for outcome in ingest_files(jobs, out, settings, runner=runner, workers=workers, dask_address=dask_address):
        # Recorded as each file finishes: a run killed later keeps what is done.
        file, stem = planned[outcome.file]
        manifest.record(_entry_of(outcome, file, stem, pipeline))
        outcomes.append(outcome)
    return sorted(outcomes, key=lambda o: o.file)


def _record_duplicates(plan: Plan, manifest: Manifest, pipeline: str) -> list[str]:
    recorded = []
    for file, stem, owner in plan.duplicates:
        owner_entry = manifest.get(owner)
        if owner_entry is None or owner_entry.sha256 != file.sha256:
            continue  # the owner's file changed while it was ingested: next run sorts it out
        manifest.record(Entry(
            file=file.name, stem=stem, sha256=file.sha256, status=owner_entry.status, output=owner_entry.output,
            pipeline_version=pipeline, schema_version=SCHEMA_VERSION, permanent=owner_entry.permanent,
            stage=owner_entry.stage, reason=owner_entry.reason, pages=owner_entry.pages,
            tables=owner_entry.tables, qa_grids=owner_entry.qa_grids, duplicate_of=owner,
        ))
        recorded.append(file.name)
    return recorded


def inbox_rows(report: InboxReport, manifest_entries: dict[str, Entry]) -> list[dict]:
    """One artifact row per inbox file: ingested now, duplicate, or unchanged."""
    rows = [{**row, "note": ""} for row in summary_rows(report.outcomes)]
    for name, note in [(n, DUPLICATE) for n in report.duplicates] + [(n, UNCHANGED) for n in report.unchanged]:
        entry = manifest_entries.get(name)
        if entry is None:
            continue
        rows.append({
            "file": name, "status": entry.status, "pages": entry.pages, "tables": entry.tables,
            "qa_grids": entry.qa_grids, "error": f"{entry.stage}: {entry.reason}" if entry.status == ERROR else "",
            "seconds": 0.0, "note": note if entry.duplicate_of is None else f"{DUPLICATE} of {entry.duplicate_of}",
        })
    return sorted(rows, key=lambda row: row["file"])


def inbox_markdown(report: InboxReport, inbox: str, out: str) -> str:
    ingested = report.outcomes
    lines = [
        "# Inbox run",
        "",
        f"Inbox `{inbox}` → `{out}`: {len(ingested) - len(report.failed)} of {len(ingested)} new or changed "
        f"files ingested in {report.seconds:.1f} s; {len(report.duplicates)} duplicates recorded, "
        f"{len(report.unchanged)} unchanged files skipped.",
        f"{sum(o.pages or 0 for o in ingested)} pages, {sum(o.tables or 0 for o in ingested)} tables, "
        f"{sum(o.qa_grids or 0 for o in ingested)} Q&A grids.",
    ]
    if report.temp_files_removed:
        lines.append(f"{report.temp_files_removed} temp files of an interrupted run removed.")
    if report.failed:
        lines += ["", "## Failed", ""]
        lines += [f"- `{o.file}` ({o.stage}): {o.reason}" for o in report.failed]
    return "\n".join(lines) + "\n"


def inbox_settings(settings: PipelineSettings | dict | None = None, *, nlp: bool | None = None,
                   max_pages: int | None = None, max_bytes: int | None = None,
                   page_seconds: float | None = None) -> PipelineSettings:
    """``settings`` (default ``INBOX_SETTINGS``; a dict is read as one) with the inbox options that were given."""
    if isinstance(settings, dict):
        settings = PipelineSettings.model_validate(settings)
    limits = {name: value for name, value in
              dict(max_pages=max_pages, max_bytes=max_bytes, page_seconds=page_seconds).items() if value is not None}
    return resolve_settings(base=settings or INBOX_SETTINGS, nlp=nlp, limits=limits or None)


@flow(name=FLOW_NAME, persist_result=False)
def ingest_inbox(
    inbox: str,
    out: str,
    nlp: bool | None = None,
    runner: str = "process",
    workers: int | None = None,
    dask_address: str | None = None,
    wait: bool = False,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    page_seconds: float | None = None,
    settings: dict | None = None,
) -> InboxReport:
    """Ingest the new and changed PDFs of folder ``inbox`` into folder ``out``.

    ``settings`` (default: ``INBOX_SETTINGS``) is the pipeline's, as JSON data (a
    deployment's parameters are JSON; a served flow run cannot resolve the model's type
    from this module's annotations); ``nlp``, ``max_pages``,
    ``max_bytes`` and ``page_seconds`` override it when given (``page_seconds`` 0: no limit).
    ``wait``: when another run holds this output folder, wait for it (then find its
    work done) instead of returning at once with ``busy=True``.
    """
    started = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    pipeline = tasks.pipeline_version()
    settings = inbox_settings(settings, nlp=nlp, max_pages=max_pages, max_bytes=max_bytes, page_seconds=page_seconds)
    report = InboxReport()
    try:
        with inbox_lock(out_dir, wait=wait):
            report.temp_files_removed = clean_temp_files(out_dir)
            files = scan_inbox(Path(inbox))
            with Manifest(out_dir) as manifest:
                plan = plan_inbox(files, manifest, out_dir, pipeline)
                if plan.ingest:
                    report.outcomes = _ingest_planned(plan, out_dir, manifest, pipeline, settings, runner, workers,
                                                      dask_address)
                # After their owners: a duplicate's entry copies its owner's.
                report.duplicates = _record_duplicates(plan, manifest, pipeline)
                report.unchanged = [entry.file for entry in plan.unchanged]
                entries = {entry.file: entry for entry in manifest.entries()}
    except InboxBusy:
        report.busy = True
        report.seconds = round(time.perf_counter() - started, 3)
        create_markdown_artifact(key="ingest-inbox-summary",
                                 markdown=f"# Inbox run\n\nAnother run holds `{out}`: nothing done.\n")
        return report
    report.duplicates.sort()
    report.seconds = round(time.perf_counter() - started, 3)
    create_table_artifact(key="ingest-inbox-files", table=inbox_rows(report, entries),
                          description="One row per inbox file (note: duplicate / unchanged)")
    create_markdown_artifact(key="ingest-inbox-summary", markdown=inbox_markdown(report, inbox, out))
    return report


# -- command line (registered in flows.cli as `inbox` and `serve`) -------------------

Runner = Annotated[str, typer.Option("--runner", help=f"Task runner: {', '.join(RUNNER_KINDS)}.")]
Workers = Annotated[int | None, typer.Option("--workers", help="Worker processes (default: one per CPU).")]
DaskAddress = Annotated[str | None, typer.Option("--dask-address", help="Scheduler of an existing Dask cluster, "
                                                                          "tcp://host:8786 (with --runner dask).")]
Nlp = Annotated[bool | None, typer.Option("--nlp/--no-nlp", help="Run the GiNZA segmentation stage "
                                                                 "(default: the settings' nlp, true).")]
MaxPages = Annotated[int | None, typer.Option("--max-pages", help="Refuse PDFs with more pages "
                                                                  f"(default {SourceLimits.max_pages}).")]
MaxBytes = Annotated[int | None, typer.Option("--max-bytes", help="Refuse PDFs larger than this "
                                                                  f"(default {SourceLimits.max_bytes}).")]
PageSeconds = Annotated[float | None, typer.Option("--page-seconds", help="Drop a page taking longer; 0: no limit "
                                                                          f"(default {PAGE_SECONDS:g}).")]
InboxDir = Annotated[Path, typer.Option("--inbox", help="Folder to watch for PDFs (only read).")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Output folder (outputs, manifest, lock).")]


def _check_runner(runner: str, dask_address: str | None) -> None:
    if runner not in RUNNER_KINDS or (dask_address and runner != "dask"):
        typer.echo(f"--runner must be one of {', '.join(RUNNER_KINDS)}; --dask-address needs --runner dask", err=True)
        raise typer.Exit(2)


def inbox_command(inbox: InboxDir, out: OutDir, nlp: Nlp = None, runner: Runner = "process",
                  workers: Workers = None, dask_address: DaskAddress = None,
                  wait: Annotated[bool, typer.Option("--wait/--no-wait",
                                                     help="Wait while another run holds OUT.")] = False,
                  max_pages: MaxPages = None, max_bytes: MaxBytes = None, page_seconds: PageSeconds = None,
                  settings_file: SettingsFile = None, set_: SetOptions = None) -> None:
    """Ingest the new and changed PDFs of INBOX once (what each scheduled run does)."""
    _check_runner(runner, dask_address)
    settings = settings_from_options(settings_file, set_, INBOX_SETTINGS)
    if not inbox.is_dir():
        typer.echo(f"error: {inbox}: not a folder", err=True)
        raise typer.Exit(2)
    report = ingest_inbox(str(inbox.resolve()), str(out.resolve()), nlp=nlp, runner=runner, workers=workers,
                          dask_address=dask_address, wait=wait, max_pages=max_pages, max_bytes=max_bytes,
                          page_seconds=page_seconds, settings=settings.model_dump(mode="json"))
    if report.busy:
        typer.echo(f"busy: another run is working {out}; nothing done")
        return
    for outcome in report.outcomes:
        if outcome.status == OK:
            typer.echo(f"ok        {outcome.file} → {Path(outcome.output).name} ({outcome.pages} pages, "
                       f"{outcome.seconds:.1f} s)")
        else:
            typer.echo(f"error     {outcome.file}: {outcome.stage}: {outcome.reason}")
    for name in report.duplicates:
        typer.echo(f"duplicate {name}")
    typer.echo(f"{len(report.outcomes) - len(report.failed)} ingested, {len(report.failed)} failed, "
               f"{len(report.duplicates)} duplicates, {len(report.unchanged)} unchanged")
    if report.failed:
        raise typer.Exit(1)


def serve_command(inbox: InboxDir, out: OutDir,
                  cron: Annotated[str, typer.Option("--cron", help='Schedule, e.g. "*/15 * * * *".')],
                  name: Annotated[str, typer.Option("--name", help="Deployment name.")] = DEPLOYMENT_NAME,
                  timezone: Annotated[str | None, typer.Option("--timezone", help="e.g. Asia/Tokyo.")] = None,
                  nlp: Nlp = None, runner: Runner = "process", workers: Workers = None,
                  dask_address: DaskAddress = None, max_pages: MaxPages = None,
                  max_bytes: MaxBytes = None, page_seconds: PageSeconds = None,
                  settings_file: SettingsFile = None, set_: SetOptions = None) -> None:
    """Serve the inbox flow as deployment ingest-inbox/NAME on a cron schedule (until Ctrl-C)."""
    _check_runner(runner, dask_address)
    settings = settings_from_options(settings_file, set_, INBOX_SETTINGS)
    from prefect.schedules import Cron

    ingest_inbox.serve(
        name=name,
        schedules=[Cron(cron, timezone=timezone) if timezone else Cron(cron)],
        parameters=dict(inbox=str(inbox.resolve()), out=str(out.resolve()), nlp=nlp, runner=runner,
                        workers=workers, dask_address=dask_address, max_pages=max_pages, max_bytes=max_bytes,
                        page_seconds=page_seconds, settings=settings.model_dump(mode="json")),
        # The lock already keeps runs apart; this keeps a slow run's successors queued, not crowding.
        limit=1,
        # A restarted server process keeps its schedule running (no manual unpause).
        pause_on_shutdown=False,
    )

