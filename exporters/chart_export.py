"""Chart data for analysts: ``<stem>.charts.parquet`` and a sheet per chart in
``<stem>.tables.xlsx``.

Only figures whose values were read (``series`` not empty) are exported.

- Parquet, long form: one row per category × series (columns in ``CHART_VALUE_SCHEMA``);
  ``measured`` is true where the value was read from the bar's length, not a label.
- XLSX: the caption in A1, the unit in A2, then a grid: categories down column A, one
  column per series; a measured value is set in italics and the sheet says so under it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from docmodel.document import Figure, SurveyReport
from exporters.files import atomic_file

CHART_VALUE_SCHEMA = pa.schema(
    [
        ("report", pa.string()),  # the PDF's file name
        ("page", pa.int32()),
        ("figure_id", pa.string()),
        ("caption_id", pa.string()),
        ("category", pa.string()),
        ("series", pa.string()),  # legend text; null for a single unnamed series
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("measured", pa.bool_()),
        ("unit_id", pa.string()),  # the figure text unit the printed value came from
    ]
)
CHARTS_SUFFIX = ".charts.parquet"
CHART_TOP_ROW = 4  # caption, unit, a blank row, then the grid
MEASURED_NOTE = "Values in italics are measured from the bar's length against the value axis (no label printed)."


def read_charts(report: SurveyReport) -> list[Figure]:
    """The figures whose data was read, in page order."""
    return [figure for figure in report.figures if figure.series]


def chart_values(report: SurveyReport) -> pa.Table:
    rows = [
        {
            "report": report.source.file,
            "page": figure.page,
            "figure_id": figure.id,
            "caption_id": figure.caption_id,
            "category": category,
            "series": series.name,
            "value": value.value,
            "unit": figure.unit,
            "measured": value.measured,
            "unit_id": value.unit_id,
        }
        for figure in read_charts(report)
        for series in figure.series
        for category, value in zip(figure.categories, series.values, strict=False)
    ]
    return pa.Table.from_pylist(rows, schema=CHART_VALUE_SCHEMA)


def chart_key(figure: Figure) -> str:
    """A chart's sheet name before it is made unique: its caption id, else its figure id."""
    return figure.caption_id or figure.id


def write_chart_sheet(ws, figure: Figure, put) -> None:
    """One chart's grid on a worksheet; ``put(ws, row, col, text)`` writes a cell safely."""
    from openpyxl.styles import Font

    put(ws, 1, 1, figure.caption or figure.id).font = Font(bold=True)
    put(ws, 2, 1, f"unit: {figure.unit}" if figure.unit else None)
    top = CHART_TOP_ROW
    put(ws, top, 1, "category").font = Font(bold=True)
    for s, series in enumerate(figure.series, start=2):
        put(ws, top, s, series.name or "value").font = Font(bold=True)
    measured = False
    for r, category in enumerate(figure.categories, start=top + 1):
        put(ws, r, 1, category)
        for s, series in enumerate(figure.series, start=2):
            value = series.values[r - top - 1] if r - top - 1 < len(series.values) else None
            if value is not None and value.value is not None:
                cell = ws.cell(row=r, column=s, value=value.value)
                if value.measured:
                    cell.font = Font(italic=True)
                    measured = True
    if measured:
        put(ws, top + len(figure.categories) + 2, 1, MEASURED_NOTE)
    for n, note in enumerate(figure.notes):
        put(ws, top + len(figure.categories) + 3 + n, 1, note.text)
    ws.column_dimensions["A"].width = 40


def write_chart_parquet(report: SurveyReport, out_dir: Path | str, stem: str) -> list[Path]:
    """Write ``<stem>.charts.parquet``; returns its path."""
    path = Path(out_dir) / f"{stem}{CHARTS_SUFFIX}"
    with atomic_file(path) as tmp:
        pq.write_table(chart_values(report), tmp)
    return [path]
