"""Tables printed over several slides → one logical table.

A long table is split over slides that repeat the caption with a part number
（1）（2）… and repeat the header rows. The parts share a caption id; the logical
table keeps the header once and the body rows of every part in order, as the ids of
the parts' cells (the cells themselves stay in their printed tables: stored once).

A list exported from a spreadsheet runs on over pages with no caption at all: each page
repeats the header at the same column borders. A table that opens a page, has no
caption number, and repeats the header of the table that closed the previous page,
border for border, continues it.
"""

from __future__ import annotations

from dataclasses import dataclass

from docmodel.document import Cell, LogicalTable, Table, TablePartRef
from extractors.text.captions import caption_of


@dataclass(frozen=True)
class JoinSettings:
    # Column borders of two pages' headers agree within this many points.
    border_tolerance: float = 2.0


def _header_texts(table: Table) -> list[list[tuple]]:
    return [
        [(c.col, c.rowspan, c.colspan, "".join(c.text.split())) for c in row] for row in table.rows[: table.header_rows]
    ]


def _ids(row: list[Cell]) -> list[str]:
    return [cell.id for cell in row]


def _borders(row: list[Cell]) -> list[tuple[float, float]]:
    return [(c.bbox.x0, c.bbox.x1) for c in row]


def repeated_header_rows(first: Table, later: Table, settings: JoinSettings = JoinSettings()) -> int:
    """How many leading rows ``later`` repeats of ``first``'s header: same text, spans and
    column borders (0 when it repeats none)."""
    count = 0
    for a, b in zip(first.rows[: first.header_rows], later.rows[: max(later.header_rows, 1)], strict=False):
        same_text = [(c.col, c.rowspan, c.colspan, "".join(c.text.split())) for c in a] == [
            (c.col, c.rowspan, c.colspan, "".join(c.text.split())) for c in b
        ]
        pairs = zip(_borders(a), _borders(b), strict=False)
        same_borders = all(
            abs(p - q) <= settings.border_tolerance for pa, pb in pairs for p, q in zip(pa, pb, strict=True)
        )
        if not (same_text and same_borders):
            break
        count += 1
    return count


def continued_lists(tables: list[Table], settings: JoinSettings = JoinSettings()) -> list[list[Table]]:
    """Runs of uncaptioned tables continuing each other over consecutive pages (2+ tables a run)."""
    last_on_page: dict[int, Table] = {}
    first_on_page: dict[int, Table] = {}
    for table in tables:
        last_on_page[table.page] = table
        first_on_page.setdefault(table.page, table)
    runs: list[list[Table]] = []
    for table in tables:
        if table.caption_id or first_on_page[table.page] is not table:
            continue
        before = last_on_page.get(table.page - 1)
        if before is None or before.caption_id or before.n_cols != table.n_cols or not before.header_rows:
            continue
        if repeated_header_rows(before, table, settings) == 0:
            continue
        if runs and runs[-1][-1] is before:
            runs[-1].append(table)
        else:
            runs.append([before, table])
    return runs


def _join_continued(run: list[Table], settings: JoinSettings) -> LogicalTable:
    first = run[0]
    rows = [_ids(row) for row in first.rows]
    for part in run[1:]:
        rows += [_ids(row) for row in part.rows[repeated_header_rows(first, part, settings) :]]
    return LogicalTable(
        caption_id=first.caption or first.id,  # no caption number: the caption, else the first part's id
        caption=first.caption or "",
        parts=[TablePartRef(table_id=t.id, page=t.page, part=None) for t in run],
        header_rows=first.header_rows,
        n_cols=first.n_cols,
        rows=rows,
    )


def join_logical_tables(tables: list[Table], settings: JoinSettings = JoinSettings()) -> list[LogicalTable]:
    """One LogicalTable per caption id printed in parts (or over several slides), then one per
    uncaptioned list continued over pages, in document order."""
    groups: dict[str, list[Table]] = {}
    for table in tables:
        if table.caption_id:
            groups.setdefault(table.caption_id, []).append(table)
    out: list[LogicalTable] = []
    for caption_id, parts in groups.items():
        if len(parts) < 2 and parts[0].part is None:
            continue  # a one-slide table is its own logical table
        parts = sorted(parts, key=lambda t: (t.part if t.part is not None else 0, t.page))
        first = parts[0]
        rows = [_ids(row) for row in first.rows]
        header = _header_texts(first)
        for part in parts[1:]:
            # The repeated header is dropped only where it is the same header.
            skip = part.header_rows if part.header_rows and _header_texts(part) == header else 0
            rows += [_ids(row) for row in part.rows[skip:]]
        out.append(
            LogicalTable(
                caption_id=caption_id,
                caption=caption.without_part() if (caption := caption_of(first)) else caption_id,
                parts=[TablePartRef(table_id=t.id, page=t.page, part=t.part) for t in parts],
                header_rows=first.header_rows,
                n_cols=max(t.n_cols for t in parts),
                rows=rows,
            )
        )
    out += [_join_continued(run, settings) for run in continued_lists(tables, settings)]
    return out
