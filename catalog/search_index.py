"""The search index file: SQLite FTS5 over every text unit of every report.

Why SQLite: DuckDB's full-text extension is not part of the DuckDB package; loading it
downloads it (``INSTALL fts``), which an offline machine cannot do. FTS5 is built into
the ``sqlite3`` module Python ships, and ranks with BM25 (``bm25()``).

One FTS5 row per text unit: two indexed columns, ``words`` (NLP lemmas, empty for a
report ingested without NLP) and ``grams`` (character bigrams, always), see
``catalog.terms``; the unit's key, kind, page and text ride along unindexed.
``unit_keys`` maps each row to its report so a report's rows are found without a scan;
``indexed_files`` and ``index_meta`` play the roles of the catalog's tables of the same
purpose.

Built in a temp file and renamed (``catalog.sync``); refreshed in place, in one
transaction in WAL mode: searches keep reading the last committed index while it is
written, and a refresh killed half-way leaves uncommitted pages readers never see
(SQLite drops them when the file is next opened). That saves copying the index, the
larger of the two catalog files, for every refresh.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

import pyarrow as pa

from catalog.plan import FileState, Recorded, ReportKey
from catalog.terms import NON_WORD_UPOS, bigrams, words
from catalog.units import TextUnit

FORMAT = "1"
UNIT_COLUMNS = ("report", "report_sha256", "unit_id", "unit_kind", "page", "parent_id", "text")
# unicode61 keeps a run of letters and digits as one term; diacritics stay (kana marks are no accents).
_CREATE = (
    "CREATE VIRTUAL TABLE units USING fts5(words, grams, "
    + ", ".join(f"{c} UNINDEXED" for c in UNIT_COLUMNS)
    + ", tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TABLE unit_keys (id INTEGER PRIMARY KEY, report TEXT, report_sha256 TEXT)",
    "CREATE INDEX unit_keys_report ON unit_keys (report, report_sha256)",
    "CREATE TABLE indexed_files (output TEXT PRIMARY KEY, mtime_ns INTEGER, size_bytes INTEGER, "
    "report TEXT, report_sha256 TEXT)",
    "CREATE TABLE index_meta (key TEXT PRIMARY KEY, value TEXT)",
)


IN_PLACE = True  # refreshed in the live file (see the module doc); the DuckDB catalog is not


def connect(path: Path, in_place: bool = False) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, timeout=60)
    if in_place:
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")  # WAL: a committed refresh survives a crash of the process
    else:
        # A temp file, fsynced and renamed when done: no journal needed while it is built.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -65536")  # 64 MiB: the index's pages stay in memory while written
    return con


def recorded(con: sqlite3.Connection) -> dict[str, Recorded] | None:
    """The files the index holds; None when it is unreadable or of another format."""
    try:
        if con.execute("SELECT value FROM index_meta WHERE key = 'format'").fetchone() != (FORMAT,):
            return None
        rows = con.execute("SELECT output, mtime_ns, size_bytes, report, report_sha256 FROM indexed_files")
        return {
            name: Recorded(FileState(mtime, size), (report, sha) if report is not None else None)
            for name, mtime, size, report, sha in rows.fetchall()
        }
    except sqlite3.Error:
        return None


def create(con: sqlite3.Connection) -> None:
    for statement in _CREATE:
        con.execute(statement)
    con.execute("INSERT INTO index_meta VALUES ('format', ?)", (FORMAT,))
    # No merging while the whole index is written: one 'optimize' at the end merges once.
    con.execute("INSERT INTO units (units, rank) VALUES ('automerge', 0)")


def unit_words(tokens: pa.Table) -> dict[str, str]:
    """Unit id → its words column, from the report's token rows (lemmas, punctuation left out)."""
    lemmas: dict[str, list[str]] = defaultdict(list)
    if tokens.num_rows:
        for unit_id, lemma, pos in zip(
            tokens["unit_id"].to_pylist(), tokens["lemma"].to_pylist(), tokens["pos"].to_pylist(), strict=True
        ):
            if lemma and pos not in NON_WORD_UPOS:
                lemmas[unit_id].append(lemma)
    return {unit_id: words(found) for unit_id, found in lemmas.items()}


def apply(
    con: sqlite3.Connection,
    drop_keys: set[ReportKey],
    units: dict[ReportKey, tuple[list[TextUnit], pa.Table]],
    forget: list[str],
    record: dict[str, Recorded],
    fresh: bool,
) -> None:
    """Delete ``drop_keys``' units, index ``units`` (report key → its units and token
    rows), forget ``forget`` and record ``record``, in one transaction; a ``fresh`` index
    is merged into one b-tree at the end."""
    con.execute("BEGIN")
    for report, sha in drop_keys:
        con.execute(
            "DELETE FROM units WHERE rowid IN (SELECT id FROM unit_keys WHERE report = ? AND report_sha256 = ?)",
            (report, sha),
        )
        con.execute("DELETE FROM unit_keys WHERE report = ? AND report_sha256 = ?", (report, sha))
    (next_id,) = con.execute("SELECT coalesce(max(id), 0) + 1 FROM unit_keys").fetchone()
    for (report, sha), (found, tokens) in units.items():
        by_unit = unit_words(tokens)
        rows = [
            (next_id + n, by_unit.get(u.unit_id, ""), bigrams(u.text), report, sha, u.unit_id, u.unit_kind)
            + (u.page, u.parent_id, u.text)
            for n, u in enumerate(found)
        ]
        con.executemany(
            f"INSERT INTO units (rowid, words, grams, {', '.join(UNIT_COLUMNS)}) VALUES ({', '.join('?' * 10)})",
            rows,
        )
        con.executemany("INSERT INTO unit_keys VALUES (?, ?, ?)", [(row[0], report, sha) for row in rows])
        next_id += len(rows)
    for name in [*forget, *record]:
        con.execute("DELETE FROM indexed_files WHERE output = ?", (name,))
    con.executemany(
        "INSERT INTO indexed_files VALUES (?, ?, ?, ?, ?)",
        [
            (name, e.state.mtime_ns, e.state.size_bytes, *(e.key if e.key is not None else (None, None)))
            for name, e in record.items()
        ],
    )
    if fresh:
        con.execute("INSERT INTO units (units) VALUES ('optimize')")  # one b-tree: fewer segments to read per query
        con.execute("INSERT INTO units (units, rank) VALUES ('automerge', 4)")  # FTS5's default, for refreshes
    con.execute("COMMIT")
