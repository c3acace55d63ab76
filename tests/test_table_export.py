"""Tables for analysts: report.table(...).to_dataframe(), <stem>.tables.xlsx and
<stem>.tables.parquet hold every corpus table, cell for cell.

The reports here are built from the corpus truth (what a perfect table stage hands over),
so each expected grid is the truth's own: the test checks the export, not extraction.
"""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers import CORPUS

from docmodel.document import BBox, Cell, DocumentInfo, PipelineInfo, Source, SurveyReport, Table
from evaluation.tables import _positions
from evaluation.truth import TruthTable, load_truth, truth_tables
from exporters.table_export import GRID_NAME, GRID_TOP_ROW, TABLE_CELL_SCHEMA, sheet_names, write_table_exports
from extractors.document.qa_grid import extract_qa_grids
from extractors.document.table_join import join_logical_tables
from extractors.document.unit_ids import number_report_units, number_table_units

STEMS = sorted(p.stem for p in CORPUS.glob("*.yaml"))
BOX = BBox(x0=0, top=0, x1=1, bottom=1)


def as_table(truth: TruthTable) -> Table:
    positions = _positions(truth.rows)
    rows: list[list[Cell]] = [[] for _ in truth.rows]
    for (r, c), cell in sorted(positions.items()):
        rows[r].append(
            Cell(row=r, col=c, rowspan=cell.rowspan, colspan=cell.colspan, text=cell.text, raw_text=cell.text, bbox=BOX)
        )
    n_cols = max(c + cell.colspan for (r, c), cell in positions.items())
    return Table(
        id=f"p{truth.page}-t0",
        page=truth.page,
        bbox=BOX,
        caption=truth.caption,
        caption_id=truth.caption_id,
        part=truth.part,
        n_rows=len(rows),
        n_cols=n_cols,
        header_rows=truth.header_rows,
        notes=truth.notes,
        note_position=truth.note_position,
        rows=rows,
    )


def truth_report(stem: str) -> tuple[SurveyReport, list[TruthTable]]:
    truths = truth_tables(load_truth(CORPUS / f"{stem}.yaml"))
    tables = [as_table(t) for t in truths]
    number_table_units(tables)
    grids = extract_qa_grids(tables)
    grid_ids = {table_id for grid in grids for table_id in grid.table_ids}
    report = SurveyReport(
        source=Source(file=f"{stem}.pdf", sha256="0" * 64, size_bytes=1, page_count=max(t.page for t in truths)),
        document=DocumentInfo(),
        pipeline=PipelineInfo(version="test", nlp=False),
        pages=[],
        blocks=[],
        tables=tables,
        logical_tables=join_logical_tables([t for t in tables if t.id not in grid_ids]),
        qa_grids=grids,
    )
    return number_report_units(report), truths


def expanded(truth: TruthTable) -> list[list[str]]:
    """The truth table as rows × columns, a spanning cell's text at every position it covers."""
    positions = _positions(truth.rows)
    n_cols = max(c + cell.colspan for (r, c), cell in positions.items())
    grid: list[list[str | None]] = [[None] * n_cols for _ in truth.rows]
    for (r, c), cell in positions.items():
        for i in range(cell.rowspan):
            for j in range(cell.colspan):
                grid[r + i][c + j] = cell.text
    return grid


def expected_grids(report: SurveyReport, truths: list[TruthTable]) -> dict[str, list[list[str]]]:
    """Table key → the truth's expanded grid; parts joined (the first part's header once)."""
    by_page = {t.page: t for t in truths}
    out = {}
    for view in report.analyst_tables():
        parts = [by_page[int(table_id[1:].split("-")[0])] for table_id in view.table_ids]
        grid = expanded(parts[0])
        for part in parts[1:]:
            grid += expanded(part)[part.header_rows :]
        out[view.key] = grid
    return out


@pytest.fixture(scope="module", params=STEMS)
def corpus(request):
    report, truths = truth_report(request.param)
    return request.param, report, truths


def test_every_truth_table_is_exported_once(corpus):
    _, report, truths = corpus
    views = report.analyst_tables()
    shown = [table_id for view in views for table_id in view.table_ids]
    grid_parts = {table_id for grid in report.qa_grids for table_id in grid.table_ids}
    assert len(shown) == len(set(shown))
    assert sorted(shown) == sorted(f"p{t.page}-t0" for t in truths if f"p{t.page}-t0" not in grid_parts)
    assert {t.kind for t in truths if f"p{t.page}-t0" in grid_parts} == {"qa_grid"}
    assert any(len(view.table_ids) > 1 for view in views)  # a table printed in parts, joined


def test_to_dataframe_matches_the_truth_cell_for_cell(corpus):
    _, report, truths = corpus
    for key, grid in expected_grids(report, truths).items():
        view = report.table(key)
        frame = view.to_dataframe()
        header, body = grid[: view.header_rows], grid[view.header_rows :]
        assert frame.values.tolist() == body, key
        if view.header_rows == 0:
            assert list(frame.columns) == list(range(view.n_cols))
        elif view.header_rows == 1:
            assert list(frame.columns) == header[0]
        else:
            assert isinstance(frame.columns, pd.MultiIndex) and frame.columns.nlevels == view.header_rows
            assert list(frame.columns) == list(zip(*header, strict=True)), key


def test_every_printed_table_by_id_matches_the_truth(corpus):
    """Q&A grid slides too: report.table("p37-t0") is the printed slide."""
    _, report, truths = corpus
    for truth in truths:
        view = report.table(f"p{truth.page}-t0")
        assert view.grid() == expanded(truth)
        assert view.header_rows == truth.header_rows


def test_unknown_table_says_what_there_is(corpus):
    _, report, _ = corpus
    with pytest.raises(KeyError, match="表9-99.*tables: "):
        report.table("表9-99")


def _read_sheet(ws) -> list[list[str]]:
    ((title, ref),) = ws.defined_names[GRID_NAME].destinations
    assert title == ws.title
    cells = ws[ref.replace("$", "")]
    values = {(c.row, c.column): c.value for row in cells for c in row}
    for merged in ws.merged_cells.ranges:
        top_left = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[r, c] = top_left
    rows = sorted({r for r, _ in values})
    cols = sorted({c for _, c in values})
    return [[values[r, c] if values[r, c] is not None else "" for c in cols] for r in rows]


def test_xlsx_and_parquet_round_trip(corpus, tmp_path):
    from openpyxl import load_workbook

    stem, report, truths = corpus
    xlsx, parquet = write_table_exports(report, tmp_path, stem)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem}.tables.parquet", f"{stem}.tables.xlsx"]
    views = report.analyst_tables()
    expected = expected_grids(report, truths)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == sheet_names(views)
    for view, ws in zip(views, wb.worksheets, strict=True):
        assert _read_sheet(ws) == [[text or "" for text in row] for row in expected[view.key]], view.key
        assert ws["A1"].value == (view.caption or view.key) and ws["A1"].font.b
        spanning = [c for c in view.cells if c.rowspan > 1 or c.colspan > 1]
        assert len(ws.merged_cells.ranges) == len(spanning)
        ((_, ref),) = ws.defined_names[GRID_NAME].destinations
        top = int(ref.split(":")[0].split("$")[-1])
        assert top == GRID_TOP_ROW and ws.cell(2, 1).value is None
        for cell in view.cells:
            assert ws.cell(top + cell.row, 1 + cell.col).font.b == cell.is_header
        # Notes below the grid, after a blank row; a legend repeated on every part once.
        assert len({n.text for n in view.notes}) == len(view.notes)
        parts = [t for t in report.tables if t.id in view.table_ids]
        assert {n.text for n in view.notes} == {n.text for t in parts for n in t.notes}
        below = top + view.n_rows + 1
        assert [ws.cell(below + n, 1).value for n in range(len(view.notes))] == [n.text for n in view.notes]
        assert ws.max_row == (below + len(view.notes) - 1 if view.notes else top + view.n_rows - 1)

    long = pq.read_table(parquet)
    assert long.schema == TABLE_CELL_SCHEMA
    frame = long.to_pandas()
    assert len(frame) == sum(len(view.cells) for view in views)
    for view in views:
        rows = frame[frame["table_key"] == view.key]
        grid: list[list[str | None]] = [[None] * view.n_cols for _ in range(view.n_rows)]
        for cell in rows.itertuples():
            for r in range(cell.row_index, cell.row_index + cell.rowspan):
                for c in range(cell.col_index, cell.col_index + cell.colspan):
                    grid[r][c] = cell.text
        assert grid == expected[view.key], view.key
        assert rows["is_header"].tolist() == [r < view.header_rows for r in rows["row_index"]]
    assert set(frame["report"]) == {report.source.file}
