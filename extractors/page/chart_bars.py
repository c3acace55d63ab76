"""Bars of a bar chart, from the page's filled rectangles.

A bar chart draws its values as filled rectangles of one thickness standing on one
baseline: bars run right from a shared left edge (horizontal) or up from a shared bottom
edge (vertical). A stacked bar is several rectangles end to end; a grouped chart sets a
category's bars side by side with no gap and leaves a gap between categories. A table's
filled cells have the same shape but equal lengths and no gaps between rows, so a run of
equal single rectangles with no gaps is not a chart.

Everything is read in chart coordinates: ``v`` along the value axis (growing with the
value) and ``c`` along the category axis (growing in printed order: top to bottom for
horizontal bars, left to right for vertical ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

from extractors.page.colour import to_rgb

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class BarSettings:
    # Edges this close (points) are one edge: a baseline, a row's top, two marks meeting.
    snap: float = 1.0
    # A chart has at least this many bars.
    min_bars: int = 3
    # A mark thicker than this share of the page's width or height is a background.
    max_page_share: float = 0.6
    # Bars further apart than this many typical gaps (or thicknesses) are two charts.
    split_gaps: float = 3.0
    # A bar is at least this thick (points): thinner fills are rules drawn as rectangles.
    min_thickness: float = 2.0
    # Categories stand at most this many bar thicknesses apart: chart tools space bars
    # by a gap of at most 500 % of a bar (Office's widest "gap width"). Fills further
    # apart (the shaded headers of tables stacked down a page) are no chart's bars.
    max_gap_ratio: float = 5.5


@dataclass(frozen=True)
class Mark:
    """A filled rectangle: a bar, a bar's segment or a legend swatch."""

    x0: float
    top: float
    x1: float
    bottom: float
    colour: str | None  # "#rrggbb"; "pattern:<name>" for a pattern; None for an unknown ink

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def v_range(box: Box, horizontal: bool) -> tuple[float, float]:
    """A box's extent along the value axis (growing with the value)."""
    return (box[0], box[2]) if horizontal else (-box[3], -box[1])


def c_range(box: Box, horizontal: bool) -> tuple[float, float]:
    """A box's extent along the category axis (growing in printed order)."""
    return (box[1], box[3]) if horizontal else (box[0], box[2])


@dataclass
class Bar:
    """One bar: its marks end to end, from the baseline outwards."""

    marks: list[Mark]
    horizontal: bool

    @property
    def v0(self) -> float:
        return v_range(self.marks[0].box, self.horizontal)[0]

    @property
    def v1(self) -> float:
        return v_range(self.marks[-1].box, self.horizontal)[1]

    @property
    def c0(self) -> float:
        return c_range(self.marks[0].box, self.horizontal)[0]

    @property
    def c1(self) -> float:
        return c_range(self.marks[0].box, self.horizontal)[1]

    @property
    def thickness(self) -> float:
        return self.c1 - self.c0


@dataclass
class BarGroup:
    """The bars of one chart: categories in printed order, each its bars side by side."""

    horizontal: bool
    baseline: float  # in v
    categories: list[list[Bar]]
    marks: set[Mark] = field(default_factory=set)

    @property
    def bars(self) -> list[Bar]:
        return [bar for category in self.categories for bar in category]

    @property
    def box(self) -> Box:
        marks = [m for bar in self.bars for m in bar.marks]
        return (
            min(m.x0 for m in marks),
            min(m.top for m in marks),
            max(m.x1 for m in marks),
            max(m.bottom for m in marks),
        )

    @property
    def colours(self) -> set[str | None]:
        return {m.colour for m in self.marks}

    @property
    def stacked(self) -> bool:
        return any(len(bar.marks) > 1 for bar in self.bars)

    @property
    def grouped(self) -> bool:
        return any(len(category) > 1 for category in self.categories)


def _hex(rect: dict) -> str | None:
    """The fill as "#rrggbb"; a pattern fill as "pattern:<name>" (still a series' key)."""
    value = rect.get("non_stroking_color")
    if isinstance(value, str):
        return f"pattern:{value}"
    rgb = to_rgb(value)
    return None if rgb is None else "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def gap(a: Box, b: Box) -> float:
    """How far apart two boxes are: the gaps across and down added (0 when they overlap)."""
    return max(a[0] - b[2], b[0] - a[2], 0.0) + max(a[1] - b[3], b[1] - a[3], 0.0)


def filled_marks(rects: Iterable[dict], page_box: Box, settings: BarSettings = BarSettings()) -> list[Mark]:
    """Filled, non-white rectangles smaller than a page background, each once (a shape
    filled then stroked, or filled twice, is one mark)."""
    width, height = page_box[2] - page_box[0], page_box[3] - page_box[1]
    seen: dict[tuple, Mark] = {}
    for rect in rects:
        if not rect.get("fill"):
            continue
        rgb = to_rgb(rect.get("non_stroking_color"))
        if rgb is not None and min(rgb) >= 0.98:
            continue  # white: a plot's background or a gap painted over
        w, h = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        if w <= 0 or h <= 0 or min(w / width, h / height) > settings.max_page_share:
            continue
        mark = Mark(float(rect["x0"]), float(rect["top"]), float(rect["x1"]), float(rect["bottom"]), _hex(rect))
        key = (round(mark.x0 * 2), round(mark.top * 2), round(mark.x1 * 2), round(mark.bottom * 2), mark.colour)
        seen.setdefault(key, mark)
    return list(seen.values())


def _cluster(values: Sequence[float], snap: float) -> list[list[int]]:
    """Indices of ``values`` in runs whose neighbours lie within ``snap``."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    runs: list[list[int]] = []
    for i in order:
        if runs and values[i] - values[runs[-1][-1]] <= snap:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _bars(marks: list[Mark], horizontal: bool, snap: float) -> list[Bar]:
    """Marks of one row (one column) that meet end to end, as bars."""
    rows: dict[tuple[int, int], list[Mark]] = {}
    for mark in marks:
        c0, c1 = c_range(mark.box, horizontal)
        rows.setdefault((round(c0 / snap), round(c1 / snap)), []).append(mark)
    bars = []
    for row in rows.values():
        row.sort(key=lambda m: v_range(m.box, horizontal)[0])
        chain = [row[0]]
        for mark in row[1:]:
            if abs(v_range(mark.box, horizontal)[0] - v_range(chain[-1].box, horizontal)[1]) <= snap:
                chain.append(mark)
            else:
                bars.append(Bar(chain, horizontal))
                chain = [mark]
        bars.append(Bar(chain, horizontal))
    return bars


def _split(bars: list[Bar], settings: BarSettings) -> list[list[Bar]]:
    """Bars on one baseline, in printed order, cut where a gap is far wider than usual."""
    bars = sorted(bars, key=lambda b: b.c0)
    gaps = [b.c0 - a.c1 for a, b in zip(bars, bars[1:], strict=False)]
    usual = max(median([g for g in gaps if g > settings.snap] or [0.0]), bars[0].thickness)
    runs = [[bars[0]]]
    for gap, bar in zip(gaps, bars[1:], strict=True):
        if gap > settings.split_gaps * usual or gap < -settings.snap:
            runs.append([bar])
        else:
            runs[-1].append(bar)
    # A lone category set apart (a total before the breakdown) is its neighbour's: a
    # chart has two categories at least.
    merged: list[list[Bar]] = []
    for run in runs:
        if merged and (len(_categories(run, settings.snap)) == 1 or len(_categories(merged[-1], settings.snap)) == 1):
            merged[-1] = merged[-1] + run
        else:
            merged.append(run)
    return merged


def _categories(bars: list[Bar], snap: float) -> list[list[Bar]]:
    """Bars that touch side by side are one category's (a grouped chart); a series with
    no bar in a category (a zero) leaves a gap of one bar inside it."""
    categories = [[bars[0]]]
    for bar in bars[1:]:
        if bar.c0 - categories[-1][-1].c1 <= snap:
            categories[-1].append(bar)
        else:
            categories.append([bar])
    # Two runs that together fit one category's width are one category with a bar missing.
    most = max(len(c) for c in categories)
    width = most * bars[0].thickness + snap
    merged = [categories[0]]
    for category in categories[1:]:
        last = merged[-1]
        if len(last) + len(category) <= most and category[-1].c1 - last[0].c0 <= width:
            merged[-1] = last + category
        else:
            merged.append(category)
    return merged


def _is_chart(categories: list[list[Bar]], settings: BarSettings) -> bool:
    bars = [bar for category in categories for bar in category]
    if len(bars) < settings.min_bars or len(categories) < 2 or bars[0].thickness < settings.min_thickness:
        return False
    # A grouped chart draws a bar per series in every category; a zero leaves one out,
    # never most of them (a table's cell fills run on in rows of any length). Series
    # are told apart by colour: two touching bars painted alike are one filled area.
    sizes = [len(category) for category in categories]
    if max(sizes) > 2 * min(sizes):
        return False
    for category in categories:
        for a, b in zip(category, category[1:], strict=False):
            paint_a, paint_b = [m.colour for m in a.marks], [m.colour for m in b.marks]
            if paint_a == paint_b and None not in paint_a:
                return False
    gaps = [b[0].c0 - a[-1].c1 for a, b in zip(categories, categories[1:], strict=False)]
    if median(gaps) > settings.max_gap_ratio * bars[0].thickness:
        return False
    lengths = [bar.v1 - bar.v0 for bar in bars]
    stacked = any(len(bar.marks) > 1 for bar in bars)
    # Equal single rectangles are a table's filled cells or a page's stripes, not values.
    return stacked or max(lengths) - min(lengths) > settings.snap


def find_bar_groups(marks: list[Mark], settings: BarSettings = BarSettings()) -> list[BarGroup]:
    """Every bar chart's bars among ``marks``, the orientation with more bars first."""
    found: list[BarGroup] = []
    for horizontal in (True, False):
        bars = _bars(marks, horizontal, settings.snap)
        keys = [(bar.v0, bar.thickness) for bar in bars]
        for base_run in _cluster([k[0] for k in keys], settings.snap):
            for thick_run in _cluster([keys[i][1] for i in base_run], settings.snap):
                members = [bars[base_run[i]] for i in thick_run]
                if len(members) < settings.min_bars:
                    continue
                for run in _split(members, settings):
                    categories = _categories(run, settings.snap)
                    if _is_chart(categories, settings):
                        baseline = median(bar.v0 for bar in run)
                        group_marks = {m for bar in run for m in bar.marks}
                        found.append(BarGroup(horizontal, baseline, categories, group_marks))
    # A mark is one chart's: the reading with more bars wins.
    found.sort(key=lambda g: -len(g.bars))
    kept: list[BarGroup] = []
    used: set[Mark] = set()
    for group in found:
        if group.marks & used:
            continue
        kept.append(group)
        used |= group.marks
    return kept
