"""``survey-ingest``: run the ingest flow over files and folders, validate outputs, print
the schema.

``inbox`` and ``serve`` (scheduled ingestion) come from ``flows.inbox``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.settings_options import SetOptions, SettingsFile, settings_from_options

app = typer.Typer(
    name="survey-ingest",
    help="Ingest survey-report PDFs into schema-valid JSON.",
    no_args_is_help=True,
    add_completion=False,
)

# Offline by default: Prefect's local backend, no telemetry. A busy machine can take a
# while to start the local API server, so give it longer than Prefect's 20 s.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
# Prefect logs every failed task at ERROR; the CLI says it once per file instead.
QUIET_LOGGERS = ("prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.events", "prefect.server")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def find_pdfs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to ingest: files as given, folders' ``*.pdf`` (not recursive, by name).

    Returns the files and a problem line per path that is neither.
    """
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            pdfs = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".pdf"
                          and not p.name.startswith("."))
            if not pdfs:
                problems.append(f"{path}: no .pdf files in this folder")
            found.extend(pdfs)
        elif path.exists():
            found.append(path)  # named explicitly: ingest it and let the checks speak
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems


class RichProgress:
    """Files and pages bars on a terminal; one line per finished file everywhere."""

    def __init__(self, console: Console, total_files: int):
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self.files = self.progress.add_task("files", total=total_files)
        self.pages = self.progress.add_task("pages", total=None, visible=False)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def file_started(self, file: str, pages: int) -> None:
        self.progress.reset(self.pages, total=pages, description=f"  {file}", visible=True)

    def page_done(self, file: str, page: int) -> None:
        self.progress.update(self.pages, completed=page)

    def file_done(self, outcome) -> None:
        self.progress.update(self.pages, visible=False)
        self.progress.advance(self.files)
        if outcome.ok:
            self.console.print(
                f"[green]ok[/]    {escape(outcome.file)} → {escape(outcome.output)} ({outcome.pages} pages, {outcome.tables} tables, "
                f"{outcome.qa_grids} Q&A grids, {outcome.seconds:.1f} s)",
                highlight=False, soft_wrap=True,
            )
        else:
            self.console.print(
                f"[red]error[/] {escape(f'{outcome.file}: {outcome.stage}: {outcome.reason}')}", highlight=False, soft_wrap=True
            )


def _quiet_prefect(verbose: bool) -> None:
    if not verbose:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders of PDFs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    nlp: Annotated[bool | None, typer.Option("--nlp/--no-nlp", help="Run the GiNZA segmentation stage "
                                                                    "(default: the settings' nlp, true).")] = None,
    runner: Annotated[str, typer.Option("--runner", help="Task runner: process, thread or dask.")] = "process",
    workers: Annotated[int | None, typer.Option("--workers", help="Parallel files, or page ranges of a single "
                                                              "long file (default: one per CPU).")] = None,
    dask_address: Annotated[str | None, typer.Option("--dask-address", help="Existing Dask scheduler, tcp://host:8786.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
    settings_file: SettingsFile = None,
    set_: SetOptions = None,
) -> None:
    """Ingest PDFs into OUT/<name>.json; a file that fails leaves OUT/<name>.error.json."""
    settings = settings_from_options(settings_file, set_, nlp=nlp)
    console = Console(stderr=True)
    pdfs, problems = find_pdfs(paths)
    for problem in problems:
        console.print(f"[red]error[/] {escape(problem)}", highlight=False, soft_wrap=True)
    if not pdfs:
        raise typer.Exit(EXIT_USAGE)
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    from flows.ingest import ingest_batch
    from flows.tasks import PROGRESS

    _quiet_prefect(verbose)
    out.mkdir(parents=True, exist_ok=True)
    with RichProgress(console, len(pdfs)) as hook:
        token = PROGRESS.set(hook)
        try:
            outcomes = ingest_batch(pdfs, out, settings, runner=runner, workers=workers, dask_address=dask_address)
        finally:
            PROGRESS.reset(token)
    failed = [o for o in outcomes if not o.ok]
    console.print(f"{len(outcomes) - len(failed)} of {len(outcomes)} files ingested into {escape(str(out))}", highlight=False,
                  soft_wrap=True)
    if failed or problems:
        raise typer.Exit(EXIT_FAILED)


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
    report: Annotated[Path, typer.Argument(help="Report JSON written by `run`.")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="The ingested PDF (default: beside the JSON).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("review"),
) -> None:
    """Write a self-contained HTML review page: page images with overlays, extracted content beside."""
    from exporters.review import ReviewError, review_command

    try:
        typer.echo(review_command(report, pdf, out))
    except ReviewError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_FAILED)


def _register_inbox_commands() -> None:
    # The inbox commands' options live with the inbox flow; importing it loads Prefect,
    # so its settings must be offline first.
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    from flows.inbox import inbox_command, serve_command

    app.command("inbox")(inbox_command)
    app.command("serve")(serve_command)


_register_inbox_commands()

if __name__ == "__main__":
    app()
