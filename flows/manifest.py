"""The ingest manifest: which inbox file, with which content, was ingested by which
pipeline and schema version, and what came out of it.

One SQLite file in the output folder (stdlib ``sqlite3``): every record is one
transaction, so a run killed at any moment leaves the manifest as it was after the last
file that finished. The manifest is written only by the process holding the inbox lock
(``flows.locking``); task workers write outputs, never the manifest.
"""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeGuard

MANIFEST_NAME = ".ingest-manifest.sqlite3"
# Bump when the table layout changes; an older manifest is dropped (everything re-ingests).
# 2: status 'partial' and the failed_pages column.
MANIFEST_FORMAT = "2"

OK = "ok"
PARTIAL = "partial"  # a report was written; some of its pages carry an error
ERROR = "error"


@dataclass(frozen=True)
class Entry:
    """What the manifest knows about one inbox file name."""

    file: str  # name in the inbox (no directories)
    stem: str  # its output stem, kept for good: <stem>.json / <stem>.error.json
    sha256: str
    status: str  # OK, PARTIAL or ERROR
    output: str  # file name in the output folder (a duplicate's is its owner's output)
    pipeline_version: str
    schema_version: str
    permanent: bool = True  # for errors: False = transient, retry on the next run
    stage: str | None = None
    reason: str | None = None
    pages: int | None = None
    tables: int | None = None
    qa_grids: int | None = None
    seconds: float | None = None
    duplicate_of: str | None = None  # same content as this inbox file, ingested once
    failed_pages: str | None = None  # PARTIAL: the failed page numbers, "2, 5"
    recorded_at: str = ""


_COLUMNS = [f.name for f in fields(Entry)]

_CREATE = """
CREATE TABLE IF NOT EXISTS entries (
    file TEXT PRIMARY KEY,
    stem TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'error')),
    output TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    permanent INTEGER NOT NULL,
    stage TEXT,
    reason TEXT,
    pages INTEGER,
    tables INTEGER,
    qa_grids INTEGER,
    seconds REAL,
    duplicate_of TEXT,
    failed_pages TEXT,
    recorded_at TEXT NOT NULL
);
"""
_CREATE_INDEX = "CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256)"
_CREATE_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def schema_model_revision(version: str) -> tuple[str, str]:
    """MODEL and REVISION of a SchemaVer ``MODEL-REVISION-ADDITION``: an ADDITION only
    adds optional fields, so old outputs stay valid and need no re-ingest."""
    parts = version.split("-")
    return (parts[0], parts[1] if len(parts) > 1 else "0")


class Manifest:
    """The manifest of one output folder. Use as a context manager."""

    def __init__(self, out_dir: Path | str):
        self.path = Path(out_dir) / MANIFEST_NAME
        # isolation_level=None: we open transactions ourselves, one per record.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        # FULL: a committed record survives a power cut, not only a killed process.
        self._db.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _migrate(self) -> None:
        try:
            current = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.OperationalError:  # a new file: no tables yet
            current = None
        if current == (MANIFEST_FORMAT,):
            return  # opening must not write: readers poll while a run records
        with self._transaction() as db:
            # One statement per execute(): executescript() would commit mid-transaction.
            db.execute(_CREATE_META)
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is not None and row[0] != MANIFEST_FORMAT:
                db.execute("DROP TABLE IF EXISTS entries")
            db.execute(_CREATE)
            db.execute(_CREATE_INDEX)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (MANIFEST_FORMAT,))

    def _transaction(self):
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading --------------------------------------------------------------

    def get(self, file: str) -> Entry | None:
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM entries WHERE file = ?", (file,)).fetchone()
        return _entry(row) if row is not None else None

    def entries(self) -> list[Entry]:
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM entries ORDER BY file").fetchall()
        return [_entry(row) for row in rows]

    def ingested_with(self, sha256: str, pipeline_version: str, schema_version: str) -> Entry | None:
        """An entry that ingested this very content itself (not as a duplicate) with
        these versions, if any: the content need not be ingested again. A partial report
        counts: the same bytes lose the same pages."""
        for row in self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM entries WHERE sha256 = ? AND status IN ('ok', 'partial') "
            "AND duplicate_of IS NULL ORDER BY file",
            (sha256,),
        ):
            entry = _entry(row)
            if is_current(entry, sha256, pipeline_version, schema_version):
                return entry
        return None

    # -- writing --------------------------------------------------------------

    def record(self, entry: Entry) -> Entry:
        """Insert or replace the entry of ``entry.file`` in one committed transaction."""
        if not entry.recorded_at:
            entry = Entry(**{**entry.__dict__, "recorded_at": datetime.now(UTC).isoformat()})
        values = list(astuple(entry))
        values[_COLUMNS.index("permanent")] = int(entry.permanent)
        with self._transaction() as db:
            db.execute(
                f"INSERT OR REPLACE INTO entries ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                values,
            )
        return entry


def is_current(entry: Entry | None, sha256: str, pipeline_version: str, schema_version: str) -> TypeGuard[Entry]:
    """Whether ``entry`` stands for this content made by this pipeline and schema."""
    return (
        entry is not None
        and entry.sha256 == sha256
        and entry.pipeline_version == pipeline_version
        and schema_model_revision(entry.schema_version) == schema_model_revision(schema_version)
    )


def _entry(row) -> Entry:
    data = dict(zip(_COLUMNS, row, strict=False))
    data["permanent"] = bool(data["permanent"])
    return Entry(**data)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on an exception."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type, *_exc) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
