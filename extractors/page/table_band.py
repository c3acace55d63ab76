"""Title bands: the table's number and title printed as the first row of its drawing.

White papers (DTP, Acrobat) print 「■第1-1-7表／用語の解説」 in a coloured band that
shares the table's frame, so the grid's first row is the caption, not a row of the
table. When the band names a figure (「■第1-3-4図」) the frame holds a figure, not a
table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.page.lines import group_lines
from extractors.page.table_grid import Grid, GridCell, Segment, assign_chars
from extractors.text.captions import parse_caption

# Marks set before a caption number in a band (「■第1-1-7表」).
_LEAD_MARKS = re.compile(r"^[\s■□◆◇●○▲△▼▽★☆◼◻]+")


@dataclass
class TitleBand:
    kind: str  # "table" | "figure"
    text: str  # the caption as printed, lead mark removed
    box: dict  # where the band is printed


def _row_text(grid: Grid, by_cell: list[list[dict]], row: int) -> str:
    cells = sorted((c.col, i) for i, c in enumerate(grid.cells) if c.row == row)
    return "".join(line.text for _, i in cells for line in group_lines(by_cell[i]))


def title_band(grid: Grid, chars: list[dict]) -> TitleBand | None:
    """The grid's first row when it is a title band: its text, read across the row (the
    title runs over the columns below), is a table or figure caption."""
    if grid.n_rows < 3:
        return None
    by_cell = assign_chars(grid, chars)
    caption_text = _LEAD_MARKS.sub("", _row_text(grid, by_cell, 0))
    kind = parse_caption(caption_text).kind
    if kind not in ("table", "figure"):
        return None
    box = {"x0": grid.xs[0], "top": grid.ys[0], "x1": grid.xs[-1], "bottom": grid.ys[1]}
    return TitleBand(kind, caption_text, box)


def _ruled_along(segments: list[Segment], pos: float, start: float, end: float, tol: float) -> bool:
    return any(s.ruled and abs(s.pos - pos) <= tol and s.start < end - tol and s.end > start + tol for s in segments)


def bar_on_top(grid: Grid, chars: list[dict], tol: float = 2.0) -> TitleBand | None:
    """The grid's first row when it is a filled bar set on the table: one cell across every
    column, edged by its fill alone (no rule along its top or its sides), on the table's
    ruled top border. A bar 1pt above the top rule snaps onto it; a row of the table is
    ruled like the rows under it. Its text is the table's title, whatever its wording."""
    if grid.n_rows < 3:
        return None
    first = [c for c in grid.cells if c.row == 0]
    if len(first) != 1 or first[0].colspan != grid.n_cols or first[0].rowspan != 1:
        return None
    x0, x1, top, bottom = grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[1]
    if _ruled_along(grid.horizontals, top, x0, x1, tol):
        return None
    if _ruled_along(grid.verticals, x0, top, bottom, tol) or _ruled_along(grid.verticals, x1, top, bottom, tol):
        return None
    if not all(_covered_ruled(grid.horizontals, bottom, a, b, tol) for a, b in zip(grid.xs, grid.xs[1:], strict=False)):
        return None
    by_cell = assign_chars(grid, chars)
    text = _LEAD_MARKS.sub("", _row_text(grid, by_cell, 0)).strip()
    box = {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
    return TitleBand("table", text, box)


def _covered_ruled(segments: list[Segment], pos: float, start: float, end: float, tol: float) -> bool:
    return any(s.ruled and abs(s.pos - pos) <= tol and s.start <= start + tol and s.end >= end - tol for s in segments)


def below_band(grid: Grid, chars: list[dict]) -> Grid:
    """The grid under its title band, and under the empty spacer rows that follow it."""
    grid = without_first_row(grid)
    by_cell = assign_chars(grid, chars)
    while grid.n_rows > 2 and not _row_text(grid, by_cell, 0).strip():
        grid = without_first_row(grid)
        by_cell = assign_chars(grid, chars)
    return grid


def without_first_row(grid: Grid) -> Grid:
    """The grid below its first row."""
    cells = []
    for c in grid.cells:
        if c.row + c.rowspan <= 1:
            continue
        row = max(c.row - 1, 0)
        rowspan = c.rowspan - (1 if c.row == 0 else 0)
        cells.append(GridCell(row, c.col, rowspan, c.colspan, c.x0, grid.ys[row + 1], c.x1, c.bottom))
    return Grid(grid.xs, grid.ys[1:], cells, grid.horizontals, grid.verticals)
