"""Page layout: columns found from whitespace and alignment, and the reading order over them.

A page is cut into horizontal *regions* (bands), each one column or split into columns;
the reading order is region by region, in a region column by column left to right, in
a column top to bottom. Content-stream order is not used: producers write pages in many
orders (text boxes first, footnotes first, two columns interleaved line by line).

How columns are found (an XY-cut that looks for gutters first):

1. A *gutter* is a vertical line ``x = p`` through whitespace: two text lines next to
   each other on a row, at least ``min_gutter`` em apart, vote for the x-interval of
   their gap when they sit at an end of their row (nothing beside the left one on its
   left, or beside the right one on its right: the page's leftmost or rightmost gutter
   is cut first, a wide table's inner gaps do not each propose one); where most votes
   overlap is a candidate, the best voted ``max_candidates`` are tried.
2. Lines crossing ``x = p`` (a heading across both columns, a figure caption, footnotes)
   and frames across it cut the page into horizontal zones, and so do whitespace strips
   across both sides taller than the columns' paragraph gaps (``strip_gap``: a figure or
   footnotes under the columns, none of whose lines happens to cross the gutter). A zone
   is split at the gutter when each side holds ``min_column_lines`` text lines running
   beside the other side's, the sides are ``min_gutter`` em apart, and the column along
   the gutter on each side is ``min_column_width`` em wide, aligned (most lines start at
   one edge) and filled (the median line runs half its width): running text, not a
   diagram's scattered labels. Any other zone is full width.
3. Each side of a split zone, and each full-width zone, is laid out again (a third
   column, a zone with its own gutter). With no gutter, a set of lines is cut at wide
   horizontal whitespace only to look for gutters below and above the cut; pieces that
   stay single-column are joined again, so a single-column page is one region.
4. Optional *frames* (boxes drawn around text: slides of a 2-up handout, a boxed
   figure) are never cut by a gutter (a frame across it is a full-width zone); two
   sides each in its own frame are columns whatever their text; a frame holding a
   piece of the page on its own is its own region. A drawn shape that some line
   straddles frames nothing (a background, a decoration).

Thresholds are in em: the body size, the type size most of the page's characters are
set in. Everything is plain data (``TextLine`` and boxes), no pdfplumber page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from extractors.geometry import BBox
from extractors.page.furniture import body_size
from extractors.page.lines import TextLine

__all__ = [
    "Column",
    "LayoutSettings",
    "PageLayout",
    "Region",
    "continues_in_next_column",
    "flowed_order",
    "frames_of",
    "page_layout",
]


@dataclass(frozen=True)
class LayoutSettings:
    # A gutter is at least this many em of whitespace: the narrowest column gap of
    # typeset pages is about 1.5 em, and wrapped text never leaves a 1 em hole in a
    # line (a gap of 2 em or more already cuts a visual line in two, lines.py).
    min_gutter: float = 1.0
    # Each side of a gutter holds at least this many lines beside the other side: two
    # lines side by side are a label and its value, a title and a date, not columns.
    min_column_lines: int = 3
    # A column is at least this many em wide: a narrow stack (row labels, numbers, a
    # chart's axis labels, a chapter tab) is no column of running text. A column of an
    # A4 three-column page is ~15 em, a 2-up handout's slide ~25 em.
    min_column_width: float = 8.0
    # Lines set smaller than this share of the body size (ruby, a lone superscript)
    # do not count towards a column's lines; nor do lines of one glyph (a chapter tab
    # set down the page glyph by glyph, a footnote number apart from its note, a bullet).
    counted_size: float = 0.6
    # Two lines sit side by side when their heights overlap by this share of the lower one.
    side_by_side_overlap: float = 0.3
    # Columns end at a whitespace strip across both of them at least this many em tall
    # ... (a figure, its caption or a footnote block follows that no line of which
    # crosses the gutter)
    strip_gap: float = 1.0
    # ... and this many times the denser column's usual gap between lines: wrapped lines
    # sit one usual gap apart, paragraphs at most about twice that. (A strip between two
    # pieces that are both columns, headings level by chance, is not a cut.)
    strip_gap_ratio: float = 2.0
    # The column along a gutter is running text when this share of its lines start at
    # one left edge (or end at one right edge), within ``align_tolerance`` em: paragraph
    # indents and bullets move a line start by an em or two; a diagram's labels scatter.
    min_aligned_share: float = 0.5
    align_tolerance: float = 2.0
    # ... and when its median line runs at least this share of its width: wrapped text
    # fills its column but for a paragraph's last line; a diagram's labels are short.
    min_fill: float = 0.5
    # A horizontal gap of this many em across a column-less set is tried as a cut, to
    # find columns above or below it (a band with its own gutter, stacked slides).
    band_gap: float = 2.0
    # At most this many gutter candidates are tried per set of lines (the best voted):
    # keeps dense pages (hundreds of table lines) at a few milliseconds.
    max_candidates: int = 3
    # A drawn box is a frame when both its sides are at least this many em (smaller
    # boxes are bullets, cells, check boxes) ...
    min_frame_size: float = 3.0
    # ... and it covers less than this share of the page (a page border or background
    # frames nothing).
    max_frame_share: float = 0.9
    # A frame across a gutter holding more than this share of the lines being laid out
    # contains them (a page border under the header) rather than standing among them.
    max_frame_hold: float = 0.5
    # A line sticking out of a frame by more than this many em is not framed by it; a
    # drawn shape that a line straddles is a background or a decoration, not a frame.
    frame_tolerance: float = 0.25
    # Recursion depth limit (a page is a few levels deep; this only guards hostile input).
    max_depth: int = 12


@dataclass(frozen=True)
class Column:
    bbox: BBox
    # Indices into the input lines, in reading order within the column.
    line_ids: tuple[int, ...]


@dataclass(frozen=True)
class Region:
    """A horizontal band of the page: full-width (one column) or split into columns."""

    bbox: BBox
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class PageLayout:
    regions: tuple[Region, ...]  # top to bottom
    _column_by_line: dict[int, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_line = {i: column for region in self.regions for column in region.columns for i in column.line_ids}
        object.__setattr__(self, "_column_by_line", by_line)

    def reading_order(self) -> list[int]:
        """Line indices: region by region, column by column left to right, each top to bottom."""
        return [i for region in self.regions for column in region.columns for i in column.line_ids]

    def column_of(self, line_id: int) -> Column:
        return self._column_by_line[line_id]

    def columns(self) -> list[tuple[int, Column]]:
        """Every column in reading order, with the index of its region."""
        return [(k, column) for k, region in enumerate(self.regions) for column in region.columns]


def continues_in_next_column(layout: PageLayout, a: int, b: int) -> bool:
    """Whether line ``a`` ends a column and line ``b`` starts the column read right after
    it: the next column of the same region, or the first column of the next region when
    both regions are split into columns (text running on under a full-width break is
    not this: a region lies between). A paragraph may run on from ``a`` to ``b``."""
    columns = layout.columns()
    for k, (region, column) in enumerate(columns[:-1]):
        if not column.line_ids or column.line_ids[-1] != a:
            continue
        next_region, following = columns[k + 1]
        if not following.line_ids or following.line_ids[0] != b:
            return False
        if next_region == region:
            return True
        return len(layout.regions[region].columns) > 1 and len(layout.regions[next_region].columns) > 1
    return False


def flowed_order(
    layout: PageLayout, lines: Sequence[TextLine], stream_order: Sequence[int]
) -> tuple[list[int], set[int]]:
    """The order to read a page's ``lines`` in, and the positions in it where a paragraph
    may run on from the previous line across a column break (the next column's first line
    starts flush at its column's edge: an indent would open a paragraph). A page with no
    columns keeps ``stream_order``: on single-column pages the producer's order is the
    author's (a slide's text boxes), and top-to-bottom would only lose it."""
    if all(len(region.columns) < 2 for region in layout.regions):
        return list(stream_order), set()
    order = layout.reading_order()
    runs_on = {
        k
        for k in range(1, len(order))
        if continues_in_next_column(layout, order[k - 1], order[k])
        and lines[order[k]].x0 - layout.column_of(order[k]).bbox.x0 < lines[order[k]].size / 2
    }
    return order, runs_on


def frames_of(
    rects: Iterable[Any], page_bbox: BBox, body: float, settings: LayoutSettings = LayoutSettings()
) -> list[BBox]:
    """The drawn boxes (pdfplumber rect dicts, or boxes) that may frame text: both sides
    at least ``min_frame_size`` em, smaller than ``max_frame_share`` of the page."""
    page_area = max(page_bbox.width * page_bbox.height, 1.0)
    least = settings.min_frame_size * body
    out = []
    for rect in rects:
        box = BBox.of(rect)
        if box.width >= least and box.height >= least and box.width * box.height < settings.max_frame_share * page_area:
            out.append(box)
    return out


# --- the layout tree


# --- the layout tree


@dataclass
class _Leaf:
    """Lines read as one column, top to bottom."""

    ids: list[int]


@dataclass
class _Sides:
    """Two parts side by side across a gutter: left, then right."""

    left: _Node
    right: _Node


@dataclass
class _Stack:
    """Parts one above the other, top to bottom."""

    parts: list[_Node]


_Node = _Leaf | _Sides | _Stack

# A horizontal zone at a gutter: (left, right, None) split into columns, or
# (None, None, lines) full width. Line index arrays, sorted by top.
_Zone = tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]


@dataclass(frozen=True, eq=False)
class _Page:
    """What every step needs, the lines' geometry as arrays indexed by line."""

    lines: Sequence[TextLine]
    em: float
    settings: LayoutSettings
    frames: tuple[BBox, ...]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    middle: np.ndarray  # vertical middle
    centre: np.ndarray  # horizontal middle
    # Whether a line is evidence of a column: running text, not one glyph or ruby.
    text: np.ndarray
    # The nearest line beside each line (heights overlapping) on its right, on its left; -1: none.
    right_of: np.ndarray
    left_of: np.ndarray


def page_layout(
    lines: list[TextLine],
    page_bbox: BBox,
    settings: LayoutSettings = LayoutSettings(),
    frames: Sequence[Any] = (),
) -> PageLayout:
    """The regions and columns of a page's ``lines`` (every index appears exactly once).

    ``frames``: boxes drawn around text (see ``frames_of``); lines outside ``page_bbox``
    (a printer's slug, text parked off the page) come last, in a region of their own.
    """
    if not lines:
        return PageLayout(regions=())
    page = _page_of(lines, settings, [BBox.of(f) for f in frames])
    by_top = np.lexsort((page.x0, page.top))
    on = (
        (page.centre[by_top] >= page_bbox.x0)
        & (page.centre[by_top] <= page_bbox.x1)
        & (page.middle[by_top] >= page_bbox.top)
        & (page.middle[by_top] <= page_bbox.bottom)
    )
    regions = _regions(_layout(page, by_top[on], 0), page) if on.any() else []
    regions, marks = _without_margin_marks(page, regions)
    apart = by_top[~on].tolist() + marks
    if apart:
        regions.append(_single_column_region(page, apart))
    return PageLayout(regions=tuple(regions))


def _without_margin_marks(page: _Page, regions: list[Region]) -> tuple[list[Region], list[int]]:
    """Regions without the marks set in a column's margin, and those marks' lines: lines
    of no running text (one glyph each: a chapter tab set down the page) lying wholly
    beside the column's running text. Read among the column's lines by height they would
    cut its paragraphs; they are read after the page's body."""
    marks: list[int] = []
    out = []
    for region in regions:
        columns = []
        for column in region.columns:
            ids = np.array(column.line_ids, dtype=int)
            text = ids[page.text[ids]]
            if not len(text):
                columns.append(column)
                continue
            left, right = page.x0[text].min(), page.x1[text].max()
            beside = ~page.text[ids] & ((page.x0[ids] >= right + page.em / 2) | (page.x1[ids] <= left - page.em / 2))
            if not beside.any():
                columns.append(column)
                continue
            marks += ids[beside].tolist()
            kept = ids[~beside]
            bbox = BBox(
                x0=float(page.x0[kept].min()),
                top=float(page.top[kept].min()),
                x1=float(page.x1[kept].max()),
                bottom=float(page.bottom[kept].max()),
            )
            columns.append(Column(bbox=bbox, line_ids=tuple(kept.tolist())))
        out.append(Region(bbox=BBox.union(c.bbox for c in columns), columns=tuple(columns)))
    return out, marks


def _page_of(lines: Sequence[TextLine], settings: LayoutSettings, frames: list[BBox]) -> _Page:
    em = body_size(list(lines)) or 10.0
    x0 = np.array([line.x0 for line in lines], dtype=float)
    x1 = np.array([line.x1 for line in lines], dtype=float)
    top = np.array([line.top for line in lines], dtype=float)
    bottom = np.array([line.bottom for line in lines], dtype=float)
    size = np.array([line.size for line in lines], dtype=float)
    glyphs = np.array([len(line.raw_text.replace(" ", "")) for line in lines])
    right_of, left_of = _neighbours(x0, x1, top, bottom, settings)
    page = _Page(
        lines=lines,
        em=em,
        settings=settings,
        frames=(),
        x0=x0,
        x1=x1,
        top=top,
        bottom=bottom,
        middle=(top + bottom) / 2,
        centre=(x0 + x1) / 2,
        text=(size >= settings.counted_size * em) & (glyphs > 1),
        right_of=right_of,
        left_of=left_of,
    )
    kept = tuple(f for f in frames if _frames_cleanly(page, f))
    return dataclasses.replace(page, frames=kept) if kept else page


def _neighbours(
    x0: np.ndarray, x1: np.ndarray, top: np.ndarray, bottom: np.ndarray, settings: LayoutSettings
) -> tuple[np.ndarray, np.ndarray]:
    """For each line, the nearest line beside it (heights overlapping enough) on its right,
    and on its left; -1 where there is none. Vectorised: a table page has thousands of
    lines side by side."""
    n = len(x0)
    right_of, left_of = np.full(n, -1), np.full(n, -1)
    order = np.argsort(top, kind="stable")
    t, b = top[order], bottom[order]
    # Pairs (a, c) of positions in top order: c after a, starting above a's bottom.
    ends = np.searchsorted(t, b, side="left")
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    a = np.repeat(np.arange(n), counts)
    c = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(counts) - counts, counts)
    a, c = order[a], order[c]
    overlap = np.minimum(bottom[a], bottom[c]) - np.maximum(top[a], top[c])
    lower = np.minimum(bottom[a] - top[a], bottom[c] - top[c])
    beside = overlap >= settings.side_by_side_overlap * lower
    a, c = a[beside], c[beside]
    left = np.where(x0[a] <= x0[c], a, c)
    right = a + c - left
    gap = x0[right] - x1[left]
    for near, far, out in ((left, right, right_of), (right, left, left_of)):
        ranked = np.lexsort((gap, near))  # by line, the nearest first
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = near[ranked][1:] != near[ranked][:-1]
        out[near[ranked][first]] = far[ranked][first]
    return right_of, left_of


def _frames_cleanly(page: _Page, frame: BBox) -> bool:
    """Whether every line lies inside ``frame`` or off it: none straddles its edge."""
    slack = page.settings.frame_tolerance * page.em
    overlaps = (page.x0 < frame.x1) & (frame.x0 < page.x1) & (page.top < frame.bottom) & (frame.top < page.bottom)
    inside = (
        (page.x0 >= frame.x0 - slack)
        & (page.x1 <= frame.x1 + slack)
        & (page.top >= frame.top - slack)
        & (page.bottom <= frame.bottom + slack)
    )
    return not (overlaps & ~inside).any()


def _held(page: _Page, frame: BBox, ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` have their middle inside ``frame``."""
    cx, cy = page.centre[ids], page.middle[ids]
    return (cx >= frame.x0) & (cx <= frame.x1) & (cy >= frame.top) & (cy <= frame.bottom)


def _layout(page: _Page, ids: np.ndarray, depth: int) -> _Node:
    # Steps below rely on ``ids`` sorted by top; joined parts are nearly so.
    ids = ids[np.argsort(page.top[ids], kind="stable")]
    if len(ids) < 2 * page.settings.min_column_lines or depth >= page.settings.max_depth:
        return _Leaf(ids.tolist())
    zones = _best_split(page, ids)
    if zones is None:
        return _cut_across(page, ids, depth)
    parts: list[_Node] = []
    for left, right, full in zones:
        if full is not None:
            parts.append(_layout(page, full, depth + 1))
        else:
            assert left is not None and right is not None  # a split zone
            parts.append(_Sides(_layout(page, left, depth + 1), _layout(page, right, depth + 1)))
    return _Stack(parts) if len(parts) > 1 else parts[0]


# --- gutters


def _best_split(page: _Page, ids: np.ndarray) -> list[_Zone] | None:
    """The zones at the best voted gutter among ``ids`` that splits some zone into
    columns, top to bottom; None without such a gutter."""
    for p in _gutter_candidates(page, ids):
        zones = _zones_at(page, ids, p)
        if zones:
            return zones
    return None


def _gutter_candidates(page: _Page, ids: np.ndarray) -> list[float]:
    """x positions where most gaps between side-by-side lines overlap (best voted first)."""
    starts, ends = _side_by_side_gaps(page, ids)
    if len(starts) < page.settings.min_column_lines:
        return []
    events = sorted([(x, 1) for x in starts.tolist()] + [(x, -1) for x in ends.tolist()])
    # The vote count on each stretch between gap edges, equal neighbours joined.
    stretches: list[list[float]] = []  # [x0, x1, votes]
    count = 0
    for (x, step), (next_x, _) in zip(events, events[1:], strict=False):
        count += step
        if next_x <= x:
            continue
        if stretches and stretches[-1][2] == count and stretches[-1][1] == x:
            stretches[-1][1] = next_x
        else:
            stretches.append([x, next_x, count])
    peaks = []
    for k, (x0, x1, votes) in enumerate(stretches):
        before = stretches[k - 1][2] if k else 0
        after = stretches[k + 1][2] if k + 1 < len(stretches) else 0
        if votes >= page.settings.min_column_lines and votes > before and votes > after:
            peaks.append((votes, (x0 + x1) / 2))
    peaks.sort(key=lambda peak: (-peak[0], peak[1]))
    return [x for _, x in peaks[: page.settings.max_candidates]]


def _side_by_side_gaps(page: _Page, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the gaps, a gutter's width or wider, between text lines next to
    each other on a row, where the pair sits at an end of its row: nothing beside the
    left line on its left, or nothing beside the right line on its right. A page is cut
    first at its leftmost or rightmost gutter (the others are found inside), and so the
    inner gaps of a wide table, one per pair of its columns, are not tried. (Neighbours
    are the page's: one outside ``ids`` counts as none.)"""
    member = np.zeros(len(page.x0) + 1, dtype=bool)  # the extra last slot: index -1, none
    member[ids] = True
    right = page.right_of[ids]
    pair = member[right] & page.text[ids] & page.text[right]
    left, right = ids[pair], right[pair]
    at_end = ~member[page.left_of[left]] | ~member[page.right_of[right]]
    wide = page.x0[right] - page.x1[left] >= page.settings.min_gutter * page.em
    keep = at_end & wide
    return page.x1[left[keep]], page.x0[right[keep]]


def _zones_at(page: _Page, ids: np.ndarray, p: float) -> list[_Zone]:
    """Cut ``ids`` into horizontal zones at the lines and frames crossing ``x = p``, and
    split those where columns run on both sides; none if no zone is split."""
    crossing = (page.x0[ids] < p) & (p < page.x1[ids])
    tops, bottoms = page.top[ids[crossing]], page.bottom[ids[crossing]]
    across = [f for f in page.frames if f.x0 < p < f.x1 and _stands_among(page, f, ids)]
    if across:
        tops = np.concatenate([tops, [f.top for f in across]])
        bottoms = np.concatenate([bottoms, [f.bottom for f in across]])
    if not len(tops):
        return _merge_full(_split_open_zone(page, ids, p))
    span_tops, span_bottoms = _merge_spans(tops, bottoms)
    # Each line goes to the span its middle lies in (zone 2k+1), or to the open stretch
    # above span k (zone 2k).
    middle = page.middle[ids]
    k = np.searchsorted(span_tops, middle, side="right") - 1
    inside = (k >= 0) & (middle <= span_bottoms[np.maximum(k, 0)])
    zone_of = np.where(inside, 2 * k + 1, 2 * (k + 1))
    zones: list[_Zone] = []
    for zone, members in _groups(ids, zone_of):
        if zone % 2:
            zones.append((None, None, members))
        else:
            zones.extend(_split_open_zone(page, members, p))
    return _merge_full(zones)


def _groups(ids: np.ndarray, keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """``ids`` grouped by ``keys`` (ascending), each group in its order in ``ids``."""
    order = np.argsort(keys, kind="stable")
    keys, ids = keys[order], ids[order]
    cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return [
        (int(group_keys[0]), group) for group_keys, group in zip(np.split(keys, cuts), np.split(ids, cuts), strict=True)
    ]


def _stands_among(page: _Page, frame: BBox, ids: np.ndarray) -> bool:
    """Whether ``frame`` holds some of ``ids``, but not most (it would contain them)."""
    held = int(_held(page, frame, ids).sum())
    return 0 < held <= page.settings.max_frame_hold * len(ids)


def _merge_spans(tops: np.ndarray, bottoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping vertical spans joined: (tops, bottoms), sorted."""
    order = np.argsort(tops, kind="stable")
    tops, bottoms = tops[order], bottoms[order]
    reach = np.maximum.accumulate(bottoms)
    starts = np.ones(len(tops), dtype=bool)
    starts[1:] = tops[1:] > reach[:-1]
    first = np.flatnonzero(starts)
    return tops[first], np.maximum.reduceat(bottoms, first)


def _split_open_zone(page: _Page, ids: np.ndarray, p: float) -> list[_Zone]:
    """A stretch no line crosses, cut at whitespace strips across it: each piece whose
    sides qualify as columns is split (consecutive ones are one stretch of columns), any
    other piece is full width (a figure's labels, footnotes under one column)."""
    if not _may_hold_columns(page, ids, p):
        return [(None, None, ids)]  # most stretches between a table's rows: decided at once
    zones: list[_Zone] = []
    for piece in _pieces_between_strips(page, ids, p):
        left, right = piece[page.x1[piece] <= p], piece[page.x0[piece] >= p]
        if not _columns_qualify(page, left, right):
            zones.append((None, None, piece))
        elif zones and zones[-1][0] is not None:
            previous_left, previous_right, _ = zones[-1]
            zones[-1] = (np.concatenate([previous_left, left]), np.concatenate([previous_right, right]), None)
        else:
            zones.append((left, right, None))
    return zones


def _may_hold_columns(page: _Page, ids: np.ndarray, p: float) -> bool:
    """Whether each side of ``x = p`` has enough text lines to be a column."""
    text = ids[page.text[ids]]
    least = page.settings.min_column_lines
    return int((page.x1[text] <= p).sum()) >= least and int((page.x0[text] >= p).sum()) >= least


def _pieces_between_strips(page: _Page, ids: np.ndarray, p: float) -> list[np.ndarray]:
    """Cut ``ids`` where both sides of ``x = p`` are empty over a strip taller than the
    columns' own gaps between paragraphs (``strip_gap``): where the columns end above a
    figure or a footnote block that no line of which crosses the gutter."""
    text = ids[page.text[ids]]
    sides = (text[page.x1[text] <= p], text[page.x0[text] >= p])
    usual = min(_usual_gap(page, side) for side in sides)
    least = max(page.settings.strip_gap * page.em, page.settings.strip_gap_ratio * usual)
    tops = page.top[text]
    reach = np.maximum.accumulate(page.bottom[text])
    at = np.flatnonzero(tops[1:] - reach[:-1] >= least)
    cuts = (reach[at] + tops[at + 1]) / 2
    if not len(cuts):
        return [ids]
    return [piece for _, piece in _groups(ids, np.searchsorted(cuts, page.middle[ids]))]


def _usual_gap(page: _Page, ids: np.ndarray) -> float:
    """The median vertical gap between consecutive lines of ``ids`` (sorted by top); 0 if none."""
    if len(ids) < 2:
        return 0.0
    reach = np.maximum.accumulate(page.bottom[ids])
    gaps = page.top[ids][1:] - reach[:-1]
    gaps = np.sort(gaps[gaps > 0])
    return float(gaps[len(gaps) // 2]) if len(gaps) else 0.0


def _columns_qualify(page: _Page, left: np.ndarray, right: np.ndarray) -> bool:
    """Whether two sides of a gutter are columns: wide enough, apart by a gutter, running
    beside each other over several lines, the column along the gutter on each side aligned
    text that fills its width (or each side in its own frame: the slides of a 2-up
    handout, whatever their content)."""
    settings, em = page.settings, page.em
    left_text, right_text = left[page.text[left]], right[page.text[right]]
    if not len(left_text) or not len(right_text):
        return False
    if page.x0[right].min() - page.x1[left].max() < settings.min_gutter * em:
        return False
    if not (_wide(page, left) and _wide(page, right)):
        return False
    top = max(page.top[left_text].min(), page.top[right_text].min())
    bottom = min(page.bottom[left_text].max(), page.bottom[right_text].max())
    for side in (left_text, right_text):
        middle = page.middle[side]
        if int(((middle >= top) & (middle <= bottom)).sum()) < settings.min_column_lines:
            return False
    if _framed_apart(page, left, right):
        return True
    near_left = _next_to_gutter(page, left_text, left, page.right_of)
    near_right = _next_to_gutter(page, right_text, right, page.left_of)
    return all(_wide(page, near) and _aligned(page, near) and _filled(page, near) for near in (near_left, near_right))


def _wide(page: _Page, side: np.ndarray) -> bool:
    return len(side) > 0 and page.x1[side].max() - page.x0[side].min() >= page.settings.min_column_width * page.em


def _next_to_gutter(page: _Page, text: np.ndarray, side: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """The text lines of ``side`` with nothing of ``side`` beside them towards the gutter
    (``towards``: the page's ``right_of`` for the left side): the column along the
    gutter, not one further out (a three-column page is first cut into one and two)."""
    member = np.zeros(len(page.x0) + 1, dtype=bool)  # the extra last slot: index -1, none
    member[side] = True
    return text[~member[towards[text]]]


def _aligned(page: _Page, side: np.ndarray) -> bool:
    """Whether most of ``side`` starts at one left edge or ends at one right edge."""
    reach = page.settings.align_tolerance * page.em
    need = page.settings.min_aligned_share * len(side)
    for edges in (np.sort(page.x0[side]), np.sort(page.x1[side])):
        # the most edges within one window of ``reach``
        within = np.searchsorted(edges, edges + reach, side="right") - np.arange(len(edges))
        if within.max() >= need:
            return True
    return False


def _filled(page: _Page, side: np.ndarray) -> bool:
    """Whether the median line of ``side`` runs ``min_fill`` of the side's width."""
    width = page.x1[side].max() - page.x0[side].min()
    return float(np.median(page.x1[side] - page.x0[side])) >= page.settings.min_fill * width


def _framed_apart(page: _Page, left: np.ndarray, right: np.ndarray) -> bool:
    """Whether one frame holds all of ``left`` and another all of ``right``."""

    def frame_of(side: np.ndarray) -> BBox | None:
        return next((f for f in page.frames if _held(page, f, side).all()), None)

    if not page.frames:
        return False
    left_frame, right_frame = frame_of(left), frame_of(right)
    return left_frame is not None and right_frame is not None and left_frame.x1 <= right_frame.x0


def _merge_full(zones: list[_Zone]) -> list[_Zone]:
    """Join consecutive full-width zones into one; no zones at all if none is split."""
    if all(left is None for left, _, _ in zones):
        return []
    out: list[_Zone] = []
    for zone in zones:
        if zone[2] is not None and out and out[-1][2] is not None:
            out[-1] = (None, None, np.concatenate([out[-1][2], zone[2]]))
        else:
            out.append(zone)
    return out


# --- cuts across a page without a gutter


def _cut_across(page: _Page, ids: np.ndarray, depth: int) -> _Node:
    """Cut a column-less set at wide horizontal gaps (and between frames) to find a
    gutter above or below; pieces that stay one plain column are joined again."""
    pieces = _horizontal_pieces(page, ids)
    if len(pieces) < 2:
        return _Leaf(ids.tolist())
    parts = [(_layout(page, piece, depth + 1), _framed_alone(page, piece, ids)) for piece in pieces]
    if all(isinstance(node, _Leaf) and not framed for node, framed in parts):
        return _Leaf(ids.tolist())
    out: list[_Node] = []
    joinable = False  # whether the last part is a plain single column (more can join it)
    for node, framed in parts:
        plain = isinstance(node, _Leaf) and not framed
        if plain and joinable:
            out[-1] = _Leaf(out[-1].ids + node.ids)  # type: ignore[union-attr]
        else:
            out.append(node)
        joinable = plain
    return _Stack(out)


def _horizontal_pieces(page: _Page, ids: np.ndarray) -> list[np.ndarray]:
    """``ids`` cut at horizontal gaps of ``band_gap`` em, and at any gap a frame's edge
    lies in (a frame holding some of ``ids``)."""
    tops = page.top[ids]
    reach = np.maximum.accumulate(page.bottom[ids])
    gap_top, gap_bottom = reach[:-1], tops[1:]
    cut = gap_bottom - gap_top >= page.settings.band_gap * page.em
    edges = np.sort([y for f in page.frames if _held(page, f, ids).any() for y in (f.top, f.bottom)])
    if len(edges):
        has_edge = np.searchsorted(edges, gap_top, side="left") < np.searchsorted(edges, gap_bottom, side="right")
        cut |= has_edge & (gap_bottom > gap_top)
    at = np.flatnonzero(cut) + 1
    return np.split(ids, at) if len(at) else [ids]


def _framed_alone(page: _Page, piece: np.ndarray, ids: np.ndarray) -> bool:
    """Whether one frame holds all of ``piece`` and nothing else of ``ids``."""
    inside = np.zeros(len(page.x0), dtype=bool)
    inside[piece] = True
    return any(np.array_equal(_held(page, f, ids), inside[ids]) for f in page.frames)


# --- from the tree to regions


def _regions(node: _Node, page: _Page) -> list[Region]:
    if isinstance(node, _Leaf):
        return [_single_column_region(page, node.ids)]
    if isinstance(node, _Stack):
        return [region for part in node.parts for region in _regions(part, page)]
    columns = _columns(node.left, page) + _columns(node.right, page)
    return [Region(bbox=BBox.union(c.bbox for c in columns), columns=tuple(columns))]


def _columns(node: _Node, page: _Page) -> list[Column]:
    """A side's columns: those of its one region, or one column reading all its regions."""
    regions = _regions(node, page)
    if len(regions) == 1:
        return list(regions[0].columns)
    ids = tuple(i for region in regions for column in region.columns for i in column.line_ids)
    return [Column(bbox=BBox.union(r.bbox for r in regions), line_ids=ids)]


def _single_column_region(page: _Page, ids: list[int]) -> Region:
    bbox = BBox(
        x0=float(page.x0[ids].min()),
        top=float(page.top[ids].min()),
        x1=float(page.x1[ids].max()),
        bottom=float(page.bottom[ids].max()),
    )
    column = Column(bbox=bbox, line_ids=tuple(top_to_bottom(page.lines, ids)))
    return Region(bbox=bbox, columns=(column,))


def top_to_bottom(lines: Sequence[TextLine], ids: Iterable[int]) -> list[int]:
    """Lines by height, those on one row (each one's middle within the other's height: a
    raised bracket, a superscript, a line cut by a wide gap) left to right."""
    rows: list[list[int]] = []
    for i in sorted(ids, key=lambda i: (lines[i].top, lines[i].x0)):
        if rows and _one_row(lines[rows[-1][0]], lines[i]):
            rows[-1].append(i)
        else:
            rows.append([i])
    return [i for row in rows for i in sorted(row, key=lambda i: lines[i].x0)]


def _one_row(a: TextLine, b: TextLine) -> bool:
    a_middle, b_middle = (a.top + a.bottom) / 2, (b.top + b.bottom) / 2
    return a.top <= b_middle <= a.bottom and b.top <= a_middle <= b.bottom
