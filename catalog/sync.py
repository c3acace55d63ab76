"""Build or refresh the catalog of an output folder: ``catalog.duckdb`` and
``catalog.search.sqlite`` brought in line with the report files the folder holds.

The catalog is changed in a temp copy beside it (``exporters.files.atomic_file``: a new
file for a build, a copy of the current one for a refresh), fsynced and renamed over
it: a reader sees the old catalog or the new one, and a run killed half-way leaves the
previous one (and a temp file the next run holding the folder's lock removes). The
search index is built the same way and refreshed in place, in one SQLite transaction
(``catalog.search_index``), with the same guarantees. Each
file records which report files it holds, so a refresh reads only the reports written
or changed since, and drops the ones removed; a file missing, unreadable or of an older
format is rebuilt whole.

Called by the caller holding the output folder's lock (``flows.locking``): two runs
never write the catalog at once.
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from catalog import duck_store, search_index
from catalog.plan import FileState, Recorded, ReportKey, SyncPlan, folder_files, keys_to_insert, plan_sync
from catalog.report_rows import NotAReport, ReportRows, read_report
from exporters.files import atomic_file
from extractors.errors import one_line

CATALOG_NAME = "catalog.duckdb"
SEARCH_NAME = "catalog.search.sqlite"


@dataclass
class CatalogResult:
    """What one build or refresh did."""

    reports: int = 0  # reports in the catalog afterwards
    read: list[str] = field(default_factory=list)  # report files read (new or changed)
    removed: list[str] = field(default_factory=list)  # report files gone from the folder
    problems: list[str] = field(default_factory=list)  # one line per file that is no readable report
    seconds: float = 0.0

    def line(self) -> str:
        line = f"{self.reports} reports ({len(self.read)} read, {len(self.removed)} removed) in {self.seconds:.2f} s"
        return line + (f"; {len(self.problems)} files skipped" if self.problems else "")


def build_catalog(out_dir: Path | str) -> CatalogResult:
    """Both catalog files of ``out_dir`` made again from every report in it."""
    return _sync(Path(out_dir), rebuild=True)


def refresh_catalog(out_dir: Path | str) -> CatalogResult:
    """Both catalog files of ``out_dir`` brought in line with its reports (made when missing)."""
    return _sync(Path(out_dir), rebuild=False)


class _Reports:
    """Report files read at most once per sync (both stores want the same ones)."""

    def __init__(self, out_dir: Path, result: CatalogResult):
        self.out_dir, self.result = out_dir, result
        self.cache: dict[str, ReportRows | None] = {}

    def get(self, name: str) -> ReportRows | None:
        if name not in self.cache:
            try:
                self.cache[name] = read_report(self.out_dir / name)
            except NotAReport as exc:
                self.cache[name] = None
                self.result.problems.append(str(exc))
            except OSError as exc:  # removed while we read: the next refresh drops it
                self.cache[name] = None
                self.result.problems.append(f"{name}: {exc.strerror or exc}")
            except Exception as exc:  # a report file damaged some other way costs that report only
                self.cache[name] = None
                self.result.problems.append(f"{name}: cannot be read ({one_line(exc)})")
        return self.cache[name]

    def key(self, name: str) -> ReportKey | None:
        rows = self.get(name)
        return (rows.report, rows.report_sha256) if rows is not None else None


class _Unchanged(Exception):
    """Nothing to change in a store: its temp copy is dropped, the file left as it was."""


def _sync(out_dir: Path, rebuild: bool) -> CatalogResult:
    started = time.perf_counter()
    result = CatalogResult()
    _remove_stale_wal(out_dir)
    files = folder_files(out_dir)
    reports = _Reports(out_dir, result)
    held: dict[str, ReportKey | None] = {}
    for target, store in ((out_dir / CATALOG_NAME, duck_store), (out_dir / SEARCH_NAME, search_index)):
        try:
            held = _sync_store(target, store, rebuild, files, reports, result)
        except _Unchanged as unchanged:
            held = unchanged.args[0]
    result.reports = len({key for key in held.values() if key is not None})
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _sync_store(
    target: Path, store, rebuild: bool, files: dict[str, FileState], reports: _Reports, result: CatalogResult
) -> dict[str, ReportKey | None]:
    """Bring one store file in line with ``files``; returns the report key each file holds."""
    if store.IN_PLACE and not rebuild and target.is_file():
        con = store.connect(target, in_place=True)
        try:
            recorded = store.recorded(con)
            if recorded is not None:
                return _apply(con, store, recorded, files, reports, result)
        finally:
            con.close()
    with atomic_file(target) as tmp:
        recorded = None
        if not rebuild and target.is_file():
            shutil.copyfile(target, tmp)
            try:
                con = store.connect(tmp)
            except Exception:  # not a database of ours: made again below
                con = None
            recorded = store.recorded(con) if con is not None else None
            if recorded is None and con is not None:
                con.close()
        if recorded is None:
            tmp.unlink(missing_ok=True)
            con = store.connect(tmp)
            store.create(con)
        try:
            return _apply(con, store, recorded, files, reports, result)
        finally:
            con.close()


def _apply(
    con, store, recorded: dict[str, Recorded] | None, files: dict[str, FileState], reports: _Reports, result
) -> dict[str, ReportKey | None]:
    """Plan against what the store ``recorded`` (None: a new store) and change it through ``con``."""
    fresh = recorded is None
    plan = plan_sync(files, recorded or {})
    read_keys = {name: reports.key(name) for name in plan.read}
    held = {name: r.key for name, r in (recorded or {}).items() if name in files} | read_keys
    if plan.empty and not fresh:
        raise _Unchanged(held)
    inserts = keys_to_insert(plan, recorded or {}, read_keys)
    record = {name: Recorded(files[name], key) for name, key in read_keys.items()}
    if store is duck_store:
        duck_store.apply(con, plan.drop_keys, _table_rows(inserts, reports), plan.gone, record)
    else:
        search_index.apply(con, plan.drop_keys, _unit_rows(inserts, reports), plan.gone, record, fresh)
    _note(result, plan)
    return held


def _table_rows(inserts: dict[ReportKey, str], reports: _Reports) -> dict[str, list[pa.Table]]:
    rows: dict[str, list[pa.Table]] = defaultdict(list)
    for name in inserts.values():
        if (report := reports.get(name)) is not None:
            for table, batch in report.tables.items():
                rows[table].append(batch)
    return rows


def _unit_rows(inserts: dict[ReportKey, str], reports: _Reports) -> dict:
    out = {}
    for key, name in inserts.items():
        if (report := reports.get(name)) is not None:
            out[key] = (report.units, report.tables["tokens"])
    return out


def _note(result: CatalogResult, plan: SyncPlan) -> None:
    result.read = sorted(set(result.read) | set(plan.read))
    result.removed = sorted(set(result.removed) | set(plan.gone))


def _remove_stale_wal(out_dir: Path) -> None:
    """DuckDB's write-ahead log of a temp catalog a killed run left (``.catalog.duckdb.…tmp.wal``)."""
    for path in out_dir.glob(f".{CATALOG_NAME}.*.tmp.wal"):
        path.unlink(missing_ok=True)
