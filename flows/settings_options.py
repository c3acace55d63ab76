"""``--settings FILE`` and ``--set section.field=value``: the pipeline settings of a command.

Shared by ``run`` (``flows.cli``) and ``inbox``/``serve`` (``flows.inbox``). Precedence,
lowest first: the defaults (or the command's own base), the settings file, ``--set`` in
the order given, then the command's explicit options (``--no-nlp``, ``--max-pages`` …).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from extractors.settings import PipelineSettings

SettingsFile = Annotated[
    Path | None,
    typer.Option("--settings", help="Pipeline settings, TOML or YAML (see extractors/settings.py).", dir_okay=False),
]
SetOptions = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override one setting, e.g. --set tables.grid.snap_tolerance=3 (repeatable)."),
]

EXIT_USAGE = 2


def settings_from_options(
    file: Path | None, assignments: list[str] | None, base: PipelineSettings | None = None, **explicit: Any
) -> PipelineSettings:
    """The settings the options ask for; a bad file or assignment is a usage error (exit 2)."""
    from extractors.settings import SettingsError, resolve_settings  # loads the extractors: not for --help

    try:
        return resolve_settings(file, assignments or (), base, **explicit)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc
