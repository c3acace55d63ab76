"""Charts and page bands are not tables: a grid found in their drawing is dropped.

A bar chart gives the grid finder what a table does: gridlines one way, bar edges the
other, the plot frame around them. What it lacks is a table's two things: rules drawn
between the rows and between the columns (a chart's lines one way are only the edges of
filled bars), and text in most cells (a chart's cells are the gaps between bars and
gridlines). Its scale is printed outside the grid as numbers along an axis.

Slides also stack full-width coloured bands (title bar, lead box) whose edges meet in a
grid; a band reaches the page edges and has no rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.page.lines import TextLine
from extractors.page.table_grid import Grid, GridSettings, Segment


@dataclass(frozen=True)
class ChartSettings:
    # A grid direction is ruled when rules (not fill edges) draw this share of its lines;
    # a table's rules draw every line of both directions, a bar chart's only one.
    min_ruled_lines: float = 0.5
    # A grid ruled only one way is a chart once more than this share of its cells is empty
    # (a table drawn with fills only, PowerPoint style, has text in nearly every cell).
    fill_drawn_max_empty: float = 0.25
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


_AXIS_LABEL = re.compile(r"^[\-－+＋]?[0-9０-９][0-9０-９.,．]*\s*[%％]?$")


def _ruled_share(positions: list[float], segments: list[Segment], across: tuple[float, float],
                 tol: float) -> float:
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


def looks_like_chart(grid: Grid, cell_chars: list[list[dict]], lines: list[TextLine], page_box: tuple,
                     settings: ChartSettings = ChartSettings(), grid_settings: GridSettings = GridSettings()) -> bool:
    """Whether a grid is a chart's drawing or page bands; ``cell_chars`` are the chars of
    each grid cell, ``page_box`` the page's (x0, top, x1, bottom)."""
    box = grid.bbox
    tol = grid_settings.snap_tolerance
    ruled = min(_ruled_share(grid.xs, grid.verticals, (box["top"], box["bottom"]), tol),
                _ruled_share(grid.ys, grid.horizontals, (box["x0"], box["x1"]), tol))
    empty = sum(not any(c["text"].strip() for c in chars) for chars in cell_chars) / max(len(cell_chars), 1)
    if ruled < settings.min_ruled_lines and empty > settings.fill_drawn_max_empty:
        return True
    full_width = box["x0"] <= page_box[0] + settings.page_edge and box["x1"] >= page_box[2] - settings.page_edge
    if ruled < settings.min_ruled_lines and full_width:
        return True
    return empty > settings.ruled_max_empty and _axis_labels(grid, lines, settings) >= settings.min_axis_labels
