"""What a store of the catalog must change to match the output folder.

Each store (the DuckDB catalog, the search index) records the report files it holds:
name, mtime, size and the report key read from it. Against the folder's report files
that gives the files that changed or appeared (read them again), the files that went,
and from those the report keys whose rows go and the ones whose rows come in.

Two files can hold one report key (``run`` gives an input of the same content under
another name a byte-for-byte copy of the outputs): its rows are in the store once, and
stay while any file holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.report_rows import is_report_file

ReportKey = tuple[str, str]  # (report, report_sha256)


@dataclass(frozen=True)
class FileState:
    mtime_ns: int
    size_bytes: int


@dataclass(frozen=True)
class Recorded:
    """A report file as a store recorded it; ``key`` is None for a file that is no report."""

    state: FileState
    key: ReportKey | None


@dataclass
class SyncPlan:
    read: list[str] = field(default_factory=list)  # files new or changed since recorded
    gone: list[str] = field(default_factory=list)  # recorded files no longer in the folder
    drop_keys: set[ReportKey] = field(default_factory=set)  # rows to delete (before inserting)

    @property
    def empty(self) -> bool:
        return not self.read and not self.gone


def folder_files(out_dir: Path) -> dict[str, FileState]:
    """The report files (``<stem>.json``) of the folder with their mtime and size."""
    files = {}
    for path in out_dir.iterdir():
        if is_report_file(path) and path.is_file():
            stat = path.stat()
            files[path.name] = FileState(stat.st_mtime_ns, stat.st_size)
    return files


def plan_sync(files: dict[str, FileState], recorded: dict[str, Recorded]) -> SyncPlan:
    plan = SyncPlan()
    plan.read = sorted(name for name, state in files.items() if name not in recorded or recorded[name].state != state)
    plan.gone = sorted(name for name in recorded if name not in files)
    plan.drop_keys = {key for name in plan.read + plan.gone if (key := recorded.get(name, _NONE).key) is not None}
    return plan


_NONE = Recorded(FileState(0, 0), None)


def keys_to_insert(
    plan: SyncPlan, recorded: dict[str, Recorded], read_keys: dict[str, ReportKey | None]
) -> dict[ReportKey, str]:
    """Report key → the file to take its rows from: every key a file read now has, and a
    dropped key another (unchanged) file still holds."""
    kept = {name: record.key for name, record in recorded.items() if name not in plan.gone and name not in plan.read}
    present = {key for key in kept.values() if key is not None} - plan.drop_keys
    out: dict[ReportKey, str] = {}
    for name, key in sorted({**kept, **read_keys}.items()):
        if key is not None and key not in present and key not in out:
            out[key] = name
    return out
