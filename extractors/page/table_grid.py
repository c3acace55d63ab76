"""Ruled grids: ruling segments → table grids with merged cells recovered.

Office exports draw a table as one stroked segment per cell border (or per run of
borders), sometimes under filled rects for the header. A merged cell is a grid
position whose inner border is simply not drawn, so spans come from which borders
exist, not from the text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from extractors.page import colour


@dataclass(frozen=True)
class GridSettings:
    # Segments thinner than this (points) are rulings, whatever object drew them.
    max_rule_width: float = 2.5
    # Ruling positions closer than this are one grid line (border widths vary 0.75–1pt).
    snap_tolerance: float = 2.0
    # A horizontal and a vertical segment this close count as touching.
    join_tolerance: float = 2.5
    # A border is drawn between two positions when segments cover this share of it.
    min_border_cover: float = 0.6
    # Filled rects at least this share of the page are page backgrounds, not cells.
    background_share: float = 0.5
    # Between two grid lines closer than this (points) no text fits: a double rule or a
    # cell's inset frame (JUST PDF draws both), not a column or row of its own.
    max_sliver: float = 8.0
    # Smallest grid that counts as a table (a one-row grid is a framed box, not a table).
    min_rows: int = 2
    min_cols: int = 2


@dataclass(frozen=True)
class Segment:
    """An axis-aligned ruling: ``pos`` is y for a horizontal one, x for a vertical one."""

    pos: float
    start: float
    end: float
    ruled: bool = True  # drawn as a rule (False: the edge of a filled shape)


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def bbox(self) -> dict:
        return {"x0": self.x0, "top": self.top, "x1": self.x1, "bottom": self.bottom}


@dataclass
class Grid:
    xs: list[float]  # column borders, left to right
    ys: list[float]  # row borders, top to bottom
    cells: list[GridCell]
    horizontals: list[Segment] = field(repr=False)
    verticals: list[Segment] = field(repr=False)

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> dict:
        return {"x0": self.xs[0], "top": self.ys[0], "x1": self.xs[-1], "bottom": self.ys[-1]}


def _is_box_path(curve: dict, tol: float = 0.5) -> bool:
    """A path that only visits its bbox's corners: a rectangle drawn as a path (producers
    without a rect operator draw rulings and cell fills this way)."""
    pts = curve.get("pts") or []
    if len(pts) < 4:
        return False
    x0, x1, top, bottom = curve["x0"], curve["x1"], curve["top"], curve["bottom"]
    return all(
        (abs(x - x0) <= tol or abs(x - x1) <= tol) and (abs(y - top) <= tol or abs(y - bottom) <= tol) for x, y in pts
    )


def box_shapes(page) -> list[dict]:
    """Rects and rectangle-shaped paths, alike."""
    return list(page.rects) + [c for c in page.curves if _is_box_path(c)]


def _same_box(shape: dict, box: dict) -> bool:
    return all(abs(shape[k] - box[k]) < 0.01 for k in ("x0", "top", "x1", "bottom"))


def ruling_segments(
    page, settings: GridSettings = GridSettings(), exclude: tuple[dict, ...] = ()
) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rulings from lines, thin rects and filled cell rects
    (shapes in ``exclude``, call-out boxes, bound nothing)."""
    horizontals: list[Segment] = []
    verticals: list[Segment] = []
    page_area = float(page.width) * float(page.height)
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) <= settings.max_rule_width:
            horizontals.append(Segment((line["top"] + line["bottom"]) / 2, line["x0"], line["x1"]))
        elif abs(line["x0"] - line["x1"]) <= settings.max_rule_width:
            verticals.append(Segment((line["x0"] + line["x1"]) / 2, line["top"], line["bottom"]))
    for rect in box_shapes(page):
        if any(_same_box(rect, box) for box in exclude):
            continue
        width, height = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        if height <= settings.max_rule_width and width > settings.max_rule_width:
            horizontals.append(Segment((rect["top"] + rect["bottom"]) / 2, rect["x0"], rect["x1"]))
        elif width <= settings.max_rule_width and height > settings.max_rule_width:
            verticals.append(Segment((rect["x0"] + rect["x1"]) / 2, rect["top"], rect["bottom"]))
        elif rect.get("fill") and width * height < settings.background_share * page_area and not is_white(rect):
            # A filled cell (header fill) bounds its cell even where no line is drawn.
            horizontals += [
                Segment(rect["top"], rect["x0"], rect["x1"], False),
                Segment(rect["bottom"], rect["x0"], rect["x1"], False),
            ]
            verticals += [
                Segment(rect["x0"], rect["top"], rect["bottom"], False),
                Segment(rect["x1"], rect["top"], rect["bottom"], False),
            ]
    # Crop and registration marks sit in the bleed, outside the page: they rule nothing.
    x0, top, x1, bottom = page.bbox
    horizontals = [h for h in horizontals if top <= h.pos <= bottom and h.end > x0 and h.start < x1]
    verticals = [v for v in verticals if x0 <= v.pos <= x1 and v.end > top and v.start < bottom]
    return horizontals, verticals


def is_white(rect: dict) -> bool:
    """A white fill: a background that bounds nothing (a pattern fill is not white)."""
    return colour.is_white(colour.to_rgb(rect.get("non_stroking_color")))


def _touches(h: Segment, v: Segment, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def _components(horizontals: list[Segment], verticals: list[Segment], tol: float) -> list[tuple[list[int], list[int]]]:
    """Connected sets of touching segments (indices into horizontals, verticals)."""
    parent = list(range(len(horizontals) + len(verticals)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    offset = len(horizontals)
    for hi, h in enumerate(horizontals):
        for vi, v in enumerate(verticals):
            if _touches(h, v, tol):
                parent[find(hi)] = find(offset + vi)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for hi in range(len(horizontals)):
        groups.setdefault(find(hi), ([], []))[0].append(hi)
    for vi in range(len(verticals)):
        groups.setdefault(find(offset + vi), ([], []))[1].append(vi)
    return list(groups.values())


def _cluster(values: list[float], tol: float) -> list[float]:
    """Positions within ``tol`` of each other collapse to their mean."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tol:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _covered(segments: list[Segment], pos: float, start: float, end: float, settings: GridSettings) -> bool:
    """Whether segments at ``pos`` cover at least ``min_border_cover`` of [start, end]."""
    length = end - start
    if length <= 0:
        return True
    pieces = sorted(
        (max(s.start, start), min(s.end, end))
        for s in segments
        if abs(s.pos - pos) <= settings.snap_tolerance and s.end > start and s.start < end
    )
    covered, reach = 0.0, start
    for lo, hi in pieces:
        lo = max(lo, reach)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return covered >= settings.min_border_cover * length


# Rectangles an irregular merged region of a header band may be cut into (see _rectangles).
MAX_REGION_PIECES = 3
# ...and the share of the grid's height a header band may take.
MAX_HEADER_SHARE = 0.5


def recover_spans(
    xs: list[float],
    ys: list[float],
    horizontals: list[Segment],
    verticals: list[Segment],
    settings: GridSettings = GridSettings(),
) -> list[GridCell]:
    """Cells of the grid ``xs`` × ``ys``: positions with no border drawn between them merge."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not _covered(verticals, xs[c + 1], ys[r], ys[r + 1], settings):
                parent[find(here)] = find(here + 1)
            if r + 1 < n_rows and not _covered(horizontals, ys[r + 1], xs[c], xs[c + 1], settings):
                parent[find(here)] = find(here + n_cols)
    regions: dict[int, set[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            regions.setdefault(find(r * n_cols + c), set()).add((r, c))
    # The header band: the rows above the first inner rule drawn across the whole grid.
    header_rows = next(
        (
            r
            for r in range(1, n_rows)
            if all(_covered(horizontals, ys[r], xs[c], xs[c + 1], settings) for c in range(n_cols))
        ),
        0,
    )
    if ys[header_rows] - ys[0] > MAX_HEADER_SHARE * (ys[-1] - ys[0]):
        header_rows = 0  # most of the grid: no header over a body (a chart's plot area)
    cells: list[GridCell] = []
    taken: set[tuple[int, int]] = set()
    for region in sorted(regions.values(), key=min):
        pieces = [_bounds(region)]
        if max(r for r, _ in region) < header_rows:
            # An L or a U (a header group's bracket rule) is cut; the plot area around a
            # chart's bars falls into many pieces, or a piece as wide as the grid: it stays one.
            cut = _rectangles(region)
            bracket = len(cut) <= MAX_REGION_PIECES and all(c1 - c0 + 1 < n_cols for _, c0, _, c1 in cut)
            pieces = cut if bracket else pieces
        for r0, c0, r1, c1 in pieces:
            if (r0, c0) in taken:  # an irregular merge already claimed by a bigger rectangle
                continue
            taken.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
            cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return cells


def _bounds(region: set[tuple[int, int]]) -> tuple[int, int, int, int]:
    rows = [r for r, _ in region]
    cols = [c for _, c in region]
    return min(rows), min(cols), max(rows), max(cols)


def _rectangles(region: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """A merged region as cells (first row, first col, last row, last col).

    A region is one cell when it fills its bounding rectangle. One that does not (an L or
    a U: a rule that stops short, like a bracket over a header group) is cut into
    rectangles, each taking as many columns and then as many rows as the region allows;
    its bounding rectangle would swallow the cells inside it and the column rules with them.
    """
    r0, c0, r1, c1 = _bounds(region)
    if len(region) == (r1 - r0 + 1) * (c1 - c0 + 1):
        return [(r0, c0, r1, c1)]
    left = set(region)
    out = []
    for r, c in sorted(region):
        if (r, c) not in left:
            continue
        end = c
        while (r, end + 1) in left:
            end += 1
        bottom = r
        while all((bottom + 1, k) in left for k in range(c, end + 1)):
            bottom += 1
        left -= {(i, k) for i in range(r, bottom + 1) for k in range(c, end + 1)}
        out.append((r, c, bottom, end))
    return out


def _border_rows(segments: list[Segment], pos: float, spans: list[float], settings: GridSettings) -> int:
    """How many of the grid's rows (or columns) a line at ``pos`` borders."""
    return sum(_covered(segments, pos, a, b, settings) for a, b in zip(spans, spans[1:], strict=False))


def drop_slivers(
    positions: list[float], across: list[float], segments: list[Segment], centres: list[float], settings: GridSettings
) -> list[float]:
    """Grid lines without the slivers: of two lines closer than ``max_sliver`` with no
    text between them, the one bordering fewer rows goes (the table's outer border stays)."""
    out = list(positions)
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        if b - a >= settings.max_sliver or any(a < c < b for c in centres) or len(out) <= 2:
            i += 1
            continue
        if i == 0:
            drop = i + 1
        elif i + 1 == len(out) - 1:
            drop = i
        else:
            weaker_b = _border_rows(segments, b, across, settings) <= _border_rows(segments, a, across, settings)
            drop = i + 1 if weaker_b else i
        del out[drop]
    return out


def open_sides(
    xs: list[float], ys: list[float], horizontals: list[Segment], settings: GridSettings = GridSettings()
) -> list[float]:
    """Column borders with the table's open sides closed: statistics tables often draw no
    outer vertical rule, their top and bottom rules then reach past the outermost
    vertical one, and the first or last column lies between."""

    def ends(pos: float) -> list[Segment]:
        return [h for h in horizontals if abs(h.pos - pos) <= settings.snap_tolerance and h.ruled]

    top, bottom = ends(ys[0]), ends(ys[-1])
    if not top or not bottom:
        return xs
    out = list(xs)
    left = max(min(h.start for h in top), min(h.start for h in bottom))
    if left < xs[0] - settings.snap_tolerance:
        out.insert(0, left)
    right = min(max(h.end for h in top), max(h.end for h in bottom))
    if right > xs[-1] + settings.snap_tolerance:
        out.append(right)
    return out


def drop_unused_lines(
    xs: list[float], ys: list[float], cells: list[GridCell]
) -> tuple[list[float], list[float], list[GridCell]]:
    """The grid without inner lines that separate no two cells.

    A rule drawn in one place only (a short tick, a cell's inner frame, a border that
    stops short) still adds a grid line; where no row is split by it, every row spans it
    and the table would carry a span that every row shares. Such a line is no border.
    """
    used_x = {0, len(xs) - 1} | {c.col for c in cells} | {c.col + c.colspan for c in cells}
    used_y = {0, len(ys) - 1} | {c.row for c in cells} | {c.row + c.rowspan for c in cells}
    if len(used_x) == len(xs) and len(used_y) == len(ys):
        return xs, ys, cells
    col_of = {old: new for new, old in enumerate(sorted(used_x))}
    row_of = {old: new for new, old in enumerate(sorted(used_y))}
    kept = [
        GridCell(
            row_of[c.row],
            col_of[c.col],
            row_of[c.row + c.rowspan] - row_of[c.row],
            col_of[c.col + c.colspan] - col_of[c.col],
            c.x0,
            c.top,
            c.x1,
            c.bottom,
        )
        for c in cells
    ]
    return [xs[i] for i in sorted(used_x)], [ys[i] for i in sorted(used_y)], kept


def find_grids(page, settings: GridSettings = GridSettings(), exclude: tuple[dict, ...] = ()) -> list[Grid]:
    """Every ruled grid on the page, top to bottom (``exclude``: shapes that bound no cell)."""
    horizontals, verticals = ruling_segments(page, settings, exclude)
    centres = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in page.chars if c["text"].strip()]
    grids: list[Grid] = []
    for h_ids, v_ids in _components(horizontals, verticals, settings.join_tolerance):
        hs = [horizontals[i] for i in h_ids]
        vs = [verticals[i] for i in v_ids]
        if len(hs) < settings.min_rows + 1 or len(vs) < settings.min_cols + 1:
            continue
        xs = _cluster([v.pos for v in vs], settings.snap_tolerance)
        ys = _cluster([h.pos for h in hs], settings.snap_tolerance)
        inside = [(x, y) for x, y in centres if xs[0] < x < xs[-1] and ys[0] < y < ys[-1]]
        xs = drop_slivers(xs, ys, vs, [x for x, _ in inside], settings)
        ys = drop_slivers(ys, xs, hs, [y for _, y in inside], settings)
        xs = open_sides(xs, ys, hs, settings)
        if len(xs) < settings.min_cols + 1 or len(ys) < settings.min_rows + 1:
            continue
        xs, ys, cells = drop_unused_lines(xs, ys, recover_spans(xs, ys, hs, vs, settings))
        if len(xs) < settings.min_cols + 1 or len(ys) < settings.min_rows + 1:
            continue
        grids.append(Grid(xs, ys, cells, hs, vs))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def assign_chars(grid: Grid, chars: list[dict]) -> list[list[dict]]:
    """Chars of each cell (by the char's centre), in content-stream order: one pass, no crops."""
    owner: dict[tuple[int, int], int] = {}
    for index, cell in enumerate(grid.cells):
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = index
    out: list[list[dict]] = [[] for _ in grid.cells]
    for char in chars:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        c = bisect_right(grid.xs, x) - 1
        r = bisect_right(grid.ys, y) - 1
        found = owner.get((r, c))
        if found is not None:
            out[found].append(char)
    return out
