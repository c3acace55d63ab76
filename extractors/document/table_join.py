"""Tables printed over several slides → one logical table.

A long table is split over slides that repeat the caption with a part number
（1）（2）… and repeat the header rows. The parts share a caption id; the logical
table keeps the header once and the body rows of every part in order, as the ids of
the parts' cells (the cells themselves stay in their printed tables: stored once).
"""

from __future__ import annotations

from docmodel.document import Cell, LogicalTable, Table, TablePartRef
from extractors.text.captions import caption_of


def _header_texts(table: Table) -> list[list[tuple]]:
    return [[(c.col, c.rowspan, c.colspan, "".join(c.text.split())) for c in row] for row in table.rows[: table.header_rows]]


def _ids(row: list[Cell]) -> list[str]:
    return [cell.id for cell in row]


def join_logical_tables(tables: list[Table]) -> list[LogicalTable]:
    """One LogicalTable per caption id printed in parts (or over several slides), in document order."""
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
        out.append(LogicalTable(
            caption_id=caption_id,
            caption=caption.without_part() if (caption := caption_of(first)) else caption_id,
            parts=[TablePartRef(table_id=t.id, page=t.page, part=t.part) for t in parts],
            header_rows=first.header_rows,
            n_cols=max(t.n_cols for t in parts),
            rows=rows,
        ))
    return out
