"""The catalog refresh a run ends with (``run`` and ``inbox``): the reports it wrote
replace their rows in ``OUT/catalog.duckdb`` and the search index, removed ones go.

A refresh that fails costs the catalog only: the reports are written before it, the
previous catalog stays as it was (``catalog.sync`` writes copies), and the failure is
recorded in the run's outcome (and its log). The catalog remembers which report files
it holds, so the next run's refresh, or ``survey-ingest catalog OUT``, picks up what
this one missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extractors.errors import one_line


@dataclass
class CatalogRefresh:
    """What became of a run's catalog refresh."""

    summary: str | None = None  # "23 reports (2 read, 0 removed) in 0.41 s"
    error: str | None = None  # why it failed; the catalog is the previous one
    problems: list[str] = field(default_factory=list)  # report files the catalog could not read

    @property
    def failed(self) -> bool:
        return self.error is not None

    def line(self) -> str:
        return f"catalog failed (previous catalog kept): {self.error}" if self.failed else f"catalog {self.summary}"


def refresh_outputs_catalog(out_dir: Path | str) -> CatalogRefresh:
    """Refresh the catalog of ``out_dir``; never raises (see the module doc). The caller holds the folder's lock."""
    try:
        from catalog.sync import refresh_catalog

        result = refresh_catalog(out_dir)
    except Exception as exc:  # duckdb/sqlite errors, a full disk …: the run's reports stand
        return CatalogRefresh(error=one_line(exc))
    return CatalogRefresh(summary=result.line(), problems=result.problems)
