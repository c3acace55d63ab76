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
    # Collinear rule pieces at most this far apart (points) are one rule drawn in dots
    # or dashes (dotted rules leave gaps of 1–2.5pt); pieces this close in position are collinear.
    max_dash_gap: float = 3.0
    dash_snap: float = 0.5
    # Two fills of one colour whose edges lie this close (points) meet in an invisible seam.
    fill_seam: float = 0.5
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


def is_box_path(curve: dict, tol: float = 0.5) -> bool:
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
    return list(page.rects) + [c for c in page.curves if is_box_path(c)]


def _same_box(shape: dict, box: dict) -> bool:
    return all(abs(shape[k] - box[k]) < 0.01 for k in ("x0", "top", "x1", "bottom"))


def _axis(
    x0: float, top: float, x1: float, bottom: float, settings: GridSettings, ruled: bool = True
) -> tuple[str, Segment] | None:
    """A thin shape as a horizontal ("h") or vertical ("v") rule; None if it is neither
    (a dot as wide as it is long, a fill)."""
    width, height = x1 - x0, bottom - top
    if height <= settings.max_rule_width and width > height:
        return "h", Segment((top + bottom) / 2, x0, x1, ruled)
    if width <= settings.max_rule_width and height > width:
        return "v", Segment((x0 + x1) / 2, top, bottom, ruled)
    return None


def _is_straight(curve: dict, settings: GridSettings) -> bool:
    """A curve whose every point (control points too) lies on one axis-parallel line:
    a rule drawn with the curve operator."""
    pts = curve.get("pts") or []
    return len(pts) >= 2 and (
        curve["bottom"] - curve["top"] <= settings.max_rule_width
        or curve["x1"] - curve["x0"] <= settings.max_rule_width
    )


def _sides(shape: dict, ruled: bool) -> list[tuple[str, Segment]]:
    x0, top, x1, bottom = shape["x0"], shape["top"], shape["x1"], shape["bottom"]
    return [
        ("h", Segment(top, x0, x1, ruled)),
        ("h", Segment(bottom, x0, x1, ruled)),
        ("v", Segment(x0, top, bottom, ruled)),
        ("v", Segment(x1, top, bottom, ruled)),
    ]


def _paint(shape: dict, key: str) -> colour.RGB | None:
    return colour.to_rgb(shape.get(key))


def _same_colour(a: colour.RGB | None, b: colour.RGB | None) -> bool:
    return a is not None and a == b


def _invisible(rule: dict, key: str, fills: list[dict], tol: float) -> bool:
    """A rule painted in the colour of what lies under it: white on the paper, or the
    colour of a fill that covers it (a spreadsheet's grid drawn over a merged cell in the
    cell's own colour). Nothing is seen there, so nothing is bounded."""
    ink = _paint(rule, key)
    if ink is None:
        return False
    under = [
        f
        for f in fills
        if f["x0"] - tol <= rule["x0"]
        and rule["x1"] <= f["x1"] + tol
        and f["top"] - tol <= rule["top"]
        and rule["bottom"] <= f["bottom"] + tol
        and f is not rule
    ]
    if not under:
        return colour.is_white(ink)
    return any(_same_colour(_paint(f, "non_stroking_color"), ink) for f in under)


def _merge_dashes(segments: list[Segment], settings: GridSettings) -> list[Segment]:
    """Collinear rules with gaps shorter than ``max_dash_gap`` as one rule (a dotted or
    dashed rule drawn dash by dash); a lone piece no longer than a rule is thick (a dot,
    a tick) is no rule."""
    lines: list[list[Segment]] = []  # collinear pieces: positions within dash_snap of the last
    for seg in sorted((s for s in segments if s.ruled), key=lambda s: s.pos):
        if lines and seg.pos - lines[-1][-1].pos <= settings.dash_snap:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out: list[Segment] = []
    for pieces in lines:
        run: Segment | None = None
        for seg in sorted(pieces, key=lambda s: s.start):
            if run is not None and seg.start - run.end <= settings.max_dash_gap:
                run = Segment(run.pos, run.start, max(run.end, seg.end))
                continue
            if run is not None:
                out.append(run)
            run = seg
        if run is not None:
            out.append(run)
    out = [s for s in out if s.end - s.start > settings.max_rule_width]
    return out + [s for s in segments if not s.ruled]


def _crossed(fill: dict, rules: list[tuple[str, Segment]], tol: float) -> bool:
    """Whether a rule runs through the fill's inside: it is painted across cells (a strip)."""
    for axis, seg in rules:
        if axis == "h":
            inside = fill["top"] + tol < seg.pos < fill["bottom"] - tol
            overlap = min(seg.end, fill["x1"]) - max(seg.start, fill["x0"])
        else:
            inside = fill["x0"] + tol < seg.pos < fill["x1"] - tol
            overlap = min(seg.end, fill["bottom"]) - max(seg.start, fill["top"])
        if inside and overlap > tol:
            return True
    return False


def _fill_edges(
    fills: list[dict], rules: list[tuple[str, Segment]], settings: GridSettings
) -> list[tuple[str, Segment]]:
    """The edges of filled cells, without the seams where two strips of one colour meet.

    A fill that rules run through is a strip painted across cells (header bands painted
    row by row, over merged cells too); where two strips of one colour meet nothing shows
    on the paper, so that seam bounds no cell. Fills painted cell by cell (a heat map)
    are cells: each edge of theirs is a border, whatever colour lies beyond it.
    """
    tol = settings.fill_seam
    strips = [f for f in fills if _crossed(f, rules, settings.snap_tolerance)]
    out: list[tuple[str, Segment]] = []
    for f in fills:
        ink = _paint(f, "non_stroking_color")
        is_strip = any(f is g for g in strips)
        same = [g for g in strips if is_strip and g is not f and _same_colour(_paint(g, "non_stroking_color"), ink)]
        for axis, side in _sides(f, False):
            pieces = [(side.start, side.end)]
            for g in same:
                if axis == "h":
                    meets = abs(g["top"] - side.pos) <= tol or abs(g["bottom"] - side.pos) <= tol
                    lo, hi = g["x0"], g["x1"]
                else:
                    meets = abs(g["x0"] - side.pos) <= tol or abs(g["x1"] - side.pos) <= tol
                    lo, hi = g["top"], g["bottom"]
                # The other fill lies beyond the edge (not inside this one, sharing a side).
                beyond = (
                    (g["bottom"] <= f["top"] + tol or g["top"] >= f["bottom"] - tol)
                    if axis == "h"
                    else (g["x1"] <= f["x0"] + tol or g["x0"] >= f["x1"] - tol)
                )
                if meets and beyond:
                    pieces = [p for a, b in pieces for p in ((a, min(b, lo)), (max(a, hi), b)) if p[1] - p[0] > tol]
            out += [(axis, Segment(side.pos, a, b, False)) for a, b in pieces]
    return out


def _tiling(boxes: list[dict], tol: float) -> list[dict]:
    """The boxes that share a side and a corner with another box: neighbours in a grid of
    cells do (boxes side by side that merely touch, like two charts' frames, do not)."""
    buckets: dict[tuple[str, int], list[tuple[int, Segment]]] = {}
    for k, box in enumerate(boxes):
        for axis, side in _sides(box, True):
            buckets.setdefault((axis, round(side.pos / tol)), []).append((k, side))
    shared: set[int] = set()
    for (axis, key), sides in buckets.items():
        near = sides + buckets.get((axis, key - 1), []) + buckets.get((axis, key + 1), [])
        for k, a in sides:
            if k in shared:
                continue
            if any(
                j != k
                and abs(a.pos - b.pos) <= tol
                and min(a.end, b.end) - max(a.start, b.start) > tol
                and (abs(a.start - b.start) <= tol or abs(a.end - b.end) <= tol)
                for j, b in near
            ):
                shared.add(k)
    return [boxes[k] for k in sorted(shared)]


def _is_thin(shape: dict, settings: GridSettings) -> bool:
    return min(shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]) <= settings.max_rule_width


def _joined_down(shapes: list[dict], down: bool, settings: GridSettings) -> list[dict]:
    """One pass of ``paint_over_seams`` along one direction (down: pieces stacked top to
    bottom across the same width; else side by side over the same height)."""
    tol = settings.fill_seam
    lo, hi, start, end = ("x0", "x1", "top", "bottom") if down else ("top", "bottom", "x0", "x1")
    out: list[dict] = []

    def order(s: dict) -> tuple:
        return str(_paint(s, "non_stroking_color")), round(s[lo] / tol), round(s[hi] / tol), s[start]

    for shape in sorted(shapes, key=order):
        last = out[-1] if out else None
        if (
            last is not None
            and _same_colour(_paint(last, "non_stroking_color"), _paint(shape, "non_stroking_color"))
            and abs(last[lo] - shape[lo]) <= tol
            and abs(last[hi] - shape[hi]) <= tol
            and abs(shape[start] - last[end]) <= tol
            # A fill meets a fill only across a painted seam: cells painted each in its own
            # rect (a heat map) stay cells even where two of one colour touch.
            and (last["_seam"] or _is_thin(shape, settings))
        ):
            last[end] = max(last[end], shape[end])
            last["_seam"] = _is_thin(shape, settings)
            continue
        out.append({**shape, "_seam": _is_thin(shape, settings)})
    return out


def paint_over_seams(shapes: list[dict], settings: GridSettings = GridSettings()) -> list[dict]:
    """Shapes with shading painted across a borderless seam made one fill.

    Word shades each cell inside its borders and, where a cell side has no border, paints
    the border's slot in the shading too: fill, thin piece, fill, all of one colour,
    with nothing seen between them. That seam bounds no cell (a run of rows under one
    label reads as one merged cell); a thin piece of a fill's colour standing alone is
    still a rule. Fills that merely touch stay apart.
    """
    painted = [s for s in shapes if s.get("fill") and not s.get("stroke") and not is_white(s)]
    if len(painted) < 3:
        return shapes
    ids = {id(s) for s in painted}
    joined = painted
    # Down, across, then down again: a slot crossing another (a cell merged both ways)
    # joins its pieces first.
    for down in (True, False, True):
        joined = _joined_down(joined, down, settings)
    for shape in joined:
        del shape["_seam"]
        shape["width"], shape["height"] = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
    return [s for s in shapes if id(s) not in ids] + joined


def ruling_segments(
    page, settings: GridSettings = GridSettings(), exclude: tuple[dict, ...] = ()
) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rulings from lines, thin rects, straight curves, stroked
    boxes and filled cell rects (shapes in ``exclude``, call-out boxes, bound nothing)."""
    page_area = float(page.width) * float(page.height)
    shapes = paint_over_seams([s for s in box_shapes(page) if not any(_same_box(s, box) for box in exclude)], settings)
    # Painted areas a rule may lie on (a rule's own thin rect is none).
    fills = [
        s
        for s in shapes
        if s.get("fill") and not is_white(s) and _axis(s["x0"], s["top"], s["x1"], s["bottom"], settings) is None
    ]
    found: list[tuple[str, Segment]] = []
    strokes = list(page.lines) + [c for c in page.curves if not is_box_path(c) and _is_straight(c, settings)]
    for line in strokes:
        if _invisible(line, "stroking_color", fills, settings.snap_tolerance):
            continue
        axis = _axis(line["x0"], line["top"], line["x1"], line["bottom"], settings)
        if axis is not None:
            found.append(axis)
    cells: list[dict] = []
    outlines: list[dict] = []
    for rect in shapes:
        axis = _axis(rect["x0"], rect["top"], rect["x1"], rect["bottom"], settings)
        if axis is not None:
            if not (rect.get("fill") and _invisible(rect, "non_stroking_color", fills, settings.snap_tolerance)):
                found.append(axis)
            continue
        width, height = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        filled = rect.get("fill") and width * height < settings.background_share * page_area and not is_white(rect)
        outlined = rect.get("stroke") and not _invisible(rect, "stroking_color", fills, settings.snap_tolerance)
        if outlined and filled and _same_colour(_paint(rect, "stroking_color"), _paint(rect, "non_stroking_color")):
            outlined = False  # outlined in its own fill colour: only the fill's edge shows
        if outlined:
            outlines.append(rect)
        elif filled:
            cells.append(rect)  # a filled cell (header fill) bounds its cell even where no line is drawn
    # Cells drawn each as its own outlined box (any size) share sides: their sides are
    # rules. A lone outline is a frame (a chart's plot area, a text box), as before.
    for rect in _tiling(outlines, settings.snap_tolerance):
        found += _sides(rect, True)
    found += _fill_edges(cells, [(a, g) for a, g in found if g.ruled], settings)
    horizontals = _merge_dashes([s for axis, s in found if axis == "h"], settings)
    verticals = _merge_dashes([s for axis, s in found if axis == "v"], settings)
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
    xs, ys = grid.xs, grid.ys
    # owner[r + 1][c + 1]: the cell of row r, column c as bisect finds them (-1 before the
    # first line, the last line's index past it); a table of lists, every page char looks here.
    owner: list[list[int | None]] = [[None] * (len(xs) + 1) for _ in range(len(ys) + 1)]
    for index, cell in enumerate(grid.cells):
        for r in range(max(cell.row, -1), min(cell.row + cell.rowspan, len(ys))):
            for c in range(max(cell.col, -1), min(cell.col + cell.colspan, len(xs))):
                owner[r + 1][c + 1] = index
    out: list[list[dict]] = [[] for _ in grid.cells]
    for char in chars:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        found = owner[bisect_right(ys, y)][bisect_right(xs, x)]
        if found is not None:
            out[found].append(char)
    return out
