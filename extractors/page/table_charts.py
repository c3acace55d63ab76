"""Charts, page bands, printer's marks and framed text boxes are not tables: a grid
found in their drawing is dropped.

A bar chart gives the grid finder what a table does: gridlines one way, bar edges the
other, the plot frame around them. What it lacks is a table's two things: rules drawn
between the rows and between the columns (a chart's lines one way are only the edges of
filled bars), and text in most cells (a chart's cells are the gaps between bars and
gridlines). Its scale is printed outside the grid as numbers along an axis.

Slides also stack full-width coloured bands (title bar, lead box) whose edges meet in a
grid; a band reaches the page edges and has no rules. A framed text box (a column, a
note, lined-paper fills under each line) is a grid too, but its text sits in one column
or one row: a table is read by row and column, so it has text in at least two of each.
Print-ready pages carry crop marks in the bleed, outside the page: they meet in a grid too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.page.lines import TextLine
from extractors.page.table_grid import Grid, GridSettings, Segment


@dataclass(frozen=True)
class ChartSettings:
    # A grid direction is unruled when rules (not fill edges) draw less than this share of
    # its lines: a bar chart's bar edges one way. (White-paper tables drawn as filled cells
    # with white gaps still rule a fifth or more of their lines each way.)
    max_unruled_share: float = 0.1
    # Ruled one way only, a grid is a chart once more than this share of its cells is
    # empty (a table has text in nearly every cell; a chart's cells are the gaps).
    one_way_max_empty: float = 0.25
    # Ruled neither way (bars without gridlines), it is a chart past this share.
    unruled_max_empty: float = 0.5
    # A fully ruled grid with more than this share of empty cells and numeric labels along
    # an axis is a chart's plot area.
    ruled_max_empty: float = 0.6
    # Axis labels: at least this many numbers printed within this many line heights outside
    # the grid's bottom or left edge.
    min_axis_labels: int = 3
    axis_gap_lines: float = 2.0
    # A grid without rules whose sides lie this close (points) to the page's sides is a
    # stack of page bands.
    page_edge: float = 2.0
    # A grid reaching further than this (points) outside the page is printer's marks.
    max_bleed: float = 5.0


def drawn_as_bars(grid: Grid, bar_boxes: Sequence[tuple[float, float, float, float]], share: float = 0.8) -> bool:
    """Whether the grid lies within a bar chart's bars (``chart_bars``: a stacked bar's
    segments meet in a grid with a value in every cell, as a table's cells do). A table
    that only holds a chart in some cells reaches well outside its bars."""
    box = grid.bbox
    area = max((box["x1"] - box["x0"]) * (box["bottom"] - box["top"]), 1e-6)
    for x0, top, x1, bottom in bar_boxes:
        w = min(box["x1"], x1) - max(box["x0"], x0)
        h = min(box["bottom"], bottom) - max(box["top"], top)
        if w > 0 and h > 0 and w * h >= share * area:
            return True
    return False


_AXIS_LABEL = re.compile(r"^[\-－+＋]?[0-9０-９][0-9０-９.,．]*\s*[%％]?$")


def _ruled_share(positions: list[float], segments: list[Segment], across: tuple[float, float], tol: float) -> float:
    ruled = sum(
        any(s.ruled and abs(s.pos - p) <= tol and s.start < across[1] and s.end > across[0] for s in segments)
        for p in positions
    )
    return ruled / max(len(positions), 1)


def _axis_labels(grid: Grid, lines: list[TextLine], settings: ChartSettings) -> int:
    box = grid.bbox
    count = 0
    for line in lines:
        reach = settings.axis_gap_lines * line.size
        below = 0 <= line.top - box["bottom"] <= reach and line.x1 > box["x0"] - reach and line.x0 < box["x1"] + reach
        left = 0 <= box["x0"] - line.x1 <= reach and line.bottom > box["top"] and line.top < box["bottom"]
        if below or left:
            count += sum(bool(_AXIS_LABEL.match(word)) for word in line.text.split())
    return count


def _text_columns_and_rows(grid: Grid, cell_chars: list[list[dict]]) -> tuple[int, int]:
    """How many grid columns and rows (of a cell's first) hold text."""
    cols, rows = set(), set()
    for cell, chars in zip(grid.cells, cell_chars, strict=True):
        if any(c["text"].strip() for c in chars):
            cols.add(cell.col)
            rows.add(cell.row)
    return len(cols), len(rows)


def looks_like_chart(
    grid: Grid,
    cell_chars: list[list[dict]],
    lines: list[TextLine],
    page_box: tuple,
    settings: ChartSettings = ChartSettings(),
    grid_settings: GridSettings | None = None,
) -> bool:
    """Whether a grid is a chart's drawing or page bands; ``cell_chars`` are the chars of
    each grid cell, ``page_box`` the page's (x0, top, x1, bottom)."""
    box = grid.bbox
    bleed = max(page_box[0] - box["x0"], page_box[1] - box["top"], box["x1"] - page_box[2], box["bottom"] - page_box[3])
    if bleed > settings.max_bleed:
        return True
    tol = (grid_settings or GridSettings()).snap_tolerance
    text_cols, text_rows = _text_columns_and_rows(grid, cell_chars)
    if text_cols < 2 or text_rows < 2:
        return True
    shares = (
        _ruled_share(grid.xs, grid.verticals, (box["top"], box["bottom"]), tol),
        _ruled_share(grid.ys, grid.horizontals, (box["x0"], box["x1"]), tol),
    )
    empty = sum(not any(c["text"].strip() for c in chars) for chars in cell_chars) / max(len(cell_chars), 1)
    one_way = min(shares) < settings.max_unruled_share < max(shares)
    unruled = max(shares) < settings.max_unruled_share
    if (one_way and empty > settings.one_way_max_empty) or (unruled and empty > settings.unruled_max_empty):
        return True
    full_width = box["x0"] <= page_box[0] + settings.page_edge and box["x1"] >= page_box[2] - settings.page_edge
    if min(shares) < settings.max_unruled_share and full_width:
        return True
    return empty > settings.ruled_max_empty and _axis_labels(grid, lines, settings) >= settings.min_axis_labels
