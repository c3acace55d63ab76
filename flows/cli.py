"""``survey-ingest``: run the ingest flow over files and folders, watch an inbox, validate
outputs, print the schema.

Starting is cheap: ``--help`` and ``--version`` import no Prefect, pdfplumber or spaCy;
each command imports what it needs. Every usage error is one line and exit code 2.

Exit codes: 0 done; 1 a file failed (with ``--strict``, also a partial file); 2 usage
error; 75 (``EX_TEMPFAIL``) another run holds the output folder: nothing done, try later.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from typer._click import exceptions as click_errors  # Typer's own click

from flows.settings_options import SetOptions, SettingsFile, settings_from_options

PROG = "survey-ingest"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 75
RUNNER_KINDS = ("process", "thread", "dask")  # flows.runners.RUNNER_KINDS, without importing Prefect
SERVER_MODES = ("background", "temporary")  # flows.server.SERVER_MODES, likewise
# flows.inbox.PAGE_SECONDS: a page of a slide deck takes well under a second.
PAGE_SECONDS = 120.0
# flows.resources.ResourceLimits defaults, in MB and seconds.
MAX_MEMORY_MB, MAX_INFLATED_MB, FILE_SECONDS = 3072, 512, 900.0


class OneLineTyper(typer.Typer):
    """A Typer app whose usage errors are one line (``survey-ingest: error: …``), exit 2."""

    def __call__(self, *args, **kwargs):
        command = typer.main.get_command(self)
        try:
            code = command.main(args=sys.argv[1:], prog_name=PROG, standalone_mode=False)
        except click_errors.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            code = EXIT_USAGE
        except click_errors.UsageError as exc:
            hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
            typer.echo(f"{PROG}: error: {one_line(exc.format_message())}{hint}", err=True)
            code = EXIT_USAGE
        except click_errors.ClickException as exc:
            typer.echo(f"{PROG}: error: {one_line(exc.format_message())}", err=True)
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            typer.echo(f"{PROG}: interrupted", err=True)
            code = 130
        sys.exit(code if isinstance(code, int) else EXIT_OK)


app = OneLineTyper(
    name=PROG,
    help="Ingest survey-report PDFs into schema-valid JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Offline by default: Prefect's local backend, no telemetry. A busy machine can take a
# while to start the local API server, so give it longer than Prefect's 20 s.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
# Run logs (a line per file, every task's state) go to the Prefect API at INFO, whatever
# PREFECT_LOGGING_LEVEL says, so the UI shows them. The terminal gets the CLI's own lines
# only (Prefect logs every failed task at ERROR; the CLI says it once per file) unless
# --verbose. Environment, set before Prefect is imported: process workers configure their
# own logging from it. Variables the user set are kept.
RUN_LOGS_ENV = {
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
}
QUIET_CONSOLE_ENV = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL"}


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and format characters (ESC, newline, bidi
    overrides) and undecodable name bytes shown as escapes, never acted on."""
    out = []
    for ch in text:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # a name byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def shown(text) -> str:
    """For a rich console: printable, and no rich markup."""
    return escape(printable(str(text)))


def usage_error(message: str) -> typer.Exit:
    typer.echo(f"{PROG}: error: {printable(message)}", err=True)
    return typer.Exit(EXIT_USAGE)


def output_folder(out: Path) -> Path:
    """``out`` made if missing; a usage error when it is a file or cannot be made."""
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise usage_error(f"--out {out}: {exc.strerror or exc}") from exc
    return out


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"{PROG} {version(PROG)}")
        except PackageNotFoundError:
            typer.echo(f"{PROG} 0+unknown")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Ingest survey-report PDFs into schema-valid JSON."""


def find_pdfs(paths: list[Path], follow_symlinks: bool = False) -> tuple[list[Path], list[str]]:
    """The files to ingest: files as given, folders' PDFs as every entry point reads
    them (``flows.folder``: not recursive, by name; symlinks leading out of the folder
    only with ``follow_symlinks``).

    Returns the files and a problem line per path, or folder entry, that is neither."""
    from flows.folder import folder_pdfs

    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            try:
                scan = folder_pdfs(path, follow_symlinks)
            except OSError as exc:
                problems.append(f"{path}: cannot be listed ({exc.strerror or type(exc).__name__})")
                continue
            problems += [f"{path / name}: {why}" for name, why in scan.skipped]
            if not scan.files and not scan.skipped:
                problems.append(f"{path}: no .pdf files in this folder")
            found.extend(scan.files)
        elif path.exists():
            found.append(path)  # named explicitly: ingest it and let the checks speak
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems


class RichProgress:
    """On a terminal: a files bar and a row per file being worked (its pages bar, the stage
    it is in); one line per finished file everywhere. Rows come and go as workers take
    files, so several workers share one display."""

    # What a stage is called on its row: the long stages say what they run.
    STAGE_LABELS = {"segment": "segment (GiNZA)"}

    def __init__(self, console: Console, total_files: int):
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.files = self.progress.add_task("files", total=total_files)
        self.rows: dict[str, TaskID] = {}
        self.done: set[str] = set()  # a worker's last events may arrive after its file's end
        self.lock = threading.Lock()  # workers' events come from a relay thread (flows.progress)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def _update(self, file: str, **fields) -> None:
        """Update ``file``'s row (added on its first event; none once the file is done)."""
        with self.lock:
            if file in self.done:
                return
            if file not in self.rows:
                self.rows[file] = self.progress.add_task(f"  {shown(file)}", total=None)
            self.progress.update(self.rows[file], **fields)

    def file_started(self, file: str, pages: int) -> None:
        self._update(file, total=pages, completed=0)

    def page_done(self, file: str, page: int) -> None:
        self._update(file, completed=page)

    def stage_started(self, file: str, stage: str) -> None:
        self._update(file, description=f"  {shown(file)} · {self.STAGE_LABELS.get(stage, stage)}")

    def file_done(self, outcome) -> None:
        with self.lock:
            self.done.add(outcome.file)
            if (row := self.rows.pop(outcome.file, None)) is not None:
                self.progress.remove_task(row)
            self.progress.advance(self.files)
            self.console.print(outcome_markup(outcome), highlight=False, soft_wrap=True)


def outcome_markup(outcome) -> str:
    """The line of one finished file: ok, partial (with the failed pages) or error."""
    if outcome.failed:
        duplicate = f" (duplicate of {outcome.duplicate_of})" if outcome.duplicate_of else ""
        return f"[red]error[/] {shown(f'{outcome.file}: {outcome.stage}: {outcome.reason}{duplicate}')}"
    counts = f"{outcome.pages} pages, {outcome.tables} tables, {outcome.qa_grids} Q&A grids, {outcome.seconds:.1f} s"
    if outcome.duplicate_of:  # same content as another input: copies of its outputs
        counts = f"duplicate of {shown(outcome.duplicate_of)}: {counts}"
    if outcome.partial:
        return (
            f"[yellow]partial[/] {shown(outcome.file)} → {shown(outcome.output)} ({counts}; "
            f"failed pages {', '.join(map(str, outcome.failed_pages))})"
        )
    return f"[green]ok[/]    {shown(outcome.file)} → {shown(outcome.output)} ({counts})"


def _runner_choice(value: str) -> str:
    if value not in RUNNER_KINDS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(RUNNER_KINDS)}")
    return value


def _server_choice(value: str) -> str:
    if value not in SERVER_MODES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(SERVER_MODES)}")
    return value


PrefectServer = Annotated[
    str,
    typer.Option(
        "--prefect-server",
        envvar="SURVEY_INGEST_PREFECT_SERVER",
        callback=_server_choice,
        help="Without a configured PREFECT_API_URL: background (reuse a local server, starting one once) "
        "or temporary (Prefect's per-run server, ~10 s).",
    ),
]
Runner = Annotated[str, typer.Option("--runner", callback=_runner_choice, help="Task runner: process, thread or dask.")]
Workers = Annotated[int | None, typer.Option("--workers", min=1, help="Parallel files (default: one per CPU).")]
DaskAddress = Annotated[
    str | None,
    typer.Option("--dask-address", help="Scheduler of an existing Dask cluster, tcp://host:8786 (with --runner dask)."),
]
Nlp = Annotated[
    bool | None,
    typer.Option("--nlp/--no-nlp", help="Run the GiNZA segmentation stage (default: the settings' nlp, true)."),
]
Ocr = Annotated[
    bool | None,
    typer.Option(
        "--ocr/--no-ocr",
        help="Read scanned and unreadable pages by OCR (default: the settings' ocr.enabled, true); "
        "--no-ocr: a scanned page fails with 'no text layer (needs OCR)'.",
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")]
Strict = Annotated[bool, typer.Option("--strict", help="A partial file (pages that failed) fails the run (exit 1).")]
Wait = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait while another run holds OUT (else exit 75).")]
FollowSymlinks = Annotated[
    bool, typer.Option("--follow-symlinks", help="Follow symlinks leading out of a scanned folder.")
]
MaxPages = Annotated[int | None, typer.Option("--max-pages", min=1, help="Refuse PDFs with more pages (default 2000).")]
MaxBytes = Annotated[
    int | None, typer.Option("--max-bytes", min=1, help="Refuse PDFs larger than this (default 200 MiB).")
]
PageSeconds = Annotated[
    float | None,
    typer.Option(
        "--page-seconds",
        min=0,
        help=f"A page taking longer is left out (partial file); 0: no limit (default {PAGE_SECONDS:g}).",
    ),
]
FileSeconds = Annotated[float, typer.Option("--file-seconds", min=0, help="Wall-clock cap per file; 0: no limit.")]
MaxMemoryMb = Annotated[
    int, typer.Option("--max-memory-mb", min=0, help="Address space a worker may add per file (MB); 0: no limit.")
]
MaxInflatedMb = Annotated[
    int, typer.Option("--max-inflated-mb", min=1, help="Refuse a PDF whose streams inflate past this (MB).")
]
InboxDir = Annotated[Path, typer.Option("--inbox", help="Folder to watch for PDFs (only read).")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Output folder (outputs, manifest, lock).")]


def _offline(verbose: bool = True) -> None:
    """Prefect's environment for a command: offline; run logs to the API; a quiet
    terminal unless ``verbose``."""
    for key, value in (OFFLINE_ENV | RUN_LOGS_ENV | ({} if verbose else QUIET_CONSOLE_ENV)).items():
        os.environ.setdefault(key, value)


@contextmanager
def _report_to(mode: str, console: Console) -> Iterator[None]:
    """The context the flow runs in: reporting to the API ``flows.server`` chose, from
    every thread and worker of the run; a temporary server is stopped on the way out."""
    from flows.server import api_for_run, ensure_server

    choice = ensure_server(mode)
    if choice.note:
        console.print(f"note: {shown(choice.note)}", highlight=False, soft_wrap=True)
    with api_for_run(choice):
        yield


def _check_runner(runner: str, dask_address: str | None) -> None:
    if dask_address and runner != "dask":
        raise usage_error("--dask-address needs --runner dask")


def _settings(
    settings_file: Path | None,
    assignments: list[str] | None,
    *,
    nlp: bool | None,
    ocr: bool | None = None,
    page_seconds: float | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = None,
):
    """The run's ``PipelineSettings``: an unattended page limit by default, then the
    settings file, ``--set``, and the options given (``--no-nlp``, ``--no-ocr``, ``--page-seconds`` …)."""
    from extractors.settings import Limits, PipelineSettings

    base = PipelineSettings(limits=Limits(page_seconds=PAGE_SECONDS))
    limits = {
        k: v
        for k, v in dict(page_seconds=page_seconds, max_pages=max_pages, max_bytes=max_bytes).items()
        if v is not None
    }
    return settings_from_options(
        settings_file, assignments, base, nlp=nlp, limits=limits or None, ocr=None if ocr is None else {"enabled": ocr}
    )


def _resources(max_memory_mb: int, max_inflated_mb: int, file_seconds: float):
    from flows.resources import MB, ResourceLimits

    return ResourceLimits(
        max_inflated_bytes=max_inflated_mb * MB, max_memory_bytes=max_memory_mb * MB, file_seconds=file_seconds or None
    )


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders of PDFs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    nlp: Nlp = None,
    ocr: Ocr = None,
    runner: Runner = "process",
    workers: Workers = None,
    dask_address: DaskAddress = None,
    strict: Strict = False,
    wait: Wait = False,
    follow_symlinks: FollowSymlinks = False,
    page_seconds: PageSeconds = None,
    file_seconds: FileSeconds = FILE_SECONDS,
    max_memory_mb: MaxMemoryMb = MAX_MEMORY_MB,
    max_inflated_mb: MaxInflatedMb = MAX_INFLATED_MB,
    prefect_server: PrefectServer = "background",
    verbose: Verbose = False,
    settings_file: SettingsFile = None,
    set_: SetOptions = None,
) -> None:
    """Ingest PDFs into OUT/<name>.json; a file that fails leaves OUT/<name>.error.json."""
    settings = _settings(settings_file, set_, nlp=nlp, ocr=ocr, page_seconds=page_seconds)
    console = Console(stderr=True)
    _check_runner(runner, dask_address)
    pdfs, problems = find_pdfs(paths, follow_symlinks)
    for problem in problems:
        console.print(f"[red]error[/] {shown(problem)}", highlight=False, soft_wrap=True)
    if not pdfs:
        raise typer.Exit(EXIT_USAGE)
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: not a folder")
    _offline(verbose)
    from flows.catalog_refresh import refresh_outputs_catalog
    from flows.ingest import InputFile, counts_message, ingest_batch, outcomes_of
    from flows.locking import InboxBusy, LockUnsafe, inbox_lock
    from flows.outputs import clean_temp_files
    from flows.progress import PROGRESS

    output_folder(out)
    try:
        with inbox_lock(out, wait=wait), _report_to(prefect_server, console):
            clean_temp_files(out)  # a killed run's; under the lock no other run writes any
            with RichProgress(console, len(pdfs)) as hook:
                token = PROGRESS.set(hook)
                try:
                    state = ingest_batch(
                        [InputFile(path=pdf) for pdf in pdfs],
                        out,
                        settings,
                        runner=runner,
                        workers=workers,
                        dask_address=dask_address,
                        resources=_resources(max_memory_mb, max_inflated_mb, file_seconds),
                        return_state=True,
                    )
                finally:
                    PROGRESS.reset(token)
            outcomes = outcomes_of(state)
            catalog = refresh_outputs_catalog(out)  # under the lock; never raises (the reports stand)
    except InboxBusy:
        console.print(f"busy: another run is working {shown(out)}; nothing done", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BUSY) from None
    except LockUnsafe as exc:
        console.print(f"[red]error[/] {shown(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED) from exc
    console.print(f"{counts_message(outcomes)} ingested into {shown(out)}", highlight=False, soft_wrap=True)
    console.print(("[red]error[/] " if catalog.failed else "") + shown(catalog.line()), highlight=False, soft_wrap=True)
    if problems or any(o.fails(strict) for o in outcomes):
        raise typer.Exit(EXIT_FAILED)


@app.command("catalog")
def catalog_command(
    out: Annotated[Path, typer.Argument(help="Output folder of `run` or `inbox`.")],
    wait: Wait = False,
) -> None:
    """Build OUT/catalog.duckdb and OUT/catalog.search.sqlite from every report in OUT."""
    if not out.is_dir():
        raise usage_error(f"{out}: not a folder")
    from catalog.sync import CATALOG_NAME, SEARCH_NAME, build_catalog
    from flows.locking import InboxBusy, LockUnsafe, inbox_lock

    try:
        with inbox_lock(out, wait=wait):  # a run writing OUT refreshes the catalog itself
            result = build_catalog(out)
    except InboxBusy:
        typer.echo(f"busy: another run is working {printable(str(out))}; nothing done")
        raise typer.Exit(EXIT_BUSY) from None
    except LockUnsafe as exc:
        typer.echo(f"error     {printable(str(exc))}", err=True)
        raise typer.Exit(EXIT_FAILED) from exc
    for problem in result.problems:
        typer.echo(f"skipped   {printable(problem)}", err=True)
    typer.echo(f"catalog   {printable(str(out / CATALOG_NAME))}, {SEARCH_NAME}: {result.line()}")


@app.command("search")
def search_command(
    out: Annotated[Path, typer.Argument(help="Output folder with a catalog (`survey-ingest catalog OUT`).")],
    query: Annotated[str, typer.Argument(help="Words or a phrase, e.g. 知的財産の帰属.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array of hits (with the full text).")] = False,
) -> None:
    """Search every text unit of every report in OUT, best first (BM25)."""
    from catalog.search import SearchUnavailable, search

    if not query.strip():
        raise usage_error("the query is empty")
    try:
        hits = search(out, query, limit)
    except SearchUnavailable as exc:
        typer.echo(f"{PROG}: error: {printable(str(exc))}", err=True)
        raise typer.Exit(EXIT_FAILED) from exc
    if as_json:
        typer.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=1))
        return
    for hit in hits:
        typer.echo(f"{printable(hit.report)}  p.{hit.page}  {hit.unit_id} ({hit.unit_kind})  {printable(hit.snippet)}")
    if not hits:
        typer.echo("no hits", err=True)


@app.command("validate")
def validate_file(
    files: Annotated[list[Path], typer.Argument(help="Output JSON files (reports or error records).")],
) -> None:
    """Check JSON files against the schema version each one names."""
    from docmodel.schema import SchemaError, schema_name_of, validate

    failed = 0
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
            validate(doc)
        except (OSError, ValueError) as exc:  # SchemaError and JSONDecodeError are ValueErrors
            failed += 1
            reason = str(exc) if isinstance(exc, SchemaError) else f"{type(exc).__name__}: {exc}"
            typer.echo(f"invalid {file}: {' '.join(reason.split())}", err=True)
        else:
            typer.echo(f"valid   {file} ({schema_name_of(doc)} {doc['schema_version']})")
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def schema(
    name: Annotated[str, typer.Option("--name", help="survey-report or ingest-error.")] = "survey-report",
) -> None:
    """Print the current JSON Schema."""
    from docmodel.schema import MODELS, dump_schema, generate_schema

    if name not in MODELS:
        typer.echo(f"unknown schema {name!r}; choose one of {', '.join(MODELS)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    sys.stdout.write(dump_schema(generate_schema(name)))


@app.command()
def review(
    report: Annotated[Path, typer.Argument(help="Report JSON written by `run`.", exists=True, dir_okay=False)],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="The ingested PDF (default: beside the JSON).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("review"),
) -> None:
    """Write a self-contained HTML review page: page images with overlays, extracted content beside."""
    from exporters.review import ReviewError, review_command

    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: not a folder")
    try:
        typer.echo(review_command(report, pdf, out))
    except ReviewError as exc:
        typer.echo(f"error: {printable(one_line(str(exc)))}", err=True)
        raise typer.Exit(EXIT_FAILED) from exc


@app.command("inbox")
def inbox_command(
    inbox: InboxDir,
    out: OutDir,
    nlp: Nlp = None,
    ocr: Ocr = None,
    runner: Runner = "process",
    workers: Workers = None,
    dask_address: DaskAddress = None,
    wait: Wait = False,
    strict: Strict = False,
    follow_symlinks: FollowSymlinks = False,
    max_pages: MaxPages = None,
    max_bytes: MaxBytes = None,
    page_seconds: PageSeconds = None,
    file_seconds: FileSeconds = FILE_SECONDS,
    max_memory_mb: MaxMemoryMb = MAX_MEMORY_MB,
    max_inflated_mb: MaxInflatedMb = MAX_INFLATED_MB,
    prefect_server: PrefectServer = "background",
    verbose: Verbose = False,
    settings_file: SettingsFile = None,
    set_: SetOptions = None,
) -> None:
    """Ingest the new and changed PDFs of INBOX once (what each scheduled run does)."""
    _check_runner(runner, dask_address)
    settings = _settings(
        settings_file, set_, nlp=nlp, ocr=ocr, page_seconds=page_seconds, max_pages=max_pages, max_bytes=max_bytes
    )
    if not inbox.is_dir():
        raise usage_error(f"--inbox {inbox}: not a folder")
    output_folder(out)
    _offline(verbose)
    from flows.inbox import ingest_inbox
    from flows.ingest import outcomes_of
    from flows.locking import LockUnsafe

    try:
        with _report_to(prefect_server, Console(stderr=True)):
            state = ingest_inbox(
                str(inbox.resolve()),
                str(out.resolve()),
                runner=runner,
                workers=workers,
                dask_address=dask_address,
                wait=wait,
                settings=settings.model_dump(mode="json"),
                follow_symlinks=follow_symlinks,
                max_memory_mb=max_memory_mb,
                max_inflated_mb=max_inflated_mb,
                file_seconds=file_seconds or None,
                return_state=True,
            )
        report = outcomes_of(state)
    except LockUnsafe as exc:
        typer.echo(f"error     {printable(str(exc))}", err=True)
        raise typer.Exit(EXIT_FAILED) from exc
    if report.busy:
        typer.echo(f"busy: another run is working {printable(str(out))}; nothing done")
        raise typer.Exit(EXIT_BUSY)
    for outcome in report.outcomes:
        typer.echo(_inbox_line(outcome))
    for name in report.settings_changed:
        typer.echo(f"settings  {printable(name)}: ingested again, the settings changed since it was last ingested")
    for name in report.duplicates:
        typer.echo(f"duplicate {printable(name)}")
    for entry in report.still_failing:
        why = f"{entry.stage}: {entry.reason}" if entry.status == "error" else f"failed pages {entry.failed_pages}"
        typer.echo(f"failing   {printable(entry.file)}: {printable(why)} (unchanged since {entry.recorded_at})")
    for name, why in report.left:
        typer.echo(f"left      {printable(name)}: {why}")
    if report.catalog is not None:
        typer.echo(printable(report.catalog.line()), err=report.catalog.failed)
    typer.echo(report.counts())
    if report.fails(strict):
        raise typer.Exit(EXIT_FAILED)


def _inbox_line(outcome) -> str:
    if outcome.failed:
        return f"error     {printable(outcome.file)}: {printable(f'{outcome.stage}: {outcome.reason}')}"
    line = (
        f"{outcome.status:<9} {printable(outcome.file)} → {printable(Path(outcome.output).name)} "
        f"({outcome.pages} pages, {outcome.seconds:.1f} s"
    )
    if outcome.partial:
        line += f"; failed pages {', '.join(map(str, outcome.failed_pages))}"
    return line + ")"


@app.command("serve")
def serve_command(
    inbox: InboxDir,
    out: OutDir,
    cron: Annotated[str, typer.Option("--cron", help='Schedule, e.g. "*/15 * * * *".')],
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "inbox",
    timezone: Annotated[str | None, typer.Option("--timezone", help="e.g. Asia/Tokyo.")] = None,
    nlp: Nlp = None,
    ocr: Ocr = None,
    runner: Runner = "process",
    workers: Workers = None,
    dask_address: DaskAddress = None,
    follow_symlinks: FollowSymlinks = False,
    max_pages: MaxPages = None,
    max_bytes: MaxBytes = None,
    page_seconds: PageSeconds = None,
    file_seconds: FileSeconds = FILE_SECONDS,
    max_memory_mb: MaxMemoryMb = MAX_MEMORY_MB,
    max_inflated_mb: MaxInflatedMb = MAX_INFLATED_MB,
    prefect_server: PrefectServer = "background",
    settings_file: SettingsFile = None,
    set_: SetOptions = None,
) -> None:
    """Serve the inbox flow as deployment ingest-inbox/NAME on a cron schedule (until Ctrl-C)."""
    _check_runner(runner, dask_address)
    settings = _settings(
        settings_file, set_, nlp=nlp, ocr=ocr, page_seconds=page_seconds, max_pages=max_pages, max_bytes=max_bytes
    )
    if not inbox.is_dir():
        raise usage_error(f"--inbox {inbox}: not a folder")
    _check_schedule(cron, timezone)
    output_folder(out)
    _offline()
    from prefect.schedules import Cron

    from flows.inbox import ingest_inbox

    # Scheduled runs are subprocesses of this one: they inherit its API, never start their own.
    with _report_to(prefect_server, Console(stderr=True)):
        ingest_inbox.serve(
            name=name,
            schedules=[Cron(cron, timezone=timezone) if timezone else Cron(cron)],
            parameters=dict(
                inbox=str(inbox.resolve()),
                out=str(out.resolve()),
                runner=runner,
                workers=workers,
                dask_address=dask_address,
                settings=settings.model_dump(mode="json"),
                follow_symlinks=follow_symlinks,
                max_memory_mb=max_memory_mb,
                max_inflated_mb=max_inflated_mb,
                file_seconds=file_seconds or None,
            ),
            # The lock already keeps runs apart; this keeps a slow run's successors queued, not crowding.
            limit=1,
            # A restarted server process keeps its schedule running (no manual unpause).
            pause_on_shutdown=False,
        )


def _check_schedule(cron: str, timezone: str | None) -> None:
    """A bad cron expression or time zone is a usage error here, not a traceback in serve."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        raise usage_error(f'--cron {cron!r}: not a cron expression (e.g. "*/15 * * * *")') from None
    if timezone is not None:
        try:
            CronSchedule(cron=cron, timezone=timezone)
        except ValidationError:
            raise usage_error(f"--timezone {timezone!r}: not a time zone (e.g. Asia/Tokyo)") from None


if __name__ == "__main__":
    app()
