"""The DuckDB catalog file: the tables of ``catalog.tables`` plus ``catalog_files`` (the
report files it holds, for the next refresh) and ``catalog_meta`` (its format).

Changed in a copy (``catalog.sync`` does the copying and the rename): DuckDB lets one
process write a file and nobody else open it meanwhile, so readers keep the old file
until the new one is renamed over it. The copy is opened once per sync (opening a
DuckDB file costs a noticeable part of a refresh): its records are read, then changed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from catalog.plan import FileState, Recorded, ReportKey
from catalog.tables import TABLES

FORMAT = "1"
IN_PLACE = False  # always changed in a copy (see the module doc)
FILES_TABLE = "catalog_files"
META_TABLE = "catalog_meta"


def connect(path: Path, in_place: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path))


def recorded(con: duckdb.DuckDBPyConnection) -> dict[str, Recorded] | None:
    """The files the catalog holds; None when it is unreadable or of another format."""
    try:
        if con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'format'").fetchone() != (FORMAT,):
            return None
        rows = con.execute(f"SELECT output, mtime_ns, size_bytes, report, report_sha256 FROM {FILES_TABLE}")
        return {
            name: Recorded(FileState(mtime, size), (report, sha) if report is not None else None)
            for name, mtime, size, report, sha in rows.fetchall()
        }
    except duckdb.Error:
        return None


def create(con: duckdb.DuckDBPyConnection) -> None:
    for name, schema in TABLES.items():
        con.register("empty_rows", schema.empty_table())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM empty_rows")
        con.unregister("empty_rows")
    con.execute(
        f"CREATE TABLE {FILES_TABLE} (output VARCHAR PRIMARY KEY, mtime_ns BIGINT, size_bytes BIGINT, "
        "report VARCHAR, report_sha256 VARCHAR)"
    )
    con.execute(f"CREATE TABLE {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(f"INSERT INTO {META_TABLE} VALUES ('format', ?)", [FORMAT])


def apply(
    con: duckdb.DuckDBPyConnection,
    drop_keys: set[ReportKey],
    rows: dict[str, list[pa.Table]],
    forget: list[str],
    record: dict[str, Recorded],
) -> None:
    """Delete ``drop_keys``' rows, insert ``rows`` (table → the reports' row batches),
    forget the files ``forget`` and record ``record``, in one transaction."""
    con.execute("BEGIN")
    if drop_keys:
        keys = sorted(drop_keys)
        con.register("dropped", pa.table({"report": [k[0] for k in keys], "report_sha256": [k[1] for k in keys]}))
        for name in TABLES:
            con.execute(
                f"DELETE FROM {name} WHERE (report, report_sha256) IN (SELECT report, report_sha256 FROM dropped)"
            )
    for name, batches in rows.items():
        batches = [batch for batch in batches if batch.num_rows]
        if batches:
            con.register("new_rows", pa.concat_tables(batches))
            con.execute(f"INSERT INTO {name} SELECT * FROM new_rows")
            con.unregister("new_rows")
    for name in [*forget, *record]:
        con.execute(f"DELETE FROM {FILES_TABLE} WHERE output = ?", [name])
    for name, entry in record.items():
        report, sha = entry.key if entry.key is not None else (None, None)
        con.execute(
            f"INSERT INTO {FILES_TABLE} VALUES (?, ?, ?, ?, ?)",
            [name, entry.state.mtime_ns, entry.state.size_bytes, report, sha],
        )
    con.execute("COMMIT")
    con.execute("CHECKPOINT")  # everything in the one file before it is renamed
