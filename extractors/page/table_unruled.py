"""Partially ruled tables: rows and columns the rules leave out, from aligned text.

Statistics tables (JUST PDF, DTP, Word) rule the header and the group boundaries only:
a ruled band then holds several data rows, one text line each, aligned across the
columns, and the header's column rules stop at the body. Span recovery alone reads such
a band as one tall cell spanning every column. Here the band is split again, but only
on strong evidence (a false split is worse than a missed one):

- columns: a cell spanning columns splits at the header's column lines when its text
  falls into every spanned column, crosses none of those lines, and is numeric in at
  least two of them;
- rows: a band splits into sub-rows when at least two cells hold the same number of
  numeric lines at the same heights. A cell whose lines sit on those heights splits
  with them; a label printed between them (centred on the band) spans the sub-rows,
  and so does a label written down the band (tategaki), and every label in the
  column of either (a row-group column).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from extractors.page.lines import LineMemo, TextLine
from extractors.page.orientation import is_horizontal
from extractors.page.table_grid import Grid, GridCell, assign_chars
from extractors.page.table_text import cell_visual_lines, vertical_text


@dataclass(frozen=True)
class UnruledSettings:
    # Lines of two cells are on one row when their centres are this share of the font size apart.
    align: float = 0.35
    # Cells holding only numbers (and their signs, separators and units) that must agree
    # before a band is split: one column of numbers could be a wrapped figure list.
    min_numeric_cells: int = 2
    # A char crosses a column line when it reaches this far (points) over it.
    cross_margin: float = 0.5


_NUMERIC = re.compile(r"^[\s\-－−+＋△▲]*[0-9０-９][0-9０-９.,．，\s]*[%％]?\s*$")


# Only a cell with a digit can hold figures that set sub-rows.
_DIGIT = re.compile(r"[0-9０-９]")
# A unit printed over a column of figures: 「（千人）」「(%)」.
_UNIT = re.compile(r"^\s*[（(][^（()）]{1,6}[)）]\s*$")


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text))


def _numeric_lines(lines: list[TextLine]) -> bool:
    """Figures, one a line (a unit line among them allowed)."""
    figures = sum(_is_numeric(line.text) for line in lines)
    units = sum(bool(_UNIT.match(line.text)) for line in lines)
    return figures > 0 and figures + units == len(lines)


def _rebuilt(grid: Grid, xs: list[float], ys: list[float], cells: list[GridCell]) -> Grid:
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(xs, ys, cells, grid.horizontals, grid.verticals)


def split_columns(
    grid: Grid, chars: list[dict], settings: UnruledSettings = UnruledSettings(), memo: LineMemo | None = None
) -> Grid:
    """Cells spanning columns whose text sits column by column, split at the column lines."""
    by_cell = assign_chars(grid, chars)
    out: list[GridCell] = []
    changed = False
    for cell, cell_chars in zip(grid.cells, by_cell, strict=True):
        text = [c for c in cell_chars if c["text"].strip()]
        if cell.colspan < 2 or not text:
            out.append(cell)
            continue
        inner = grid.xs[cell.col + 1 : cell.col + cell.colspan]
        crosses = any(
            c["x0"] < x - settings.cross_margin and c["x1"] > x + settings.cross_margin for c in text for x in inner
        )
        columns: dict[int, list[dict]] = {}
        for c in text:
            columns.setdefault(bisect_right(grid.xs, (c["x0"] + c["x1"]) / 2) - 1, []).append(c)
        numeric = sum(_numeric_lines(cell_visual_lines(group, memo=memo)) for group in columns.values())
        if crosses or len(columns) < cell.colspan or numeric < settings.min_numeric_cells:
            out.append(cell)
            continue
        changed = True
        for col in range(cell.col, cell.col + cell.colspan):
            out.append(GridCell(cell.row, col, cell.rowspan, 1, grid.xs[col], cell.top, grid.xs[col + 1], cell.bottom))
    return _rebuilt(grid, grid.xs, grid.ys, out) if changed else grid


@dataclass
class _BandSplit:
    boundaries: list[float]  # y of each new row border inside the band


def _band_split(cells: list[tuple[GridCell, list[TextLine]]], settings: UnruledSettings) -> _BandSplit | None:
    numeric = [(cell, lines) for cell, lines in cells if len(lines) >= 2 and _numeric_lines(lines)]
    if len(numeric) < settings.min_numeric_cells:
        return None
    n = Counter(len(lines) for _, lines in numeric).most_common(1)[0][0]
    refs = [lines for _, lines in numeric if len(lines) == n]
    if len(refs) < settings.min_numeric_cells:
        return None
    size = max(line.size for lines in refs for line in lines)
    for k in range(n):
        mids = [(lines[k].top + lines[k].bottom) / 2 for lines in refs]
        if max(mids) - min(mids) > settings.align * size:
            return None
    boundaries = [
        (max(lines[k].bottom for lines in refs) + min(lines[k + 1].top for lines in refs)) / 2 for k in range(n - 1)
    ]
    return _BandSplit(boundaries)


def _on_sub_rows(lines: list[TextLine], split: _BandSplit, settings: UnruledSettings) -> bool:
    """Every line of the cell lies inside one sub-row; a label centred on the band
    straddles a sub-row border instead (with an odd number of sub-rows its column's
    other labels tell)."""
    edges = [float("-inf"), *split.boundaries, float("inf")]
    for line in lines:
        k = bisect_right(split.boundaries, (line.top + line.bottom) / 2)
        slack = settings.align * line.size
        if line.top < edges[k] - slack or line.bottom > edges[k + 1] + slack:
            return False
    return True


def _one_line_a_sub_row(lines: list[TextLine], split: _BandSplit) -> bool:
    """The cell's k-th line lies in the band's k-th sub-row, for every sub-row."""
    return len(lines) == len(split.boundaries) + 1 and all(
        bisect_right(split.boundaries, (line.top + line.bottom) / 2) == k for k, line in enumerate(lines)
    )


def split_rows(
    grid: Grid, chars: list[dict], settings: UnruledSettings = UnruledSettings(), memo: LineMemo | None = None
) -> Grid:
    """Ruled bands holding several aligned rows of numbers, split into those rows."""
    by_cell = assign_chars(grid, [c for c in chars if is_horizontal(c)])
    # Lines are measured only where figures could be (a cheap look at the chars first).
    figures = [any(_DIGIT.match(c["text"]) for c in cell_chars) for cell_chars in by_cell]
    lines_of: list[list[TextLine]] = [
        cell_visual_lines(cell_chars, memo=memo) if figure else []
        for cell_chars, figure in zip(by_cell, figures, strict=True)
    ]
    splits: dict[int, _BandSplit] = {}
    for row in range(grid.n_rows):
        band = [(cell, lines_of[i]) for i, cell in enumerate(grid.cells) if cell.row == row and cell.rowspan == 1]
        split = _band_split(band, settings)
        if split is not None:
            splits[row] = split
    if not splits:
        return grid
    for i, cell in enumerate(grid.cells):
        if cell.row in splits and not figures[i]:
            lines_of[i] = cell_visual_lines(by_cell[i], memo=memo)
    # A column holding a band-spanning label in any split band is a row-group column.
    spanning: set[int] = set()
    group_columns: set[int] = set()
    for i, cell in enumerate(grid.cells):
        split = splits.get(cell.row) if cell.rowspan == 1 else None
        if split is None:
            continue
        lines = lines_of[i]
        # A label written down the band (one glyph a line) names the whole group; glyphs
        # stacked one a sub-row (「…」 for no figure under a unit) are the rows' data.
        vertical = not _one_line_a_sub_row(lines, split) and vertical_text(by_cell[i]) is not None
        if lines and (not _on_sub_rows(lines, split, settings) or vertical):
            spanning.add(i)
            group_columns.add(cell.col)
    for i, cell in enumerate(grid.cells):
        if cell.row in splits and cell.rowspan == 1 and cell.col in group_columns and lines_of[i]:
            spanning.add(i)

    ys: list[float] = []
    first_row: list[int] = []  # new index of each old row's first sub-row
    for row in range(grid.n_rows):
        first_row.append(len(ys))
        ys.append(grid.ys[row])
        ys += splits[row].boundaries if row in splits else []
    first_row.append(len(ys))
    ys.append(grid.ys[-1])
    cells: list[GridCell] = []
    for i, cell in enumerate(grid.cells):
        start, end = first_row[cell.row], first_row[cell.row + cell.rowspan]
        if cell.row in splits and cell.rowspan == 1 and i not in spanning:
            for r in range(start, end):
                cells.append(GridCell(r, cell.col, 1, cell.colspan, cell.x0, ys[r], cell.x1, ys[r + 1]))
        else:
            cells.append(GridCell(start, cell.col, end - start, cell.colspan, cell.x0, cell.top, cell.x1, cell.bottom))
    return _rebuilt(grid, grid.xs, ys, cells)


def recover_unruled(
    grid: Grid, chars: list[dict], settings: UnruledSettings = UnruledSettings(), memo: LineMemo | None = None
) -> Grid:
    """The grid with the columns and rows its rules leave out (``memo``: see ``group_lines``)."""
    return split_rows(split_columns(grid, chars, settings, memo), chars, settings, memo)
