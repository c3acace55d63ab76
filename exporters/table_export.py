"""Ordinary tables for analysts: ``<stem>.tables.xlsx`` and ``<stem>.tables.parquet``.

Both hold every ordinary table once, parts printed over several slides joined
(``docmodel.table_view.analyst_tables``); Q&A grid slides are in ``<stem>.qa.*``.

- XLSX: one sheet per table, named by its key (caption id, e.g. 表2-1, or the printed
  table id when uncaptioned). The caption is in A1, the grid starts at A3: spanning
  cells are merged ranges, header rows bold on grey (and frozen). The ※ notes follow the
  grid after a blank row, wherever the slide prints them (``note_position`` in the JSON
  says where). The grid's range is also the sheet-scoped defined name ``grid``.
- Each chart read as data (``exporters.chart_export``) is a sheet after the tables, named
  by its caption id (図表4) or figure id (p3-f0).
- Parquet, long form: one row per cell at its top-left position (columns in
  ``TABLE_CELL_SCHEMA``); a spanning cell is one row with its rowspan/colspan. Column
  names are SQL-safe (``table_key``, ``row_index``, ``col_index``: ``table`` and ``row``
  are SQL keywords) and the same as the catalog's ``table_cells`` (``catalog``), with the
  ``report`` column first, so ``read_parquet('out/*.tables.parquet')`` needs no file names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from docmodel.document import SurveyReport
from docmodel.table_view import TableView
from exporters.chart_export import chart_key, read_charts, write_chart_sheet
from exporters.files import atomic_file

TABLE_CELL_SCHEMA = pa.schema(
    [
        ("report", pa.string()),  # the ingested PDF's file name (source.file), as in <stem>.qa.parquet
        ("table_key", pa.string()),  # the table's key: caption id, or printed table id when uncaptioned
        ("caption_id", pa.string()),
        ("caption", pa.string()),
        ("cell_id", pa.string()),  # unit id of the cell (tables[].rows[][].id in the JSON)
        ("table_id", pa.string()),  # the printed part the cell is on
        ("row_index", pa.int32()),  # 0-based grid row of the joined table (header rows count once)
        ("col_index", pa.int32()),
        ("rowspan", pa.int32()),
        ("colspan", pa.int32()),
        ("is_header", pa.bool_()),
        ("text", pa.string()),
        ("page", pa.int32()),
    ]
)
XLSX_SUFFIX = ".tables.xlsx"
PARQUET_SUFFIX = ".tables.parquet"
GRID_NAME = "grid"
GRID_TOP_ROW = 3  # caption in row 1, a blank row, then the grid
MAX_SHEET_NAME = 31  # Excel's limit
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def table_cells(report: SurveyReport) -> pa.Table:
    rows = [
        {
            "report": report.source.file,
            "table_key": view.key,
            "caption_id": view.caption_id,
            "caption": view.caption,
            "cell_id": cell.id,
            "table_id": cell.table_id,
            "row_index": cell.row,
            "col_index": cell.col,
            "rowspan": cell.rowspan,
            "colspan": cell.colspan,
            "is_header": cell.is_header,
            "text": cell.text,
            "page": cell.page,
        }
        for view in report.analyst_tables()
        for cell in view.cells
    ]
    return pa.Table.from_pylist(rows, schema=TABLE_CELL_SCHEMA)


def sheet_names(views: list[TableView], more_keys: list[str] = []) -> list[str]:  # noqa: B006 (read only)
    """A valid, unique sheet name per table, from its key (then per chart, from ``more_keys``)."""
    names: list[str] = []
    for key in [view.key for view in views] + more_keys:
        base = _SHEET_UNSAFE.sub("_", key)[:MAX_SHEET_NAME] or "table"
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f"~{n}"
            name, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _put(ws, row: int, col: int, text: str | None):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = ws.cell(row=row, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", text) if text else None)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # a text starting with "=" is text, not a formula
    return cell


def _write_sheet(ws, view: TableView) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName

    _put(ws, 1, 1, view.caption or view.key).font = Font(bold=True)
    top = GRID_TOP_ROW  # a blank row between the caption and the grid
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in view.cells:
        target = _put(ws, top + cell.row, 1 + cell.col, cell.text)
        target.alignment = wrap
        if cell.is_header:
            target.font, target.fill = header_font, header_fill
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=top + cell.row,
                start_column=1 + cell.col,
                end_row=top + cell.row + cell.rowspan - 1,
                end_column=cell.col + cell.colspan,
            )
    bottom = top + view.n_rows - 1
    ref = f"$A${top}:${get_column_letter(max(view.n_cols, 1))}${bottom}"
    ws.defined_names[GRID_NAME] = DefinedName(GRID_NAME, attr_text=f"{quote_sheetname(ws.title)}!{ref}")
    if view.header_rows:
        ws.freeze_panes = ws.cell(row=top + view.header_rows, column=1)
    for n, note in enumerate(view.notes):
        _put(ws, bottom + 2 + n, 1, note.text)
    for col in range(1, view.n_cols + 1):
        ws.column_dimensions[get_column_letter(col)].width = 24


def write_tables_xlsx(report: SurveyReport, path: Path) -> Path:
    from openpyxl import Workbook

    views = report.analyst_tables()
    charts = read_charts(report)
    names = sheet_names(views, [chart_key(figure) for figure in charts])
    wb = Workbook()
    wb.remove(wb.active)
    for view, name in zip(views, names, strict=False):
        _write_sheet(wb.create_sheet(name), view)
    # Each chart read as data is a sheet too, after the tables.
    for figure, name in zip(charts, names[len(views) :], strict=True):
        write_chart_sheet(wb.create_sheet(name), figure, _put)
    if not views and not charts:
        wb.create_sheet("no tables")
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


def write_table_exports(report: SurveyReport, out_dir: Path | str, stem: str) -> list[Path]:
    """Write ``<stem>.tables.xlsx`` and ``<stem>.tables.parquet``; returns their paths."""
    out_dir = Path(out_dir)
    xlsx = write_tables_xlsx(report, out_dir / f"{stem}{XLSX_SUFFIX}")
    parquet = out_dir / f"{stem}{PARQUET_SUFFIX}"
    with atomic_file(parquet) as tmp:
        pq.write_table(table_cells(report), tmp)
    return [xlsx, parquet]
