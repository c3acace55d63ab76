"""Scheduled ingestion of an inbox folder: every PDF is ingested once per content,
pipeline version and schema MODEL-REVISION, whatever happens to the runs.

One run (the ``ingest-inbox`` flow) reads like the data path:
lock the output folder → clear temp files a killed run left → fingerprint the inbox →
plan against the manifest → ingest the new and changed files on the task runner →
record each file in the manifest as it finishes → refresh the folder's catalog
(``flows.catalog_refresh``; a failure there is recorded, never fails a report) →
publish the run's artifacts. A run with
failed or partial files, new or still failing from earlier runs, ends in a Failed state.

The folder scan takes what a hostile or careless uploader can leave: names that are not
UTF-8 (shown with ``\\xNN``), control and bidi characters (never in an output name),
unreadable files (an error record), files still being written (size or mtime changed
while fingerprinting: left for the next run, not recorded), symlinks leading out of the
inbox (skipped unless ``follow_symlinks``).

Why it never loses or double-ingests a file:
- outputs are written atomically (``flows.outputs``) before the manifest records them,
  so a crash in between only means the file is ingested again, to the same name;
- the manifest is SQLite, one transaction per file (``flows.manifest``);
- one run at a time per output folder (``flows.locking``); the lock dies with its holder.
Inputs are only read: never modified, moved or deleted.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from docmodel.document import SCHEMA_VERSION
from extractors.settings import Limits, PipelineSettings, resolve_settings
from extractors.source import sha256_of
from flows import outputs, tasks
from flows.catalog_refresh import CatalogRefresh, refresh_outputs_catalog
from flows.folder import OUTSIDE_LINK, folder_pdfs  # noqa: F401  (OUTSIDE_LINK: a reason the inbox reports)
from flows.ingest import (
    DUPLICATE,
    ERROR,
    OK,
    FileJob,
    FileOutcome,
    failure_markdown,
    final_state,
    ingest_jobs,
    summary_rows,
)
from flows.locking import InboxBusy, inbox_lock
from flows.manifest import Entry, Manifest, is_current
from flows.outputs import TEMP_FILE, clean_temp_files  # noqa: F401  (the inbox's housekeeping)
from flows.resources import MB, ResourceLimits

FLOW_NAME = "ingest-inbox"
DEPLOYMENT_NAME = "inbox"
# A page of a slide deck takes well under a second; minutes means a pathological page.
PAGE_SECONDS = 120.0
# The inbox's defaults: unattended runs limit each page's time.
INBOX_SETTINGS = PipelineSettings(limits=Limits(page_seconds=PAGE_SECONDS))

UNCHANGED = "unchanged"
# Why a file of the folder was left alone this run.
STILL_WRITING = "still being written; left for the next run"
# A file without a PDF trailer is watched this long for a writer still adding to it.
SETTLE_SECONDS = 0.25
TRAILER_TAIL = 1024  # bytes at the end searched for %%EOF


@dataclass(frozen=True)
class InboxFile:
    name: str  # file name in the inbox, as text (``outputs.display_name``)
    path: str
    sha256: str  # "" when the file cannot be read (it is ingested, and fails with the reason)
    size_bytes: int


@dataclass
class Scan:
    files: list[InboxFile] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # (name, why) not looked at this run


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
    still_failing: list[Entry] = field(default_factory=list)  # unchanged, and failed or partial before
    # Ingested again with the same content and code: only the effective settings changed.
    settings_changed: list[str] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # (name, why) left alone this run
    temp_files_removed: int = 0
    catalog: CatalogRefresh | None = None  # the catalog refresh at the end of the run
    seconds: float = 0.0

    @property
    def ingested(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def partial(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.partial]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.failed]

    def fails(self, strict: bool = False) -> bool:
        """Whether the run failed: a file failed, now or unchanged since; with ``strict``
        a partial file counts as failed."""
        return any(o.fails(strict) for o in self.outcomes) or any(
            e.status == ERROR or strict for e in self.still_failing
        )

    def counts(self) -> str:
        return (
            f"{len(self.ingested)} ingested, {len(self.partial)} partial, {len(self.failed)} failed, "
            f"{len(self.duplicates)} duplicates, {len(self.unchanged)} unchanged "
            f"({len(self.still_failing)} still failing)"
            + (f"; {len(self.settings_changed)} re-ingested for changed settings" if self.settings_changed else "")
        )


# -- the folder ------------------------------------------------------------------


def scan_inbox(folder: Path, follow_symlinks: bool = False) -> list[InboxFile]:
    """The inbox's PDFs by name, fingerprinted (see ``scan_folder``)."""
    return scan_folder(folder, follow_symlinks).files


def scan_folder(folder: Path, follow_symlinks: bool = False) -> Scan:
    """The inbox's PDFs by name (``flows.folder``, as ``run`` reads a folder),
    fingerprinted, and the entries left alone this run.

    A file whose size or mtime changes while it is fingerprinted, or that has no PDF
    trailer yet and changes within ``SETTLE_SECONDS``, is still being written: left for
    the next run."""
    listed = folder_pdfs(Path(folder), follow_symlinks)
    scan = Scan(left=list(listed.skipped))
    watched: list[tuple[InboxFile, Path, os.stat_result]] = []
    for path in listed.files:
        name = outputs.display_name(path.name)
        try:
            before = path.stat()
            try:
                sha256 = sha256_of(path)
            except PermissionError:  # ingested all the same: it fails with the reason, once
                scan.files.append(InboxFile(name, str(path), "", before.st_size))
                continue
            after = path.stat()
        except FileNotFoundError:  # removed while we looked: the next run will not see it
            continue
        if _stamp(before) != _stamp(after):
            scan.left.append((name, STILL_WRITING))
            continue
        scan.files.append(InboxFile(name, str(path), sha256, after.st_size))
        if not _has_trailer(path):
            watched.append((scan.files[-1], path, after))
    # One pause for every file with no trailer: a copy in progress grows meanwhile; a
    # truncated file that stays as it is goes on to be ingested and fails with its reason.
    if watched:
        time.sleep(SETTLE_SECONDS)
        for file, path, seen in watched:
            try:
                grew = _stamp(path.stat()) != _stamp(seen)
            except FileNotFoundError:  # removed meanwhile: the next run will not see it
                scan.files.remove(file)
                continue
            if grew:  # a copy between two writes: hashing takes microseconds, a writer may pause longer
                scan.files.remove(file)
                scan.left.append((file.name, STILL_WRITING))
    return scan


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def _has_trailer(path: Path) -> bool:
    """Whether the file's last KiB holds ``%%EOF``: a PDF is written front to back and
    its trailer comes last, so a file still being copied has none yet. An unreadable
    file counts as whole: it is ingested all the same and fails with the reason."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - TRAILER_TAIL))
            return b"%%EOF" in f.read()
    except OSError:
        return True


def _output_present(out_dir: Path, entry: Entry) -> bool:
    return (out_dir / entry.output).is_file()


def plan_inbox(
    files: list[InboxFile], manifest: Manifest, out_dir: Path, pipeline: str, schema_version: str = SCHEMA_VERSION
) -> Plan:
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
        stem = entry.stem if entry is not None else _new_stem(file, taken)
        taken[stem.casefold()] = file.name
        if _is_unchanged(entry, file, known, out_dir, pipeline, schema_version):
            assert entry is not None  # only a known file can be unchanged
            plan.unchanged.append(entry)
            continue
        if not file.sha256:  # unreadable: no content to share
            plan.ingest.append((file, stem))
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


def _new_stem(file: InboxFile, taken: dict[str, str]) -> str:
    # From the name as read (its bytes), not the display name: "\\" is not a separator there.
    base = outputs.output_stem(Path(file.path).name)
    name, stem, n = file.name, base, 1
    while taken.get(stem.casefold(), name) != name:
        n += 1
        stem = f"{base}-{n}"
    return stem


def _is_unchanged(
    entry: Entry | None, file: InboxFile, known: dict[str, Entry], out_dir: Path, pipeline: str, schema_version: str
) -> bool:
    if not is_current(entry, file.sha256, pipeline, schema_version) or not _output_present(out_dir, entry):
        return False
    if entry.status == ERROR and not entry.permanent:
        return False
    if entry.duplicate_of is not None:
        owner = known.get(entry.duplicate_of)
        return (
            owner is not None
            and owner.duplicate_of is None
            and is_current(owner, file.sha256, pipeline, schema_version)
        )
    return True


# -- the flow ---------------------------------------------------------------------


def _entry_of(outcome: FileOutcome, file: InboxFile, stem: str, pipeline: str) -> Entry:
    return Entry(
        file=file.name,
        stem=stem,
        sha256=outcome.sha256 or file.sha256,
        status=outcome.status,
        output=Path(outcome.output).name,
        pipeline_version=pipeline,
        schema_version=SCHEMA_VERSION,
        permanent=outcome.permanent,
        stage=outcome.stage,
        reason=outcome.reason,
        pages=outcome.pages,
        tables=outcome.tables,
        qa_grids=outcome.qa_grids,
        seconds=outcome.seconds,
        failed_pages=", ".join(map(str, outcome.failed_pages)) or None,
    )


def _ingest_planned(
    plan: Plan,
    out: Path,
    manifest: Manifest,
    pipeline: str,
    settings: PipelineSettings,
    runner: str,
    workers: int | None,
    dask_address: str | None,
    resources: ResourceLimits,
) -> list[FileOutcome]:
    planned = {file.name: (file, stem) for file, stem in plan.ingest}  # inbox names are unique
    jobs = [FileJob(Path(file.path), stem) for file, stem in plan.ingest]
    outcomes = []
    for _job, outcome in ingest_jobs(
        jobs, out, settings, runner=runner, workers=workers, dask_address=dask_address, resources=resources
    ):
        # Recorded as each file finishes: a run killed later keeps what is done.
        file, stem = planned[outcome.file]
        manifest.record(_entry_of(outcome, file, stem, pipeline))
        outcomes.append(outcome)
    return sorted(outcomes, key=lambda o: o.file)


def _record_duplicates(plan: Plan, manifest: Manifest, out_dir: Path, pipeline: str) -> list[str]:
    """Each duplicate gets its own outputs, copies of its owner's (the content was
    ingested once), and an entry naming the owner."""
    recorded = []
    for file, stem, owner in plan.duplicates:
        owner_entry = manifest.get(owner)
        if owner_entry is None or owner_entry.sha256 != file.sha256:
            continue  # the owner's file changed while it was ingested: next run sorts it out
        output = outputs.copy_outputs(out_dir, owner_entry.stem, stem, owner_entry.output)
        # The owner's outcome under this name; its own seconds and recording time are not.
        duplicate = replace(
            owner_entry,
            file=file.name,
            stem=stem,
            sha256=file.sha256,
            output=output.name,
            pipeline_version=pipeline,
            schema_version=SCHEMA_VERSION,
            seconds=None,
            duplicate_of=owner,
            recorded_at="",
        )
        manifest.record(duplicate)
        recorded.append(file.name)
    return recorded


def inbox_rows(report: InboxReport, manifest_entries: dict[str, Entry]) -> list[dict]:
    """One artifact row per inbox file: ingested now, duplicate, or unchanged."""
    rows = summary_rows(report.outcomes)
    for name, note in [(n, DUPLICATE) for n in report.duplicates] + [(n, UNCHANGED) for n in report.unchanged]:
        entry = manifest_entries.get(name)
        if entry is None:
            continue
        rows.append(
            {
                "file": name,
                "status": entry.status,
                "pages": entry.pages,
                "tables": entry.tables,
                "qa_grids": entry.qa_grids,
                "failed_pages": entry.failed_pages or "",
                "error": f"{entry.stage}: {entry.reason}" if entry.status == ERROR else "",
                "seconds": 0.0,
                "note": note if entry.duplicate_of is None else f"{DUPLICATE} of {entry.duplicate_of}",
            }
        )
    return sorted(rows, key=lambda row: row["file"])


def inbox_markdown(report: InboxReport, inbox: str, out: str) -> str:
    ingested = report.outcomes
    lines = [
        "# Inbox run",
        "",
        f"Inbox `{inbox}` → `{out}` in {report.seconds:.1f} s: {report.counts()}.",
        f"{sum(o.pages or 0 for o in ingested)} pages, {sum(o.tables or 0 for o in ingested)} tables, "
        f"{sum(o.qa_grids or 0 for o in ingested)} Q&A grids.",
    ]
    if report.temp_files_removed:
        lines.append(f"{report.temp_files_removed} temp files of an interrupted run removed.")
    lines += failure_markdown(report.failed, report.partial)
    if report.still_failing:
        lines += ["", "## Still failing (unchanged since an earlier run)", ""]
        lines += [
            f"- `{e.file}`: {e.status}: "
            + (f"{e.stage}: {e.reason}" if e.status == ERROR else f"pages {e.failed_pages}")
            for e in report.still_failing
        ]
    if report.left:
        lines += ["", "## Left for the next run", ""]
        lines += [f"- `{name}`: {why}" for name, why in report.left]
    if report.catalog is not None:
        lines += ["", f"{report.catalog.line()}."]
    return "\n".join(lines) + "\n"


def inbox_settings(
    settings: PipelineSettings | dict | None = None,
    *,
    nlp: bool | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    page_seconds: float | None = None,
) -> PipelineSettings:
    """``settings`` (default ``INBOX_SETTINGS``; a dict is read as one) with the inbox options that were given."""
    if isinstance(settings, dict):
        settings = PipelineSettings.model_validate(settings)
    limits = {
        name: value
        for name, value in dict(max_pages=max_pages, max_bytes=max_bytes, page_seconds=page_seconds).items()
        if value is not None
    }
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
    follow_symlinks: bool = False,
    max_memory_mb: int = ResourceLimits.max_memory_bytes // MB,
    max_inflated_mb: int = ResourceLimits.max_inflated_bytes // MB,
    file_seconds: float | None = ResourceLimits.file_seconds,
) -> InboxReport:
    """Ingest the new and changed PDFs of folder ``inbox`` into folder ``out``.

    ``settings`` (default: ``INBOX_SETTINGS``) is the pipeline's, as JSON data (a
    deployment's parameters are JSON; a served flow run cannot resolve the model's type
    from this module's annotations); ``nlp``, ``max_pages``,
    ``max_bytes`` and ``page_seconds`` override it when given (``page_seconds`` 0: no limit).
    ``wait``: when another run holds this output folder, wait for it (then find its
    work done) instead of returning at once with ``busy=True``. Ends Failed when a file
    failed or is partial, in this run or unchanged since an earlier one (``outcomes_of``
    gives the report).
    """
    started = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    resolved = inbox_settings(settings, nlp=nlp, max_pages=max_pages, max_bytes=max_bytes, page_seconds=page_seconds)
    pipeline = made_with(tasks.pipeline_version(), resolved)
    resources = ResourceLimits(
        max_inflated_bytes=max_inflated_mb * MB, max_memory_bytes=max_memory_mb * MB, file_seconds=file_seconds
    )
    report = InboxReport()
    try:
        with inbox_lock(out_dir, wait=wait):
            report.temp_files_removed = clean_temp_files(out_dir)
            scan = scan_folder(Path(inbox), follow_symlinks)
            report.left = scan.left
            with Manifest(out_dir) as manifest:
                plan = plan_inbox(scan.files, manifest, out_dir, pipeline)
                report.settings_changed = _settings_changed(plan, manifest, pipeline)
                if plan.ingest:
                    report.outcomes = _ingest_planned(
                        plan, out_dir, manifest, pipeline, resolved, runner, workers, dask_address, resources
                    )
                # After their owners: a duplicate's entry copies its owner's.
                report.duplicates = _record_duplicates(plan, manifest, out_dir, pipeline)
                report.unchanged = [entry.file for entry in plan.unchanged]
                report.still_failing = [entry for entry in plan.unchanged if entry.status != OK]
                entries = {entry.file: entry for entry in manifest.entries()}
            # Still under the lock: no other run writes the catalog meanwhile.
            report.catalog = refresh_outputs_catalog(out_dir)
            if report.catalog.failed:
                get_run_logger().warning(report.catalog.line())
    except InboxBusy:
        report.busy = True
        report.seconds = round(time.perf_counter() - started, 3)
        create_markdown_artifact(
            key="ingest-inbox-summary", markdown=f"# Inbox run\n\nAnother run holds `{out}`: nothing done.\n"
        )
        return report
    report.duplicates.sort()
    report.seconds = round(time.perf_counter() - started, 3)
    create_table_artifact(
        key="ingest-inbox-files",
        table=inbox_rows(report, entries),
        description="One row per inbox file (note: duplicate / unchanged)",
    )
    create_markdown_artifact(key="ingest-inbox-summary", markdown=inbox_markdown(report, inbox, out))
    return final_state(report.outcomes + [_still_failing_outcome(e) for e in report.still_failing], report)


SETTINGS_MARK = "+settings."


def made_with(pipeline_version: str, settings: PipelineSettings) -> str:
    """What an output is made with, as the manifest records it: the pipeline's version
    and the fingerprint of the effective settings. A change to either re-ingests."""
    return f"{pipeline_version}{SETTINGS_MARK}{settings.fingerprint()}"


def _settings_changed(plan: Plan, manifest: Manifest, pipeline: str) -> list[str]:
    """Files of ``plan.ingest`` whose content and code are as last recorded: re-ingested
    because the settings changed."""
    code = pipeline.split(SETTINGS_MARK)[0]
    names = []
    for file, _stem in plan.ingest:
        before = manifest.get(file.name)
        if (
            before is not None
            and before.sha256 == file.sha256
            and before.pipeline_version != pipeline
            and before.pipeline_version.split(SETTINGS_MARK)[0] == code
        ):
            names.append(file.name)
    return names


def _still_failing_outcome(entry: Entry) -> FileOutcome:
    # Only for the final state's counts.
    return FileOutcome(file=entry.file, status=entry.status, output=entry.output)
