"""Rules found in the rendered page: what a reader sees, whatever drew it.

A page's vector objects say how a producer drew a table (lines, thin rects, cell
outlines, dash patterns, paths under clips); the pixels say what was printed. Reading
rules from the image, as Camelot's lattice does, gives one answer for every drawing
habit and works on scanned pages, where there are no vector objects at all.

What counts as a rule here: a long, thin run of pixels that contrasts with the
pixels on *both* sides of it, darker (a printed rule) or lighter (a white gap between
two coloured cell fills, which a reader sees as a border). The edge of a filled block
contrasts on one side only: it is an edge, not a rule, so a header fill or a coloured
panel yields no rule along its sides or in its interior. A rule drawn in the colour
of the strip it lies on is invisible and is not found; that is the point.

Steps (all numpy, no OpenCV): a ridge mask per orientation (the pixel differs by
``contrast`` grey levels from the pixels ``k`` above and ``k`` below, for some ``k``
up to half the thickest rule); runs of ridge pixels along each row (dark runs bridged
over short gaps, so dashed and dotted rules join); runs at least ``min_length`` long;
runs in neighbouring rows that overlap merged into one segment, placed at their mean
row. Vertical rules are the same on the transposed image.

The core, ``find_rules``, takes a grayscale image and its scale (pixels per point), so
a scanned page's image goes in as is. ``page_rules`` renders a pdfplumber page and
drops glyph strokes (a run lying inside the boxes of the chars it passes: 一, ー; an
underline or a rule through a cell runs below or past them and stays).
Positions are PDF points, origin top-left, as pdfplumber gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Orientation = Literal["h", "v"]


@dataclass(frozen=True)
class InkSettings:
    # Rendering resolution: 100 dpi renders a page in tens of milliseconds; pdfium draws
    # any stroke, a 0.1 pt hairline too, at least a pixel wide, so none is lost.
    dpi: float = 100.0
    # Grey levels a rule differs from the paper on both sides: a 50 % grey rule on white
    # (≈128 levels) or a white gap between mid-tone fills clears it; JPEG noise in a scan
    # (±10) and a pale tint next to white (≈20) do not.
    contrast: int = 40
    # Thickest rule (points): as GridSettings.max_rule_width; a thicker bar is a fill.
    max_thickness: float = 2.5
    # Shortest rule (points): a one-row cell border in small type is ≥ 10 pt; glyph
    # strokes in body text are shorter (longer ones in headings go by their char boxes).
    min_length: float = 10.0
    # Gaps (points) bridged in a dark run: dash and dot patterns (3 on 2, 1 on 2) join
    # into one rule; a column gap between two separate rules (≥ 4 pt) stays open.
    max_gap: float = 3.0
    # Runs in neighbouring rows that overlap or continue one another are one shape; it is
    # a rule when it climbs at most this many rows per column: a scanned page's skew
    # (deskewed scans stay under 0.5°), not a chart's sloping series line.
    max_slope: float = 0.02


@dataclass(frozen=True)
class LatticeSettings:
    # A horizontal and a vertical rule this close (points) touch: a rule's end may stop
    # short of the one it meets by its half-width plus a pixel of rendering.
    join_tolerance: float = 2.5
    # Rule positions closer than this (points) are one grid line (a double rule).
    snap_tolerance: float = 3.0
    # A lattice's line spans at least this share of the lattice (rules at one position
    # together): a table's column rule runs through its body; a bar's outline, a tick or
    # a header bracket is shorter (a bar chart's bars on its axis make no lattice).
    min_span: float = 0.5
    # Smallest lattice worth reporting: 2 × 2 positions between its long lines.
    min_rows: int = 2
    min_cols: int = 2


@dataclass(frozen=True)
class InkRule:
    """A rule seen on the page, in points (top-left origin, as pdfplumber)."""

    orientation: Orientation
    x0: float
    top: float
    x1: float
    bottom: float
    light: bool = False  # lighter than both sides (a white gap between fills)

    @property
    def pos(self) -> float:
        """y of a horizontal rule, x of a vertical one."""
        return (self.top + self.bottom) / 2 if self.orientation == "h" else (self.x0 + self.x1) / 2

    @property
    def start(self) -> float:
        return self.x0 if self.orientation == "h" else self.top

    @property
    def end(self) -> float:
        return self.x1 if self.orientation == "h" else self.bottom

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass
class Lattice:
    """Rules that cross or meet one another: the grid a reader sees."""

    xs: list[float]  # vertical grid lines, left to right
    ys: list[float]  # horizontal grid lines, top to bottom
    rules: list[InkRule] = field(repr=False)

    @property
    def bbox(self) -> dict:
        return {"x0": self.xs[0], "top": self.ys[0], "x1": self.xs[-1], "bottom": self.ys[-1]}


# --- The core: a grayscale image in, rules out.


def _ridges(gray: np.ndarray, reach: int, contrast: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels darker (and lighter) by ``contrast`` than the pixels ``k`` rows above and
    below, for some k ≤ ``reach``: the rows of a horizontal rule up to 2·reach − 1 thick."""
    g = gray.astype(np.int16)
    height = g.shape[0]
    dark = np.zeros(g.shape, dtype=bool)
    light = np.zeros(g.shape, dtype=bool)
    for k in range(1, reach + 1):
        if 2 * k >= height:
            break
        mid = g[k:-k]
        above, below = g[: -2 * k], g[2 * k :]
        dark[k:-k] |= (above - mid >= contrast) & (below - mid >= contrast)
        light[k:-k] |= (mid - above >= contrast) & (mid - below >= contrast)
    return dark, light


def _runs(mask: np.ndarray, max_gap: int, min_length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of True along each row (row, start, end exclusive), runs less than ``max_gap``
    apart in one row joined, those shorter than ``min_length`` dropped."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    at = np.flatnonzero(step)  # row-major: each run's start, then its end
    rows = at[0::2] // step.shape[1]
    starts, ends = at[0::2] % step.shape[1], at[1::2] % step.shape[1]
    if max_gap > 0 and len(rows) > 1:
        # A run continues the one before it (same row, gap within max_gap): join them.
        joins = (rows[1:] == rows[:-1]) & (starts[1:] - ends[:-1] <= max_gap)
        first = np.concatenate(([True], ~joins))
        last = np.concatenate((~joins, [True]))
        rows, starts, ends = rows[first], starts[first], ends[last]
    keep = ends - starts >= min_length
    return rows[keep], starts[keep], ends[keep]


def _segments(
    rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, join: int
) -> list[tuple[float, float, int, int, int, int]]:
    """Runs in neighbouring rows that overlap or continue one another (within ``join``
    pixels), merged: (mean row, ink pixels, first row, last row, start, end)."""
    open_: list[list] = []  # [weighted row sum, ink pixels, first row, last row, start, end]
    done: list[list] = []
    for row, start, end in sorted(zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True)):
        still: list[list] = []
        for seg in open_:
            (still if seg[3] >= row - 1 else done).append(seg)
        open_ = still
        length = end - start
        for seg in open_:
            if seg[3] >= row - 1 and min(end, seg[5]) - max(start, seg[4]) > -join:
                seg[0] += row * length
                seg[1] += length
                seg[3] = row
                seg[4], seg[5] = min(seg[4], start), max(seg[5], end)
                break
        else:
            open_.append([row * length, length, row, row, start, end])
    return [(s[0] / s[1], s[1], s[2], s[3], s[4], s[5]) for s in done + open_]


def _rules_along_rows(
    dark: np.ndarray, light: np.ndarray, reach: int, scale: float, settings: InkSettings
) -> list[tuple[float, float, float, float, bool]]:
    """Horizontal rules in ridge masks as (pos, half thickness, start, end, light) in pixels."""
    min_length = max(2, round(settings.min_length * scale))
    gap = round(settings.max_gap * scale)
    out = []
    # Only dark rules are bridged: a white gap between fills is never dashed, and
    # bridging light runs would join the gaps between lines of dense small type.
    for mask, bridge, is_light in ((dark, gap, False), (light, 0, True)):
        for pos, ink, first, last, start, end in _segments(*_runs(mask, bridge, min_length), join=2):
            length = end - start
            thickness = ink / length  # rows deep at an average column
            drift = (last - first + 1) - thickness  # rows climbed along the length
            # A thicker ridge is a bar (its middle rows passed); one that climbs is a
            # slanted line (a chart's series renders as a staircase of short runs).
            if thickness <= 2 * reach and drift <= settings.max_slope * length:
                out.append((pos + 0.5, thickness / 2, float(start), float(end), is_light))
    return out


def find_rules(
    gray: np.ndarray, scale: float, settings: InkSettings = InkSettings(), origin: tuple[float, float] = (0.0, 0.0)
) -> list[InkRule]:
    """Horizontal and vertical rules in a grayscale image (0 black … 255 white) whose
    pixels are ``scale`` per point; ``origin`` is the point at the image's top-left."""
    if gray.ndim != 2:
        raise ValueError(f"a grayscale image has 2 dimensions, not {gray.ndim}")
    reach = max(1, int(np.ceil(settings.max_thickness * scale / 2)))
    dark_h, light_h = _ridges(gray, reach, settings.contrast)
    dark_v, light_v = _ridges(np.ascontiguousarray(gray.T), reach, settings.contrast)
    ox, oy = origin
    out: list[InkRule] = []
    for pos, half, start, end, light in _rules_along_rows(dark_h, light_h, reach, scale, settings):
        out.append(
            InkRule(
                "h", ox + start / scale, oy + (pos - half) / scale, ox + end / scale, oy + (pos + half) / scale, light
            )
        )
    for pos, half, start, end, light in _rules_along_rows(dark_v, light_v, reach, scale, settings):
        out.append(
            InkRule(
                "v", ox + (pos - half) / scale, oy + start / scale, ox + (pos + half) / scale, oy + end / scale, light
            )
        )
    return _join_at_crossings(out, settings, 1 / scale)


def _join_at_crossings(rules: list[InkRule], settings: InkSettings, pixel: float) -> list[InkRule]:
    """Pieces of one rule cut where another crosses it, joined again. At a crossing
    neither rule is a ridge across the other; that gap added to a dot pattern's own can
    pass ``max_gap`` and cut a dotted rule at every row. Only pieces that are rules in
    their own right are joined (glyph strokes stacked in a column of cells stay apart),
    over one crossing rule and at most ``max_gap`` besides: a rule that stops at a row
    (two rules across, the row's white between them) stays cut."""
    out: list[InkRule] = []
    for orientation in ("h", "v"):
        pieces = [r for r in rules if r.orientation == orientation]
        others = [r for r in rules if r.orientation != orientation]
        merged: list[InkRule] = []
        for rule in sorted(pieces, key=lambda r: r.start):
            for k, prev in enumerate(merged):
                gap = rule.start - prev.end
                if prev.light != rule.light or abs(prev.pos - rule.pos) > 1.5 * pixel or gap > 3 * settings.max_gap:
                    continue
                crossing = [
                    o
                    for o in others
                    if prev.end - pixel <= o.pos <= rule.start + pixel and o.start <= rule.pos <= o.end
                ]
                width = max((o.x1 - o.x0 if o.orientation == "v" else o.bottom - o.top for o in crossing), default=0.0)
                one = len({round(o.pos / pixel) for o in crossing}) == 1
                if one and gap <= settings.max_gap + width + 2 * pixel:
                    merged[k] = _joined(prev, rule)
                    break
            else:
                merged.append(rule)
        out += merged
    return out


def _joined(a: InkRule, b: InkRule) -> InkRule:
    return InkRule(a.orientation, min(a.x0, b.x0), min(a.top, b.top), max(a.x1, b.x1), max(a.bottom, b.bottom), a.light)


# --- Rules into grids.


def _cluster(values: list[float], tol: float) -> list[float]:
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tol:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _touch(h: InkRule, v: InkRule, tol: float) -> bool:
    return h.x0 - tol <= v.pos <= h.x1 + tol and v.top - tol <= h.pos <= v.bottom + tol


def lattices(rules: list[InkRule], settings: LatticeSettings = LatticeSettings()) -> list[Lattice]:
    """Connected sets of touching horizontal and vertical rules with at least
    ``min_rows`` × ``min_cols`` positions between their lines, top to bottom."""
    hs = [r for r in rules if r.orientation == "h"]
    vs = [r for r in rules if r.orientation == "v"]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for hi, h in enumerate(hs):
        for vi, v in enumerate(vs):
            if _touch(h, v, settings.join_tolerance):
                parent[find(hi)] = find(len(hs) + vi)
    groups: dict[int, list[InkRule]] = {}
    for i, rule in enumerate(hs + vs):
        groups.setdefault(find(i), []).append(rule)
    out = []
    for members in groups.values():
        across = [r for r in members if r.orientation == "h"]
        down = [r for r in members if r.orientation == "v"]
        if not across or not down:
            continue
        left, right = min(r.start for r in across), max(r.end for r in across)
        top, bottom = min(r.start for r in down), max(r.end for r in down)
        tol = settings.snap_tolerance
        ys = [
            y
            for y in _cluster([r.pos for r in across], tol)
            if cover(across, "h", y, left, right, tol) >= settings.min_span
        ]
        xs = [
            x
            for x in _cluster([r.pos for r in down], tol)
            if cover(down, "v", x, top, bottom, tol) >= settings.min_span
        ]
        if len(ys) > settings.min_rows and len(xs) > settings.min_cols:
            out.append(Lattice(xs, ys, members))
    out.sort(key=lambda lat: (lat.ys[0], lat.xs[0]))
    return out


def cover(rules: list[InkRule], orientation: str, pos: float, start: float, end: float, tol: float) -> float:
    """Share of the line at ``pos`` from ``start`` to ``end`` that rules lie on."""
    length = end - start
    if length <= 0:
        return 1.0
    pieces = sorted(
        (max(r.start, start), min(r.end, end))
        for r in rules
        if r.orientation == orientation and abs(r.pos - pos) <= tol and r.end > start and r.start < end
    )
    covered, reach = 0.0, start
    for lo, hi in pieces:
        lo = max(lo, reach)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return covered / length


# --- pdfplumber pages: render, place, drop glyph strokes.


def render_gray(pdfium_page, dpi: float) -> np.ndarray:
    """A pypdfium2 page rendered grayscale. Paths are anti-aliased: without it pdfium drops
    dashes shorter than a pixel (a dotted rule loses most of its dots), and with it a
    hairline still darkens its pixel by well over ``contrast``. Text is not (faster)."""
    bitmap = pdfium_page.render(scale=dpi / 72, grayscale=True, no_smoothtext=True)
    return np.array(bitmap.to_numpy(), dtype=np.uint8).reshape(bitmap.height, bitmap.width)


def drop_glyph_strokes(rules: list[InkRule], chars: list[dict], settings: InkSettings = InkSettings()) -> list[InkRule]:
    """Rules that are not strokes of text. A rule passing through chars' boxes must still
    be ``min_length`` long outside them: glyph strokes are not (一 or ー; the strokes of
    glyphs stacked line on line on a fixed pitch, e.g. a column of right-aligned figures,
    bridged over the line gaps like a dash pattern: those gaps count as inside). A rule
    beside, under or through a table's text reaches well past the boxes."""
    if not chars or not rules:
        return list(rules)
    box = np.array([(c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars], dtype=float)
    out = []
    for rule in rules:
        pos = rule.pos
        if rule.orientation == "h":
            hit = box[(box[:, 1] <= pos) & (box[:, 3] >= pos) & (box[:, 2] > rule.start) & (box[:, 0] < rule.end)]
            spans = hit[:, [0, 2]]
        else:
            hit = box[(box[:, 0] <= pos) & (box[:, 2] >= pos) & (box[:, 3] > rule.start) & (box[:, 1] < rule.end)]
            spans = hit[:, [1, 3]]
        covered, reach = 0.0, rule.start
        for lo, hi in sorted(spans.tolist()):
            if covered and lo - reach <= settings.max_gap:
                lo = reach  # the gap between two lines of type, bridged like a dash gap
            lo, hi = max(lo, reach), min(hi, rule.end)
            if hi > lo:
                covered += hi - lo
                reach = hi
        if rule.length - covered >= settings.min_length:
            out.append(rule)
    return out


def page_rules(page, settings: InkSettings = InkSettings(), gray: np.ndarray | None = None) -> list[InkRule]:
    """Rules on a pdfplumber page (``gray``: the page already rendered at ``settings.dpi``,
    e.g. by ``render_gray`` on a document opened once for many pages)."""
    if gray is None:
        import pypdfium2 as pdfium

        source = page.pdf.path or page.pdf.stream
        document = pdfium.PdfDocument(source)
        try:
            gray = render_gray(document[page.page_number - 1], settings.dpi)
        finally:
            document.close()
    # pdfium renders the crop box; pdfplumber's coordinates are the media box's.
    x0, top = float(page.cropbox[0]), float(page.cropbox[1])
    scale = gray.shape[1] / (float(page.cropbox[2]) - x0)
    return drop_glyph_strokes(find_rules(gray, scale, settings, (x0, top)), list(page.chars), settings)
