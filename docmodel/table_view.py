"""Tables as analysts read them: one grid per logical table, parts joined, spans expanded.

A ``TableView`` is what ``SurveyReport.table(key)`` returns and what the analyst exports
(``<stem>.tables.xlsx``, ``<stem>.tables.parquet``) are written from. It reads the
report's cells where they are stored (``tables[].rows``); a logical table only says
which cells, in which order (``logical_tables[].rows``).

Positions are 0-based grid positions of the joined table: ``row`` counts the header
rows once, then the body rows of every part; ``col`` is the printed column. A cell
covering several positions (rowspan/colspan) is listed once, at its top-left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from docmodel.document import Cell, LogicalTable, Note, SurveyReport, Table


@dataclass(frozen=True)
class GridCell:
    """One cell of a joined table at its top-left grid position."""

    id: str
    row: int
    col: int
    rowspan: int
    colspan: int
    is_header: bool
    text: str
    page: int
    table_id: str


@dataclass
class TableView:
    key: str  # caption id ("表2-1"), or the printed table's id when uncaptioned
    caption_id: str | None
    caption: str | None
    caption_unit_id: str | None
    header_rows: int
    n_rows: int
    n_cols: int
    cells: list[GridCell]
    table_ids: list[str]
    pages: list[int]
    notes: list[Note] = field(default_factory=list)
    note_position: str | None = None

    def grid(self) -> list[list[str | None]]:
        """The table as n_rows × n_cols texts; a spanning cell's text repeats over every position it covers."""
        out: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    out[r][c] = cell.text
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """The body rows as a DataFrame; columns from the header rows, spans expanded.

        One header row gives plain column labels, several a ``MultiIndex`` (one level per
        header row), none the column positions 0…n_cols-1. Positions no cell covers are
        None.
        """
        import pandas as pd

        grid = self.grid()
        header, body = grid[: self.header_rows], grid[self.header_rows :]
        if not header:
            columns: pd.Index = pd.RangeIndex(self.n_cols)
        elif len(header) == 1:
            columns = pd.Index(header[0])
        else:
            columns = pd.MultiIndex.from_arrays(header)
        return pd.DataFrame(body, columns=columns, dtype=object)


def _cells(table: Table, rows: list[list[Cell]], first_row: int, header_rows: int) -> list[GridCell]:
    out = []
    for offset, row in enumerate(rows):
        r = first_row + offset
        for cell in row:
            out.append(
                GridCell(
                    id=cell.id,
                    row=r,
                    col=cell.col,
                    rowspan=cell.rowspan,
                    colspan=cell.colspan,
                    is_header=r < header_rows,
                    text=cell.text,
                    page=table.page,
                    table_id=table.id,
                )
            )
    return out


def printed_table_view(table: Table, key: str | None = None) -> TableView:
    """One printed table as it is."""
    return TableView(
        key=key or table.id,
        caption_id=table.caption_id,
        caption=table.caption,
        caption_unit_id=table.caption_unit_id,
        header_rows=table.header_rows,
        n_rows=table.n_rows,
        n_cols=table.n_cols,
        cells=_cells(table, table.rows, 0, table.header_rows),
        table_ids=[table.id],
        pages=[table.page],
        notes=list(table.notes),
        note_position=table.note_position,
    )


def _distinct_notes(notes: Iterable[Note]) -> list[Note]:
    """Notes of all parts, each text once: a legend repeated on every slide is one legend."""
    seen: dict[str, Note] = {}
    for note in notes:
        seen.setdefault(note.text, note)
    return list(seen.values())


def logical_table_view(logical: LogicalTable, tables: dict[str, Table]) -> TableView:
    """A logical table's parts joined: its rows resolved to the parts' cells."""
    by_id = {
        cell.id: (table, cell)
        for ref in logical.parts
        for table in [tables[ref.table_id]]
        for row in table.rows
        for cell in row
    }
    cells = []
    for r, row in enumerate(logical.rows):
        for cell_id in row:
            table, cell = by_id[cell_id]
            cells.append(
                GridCell(
                    id=cell.id,
                    row=r,
                    col=cell.col,
                    rowspan=cell.rowspan,
                    colspan=cell.colspan,
                    is_header=r < logical.header_rows,
                    text=cell.text,
                    page=table.page,
                    table_id=table.id,
                )
            )
    parts = [tables[ref.table_id] for ref in logical.parts]
    first = parts[0]
    return TableView(
        key=logical.caption_id,
        caption_id=logical.caption_id,
        caption=logical.caption,
        caption_unit_id=first.caption_unit_id,
        header_rows=logical.header_rows,
        n_rows=max([len(logical.rows)] + [c.row + c.rowspan for c in cells]),
        n_cols=logical.n_cols,
        cells=cells,
        table_ids=[t.id for t in parts],
        pages=[t.page for t in parts],
        notes=_distinct_notes(n for t in parts for n in t.notes),
        note_position=first.note_position,
    )


def analyst_tables(report: SurveyReport) -> list[TableView]:
    """Every ordinary table of the report once, parts joined, in document order.

    Q&A grid slides are left out (their flat form is ``<stem>.qa.parquet``). The key is
    the caption id when it names one table, else the printed table's id.
    """
    grid_tables = {table_id for grid in report.qa_grids for table_id in grid.table_ids}
    tables = {t.id: t for t in report.tables}
    logical_by_first = {lt.parts[0].table_id: lt for lt in report.logical_tables}
    in_logical = {ref.table_id for lt in report.logical_tables for ref in lt.parts}
    captions = [t.caption_id for t in report.tables if t.caption_id and t.id not in in_logical]
    views = []
    for table in report.tables:
        if table.id in logical_by_first:
            views.append(logical_table_view(logical_by_first[table.id], tables))
        elif table.id not in in_logical and table.id not in grid_tables:
            unique = (
                table.caption_id
                and captions.count(table.caption_id) == 1
                and table.caption_id not in {lt.caption_id for lt in report.logical_tables}
            )
            views.append(printed_table_view(table, table.caption_id if unique else table.id))
    return views


def find_table(report: SurveyReport, key: str) -> TableView:
    """The table a consumer names: a caption id ("表2-1", parts joined) or a printed table id ("p9-t0")."""
    for view in analyst_tables(report):
        if view.key == key:
            return view
    for table in report.tables:
        if table.id == key:
            return printed_table_view(table)
    keys = ", ".join(v.key for v in analyst_tables(report))
    raise KeyError(f"no table {key!r} in {report.source.file} (tables: {keys})")
