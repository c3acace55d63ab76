"""A bar chart's data: categories × series → values, read from its bars and the text
around them.

- Series are the bars' fill colours; a legend swatch (a small mark of that colour with
  text right of it) names its series and gives the series order.
- A value is the number printed inside a bar's segment or just past its end, matched by
  geometry; else, when the value axis prints its ticks, the segment's length read
  against them (``measured``).
- Category labels stand before the baseline, level with their bars (left of horizontal
  bars, under vertical ones); wrapped lines are joined.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from extractors.page.chart_bars import BarGroup, Box, Mark, c_range, v_range


@dataclass(frozen=True)
class ChartSettings:
    # A label past a bar's end starts within this many font sizes of it.
    end_label_reach: float = 3.0
    # A legend swatch is at most this many points each way.
    max_swatch: float = 20.0
    # Legend text starts within this many font sizes right of its swatch.
    legend_gap: float = 2.0
    # A category label ends within this many font sizes before the baseline.
    label_reach: float = 3.0
    # Under vertical bars, a category label's next line starts within this many font
    # sizes under the one before.
    label_line_gap: float = 0.8
    # Ticks printed in one row (column) line up within this many points.
    tick_align: float = 3.0
    # A legend lies within this many points (across plus down) of its chart's bars and labels.
    legend_reach: float = 150.0
    # Value-axis ticks stand within this many font sizes of the bars.
    tick_reach: float = 4.0
    # Stacked bars whose ends line up within this many points are 100 % stacked.
    full_snap: float = 1.5


@dataclass(frozen=True)
class TextPiece:
    """A run of text on one line, cut at wide gaps (a label, a value, a tick)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    line: int  # index of the page line it was cut from

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.top + self.bottom) / 2)


# A printed value: a sign, digits with thousands separators, a decimal part, then a unit
# sign or word or a bracketed unit (「6,000（億）」 at the end of an axis).
_NUMBER = re.compile(
    r"^[（(]?\s*([-－−▲△]?)\s*([0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?)\s*"
    r"([%％件人社円]?|[（(]\s*[^\d\s（）()]{1,4}\s*[）)])\s*[）)]?$"
)
_UNIT_NOTE = re.compile(
    r"(?:[（(]\s*|単位\s*[:：]\s*)(%|％|件|人|社|円|千円|万円|億円|億|万|千|時間|回|ポイント|倍)\s*[）)]?"
)


def number_of(text: str) -> tuple[float, str] | None:
    """A printed value: ``"5,400"`` → (5400.0, ""), ``"23.8%"`` → (23.8, "%"),
    ``"6,000（億）"`` → (6000.0, "億")."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text.strip()))
    if not match:
        return None
    sign, digits, unit = match.groups()
    value = float(digits.replace(",", ""))
    return (-value if sign else value), unit.strip("（()） ")


def _value(text: str) -> float:
    number = number_of(text)
    assert number is not None  # only numbers are matched to bars
    return number[0]


@dataclass
class ChartSeriesData:
    colour: str | None
    name: str | None = None
    # One (value, measured, piece index) per category; value None where none is read.
    values: list[tuple[float | None, bool, int | None]] = field(default_factory=list)


@dataclass
class ChartReading:
    kind: str
    horizontal: bool
    box: Box
    categories: list[str]
    series: list[ChartSeriesData]
    unit: str | None
    used: set[int]  # pieces that are the chart's labels, values, ticks and legend
    data_note: str | None = None
    # Whether numbers stand by the bars or along an axis: without them, bars are a drawing.
    read: bool = True


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _distance(a: Box, b: Box) -> float:
    dx = max(a[0] - b[2], b[0] - a[2], 0.0)
    dy = max(a[1] - b[3], b[1] - a[3], 0.0)
    return max(dx, dy)


def _series_colours(group: BarGroup) -> list[str | None]:
    """Fill colours in first-drawn order: along a stacked bar from the baseline, down a
    category's bars side by side."""
    order: list[str | None] = []
    for bar in group.bars:
        for mark in bar.marks:
            if mark.colour not in order:
                order.append(mark.colour)
    return order


def _legend_text(swatch: Mark, pieces: list[TextPiece], settings: ChartSettings) -> int | None:
    if max(swatch.x1 - swatch.x0, swatch.bottom - swatch.top) > settings.max_swatch:
        return None
    middle = (swatch.top + swatch.bottom) / 2
    beside = [
        k
        for k, p in enumerate(pieces)
        if 0 <= p.x0 - swatch.x1 <= settings.legend_gap * p.size and p.top - 1 <= middle <= p.bottom + 1
    ]
    return min(beside, key=lambda k: pieces[k].x0) if beside else None


def _legend_order(mark: Mark) -> tuple[int, float]:
    return (round(mark.top / 4), mark.x0)


def _legend(
    colours: list[str | None], swatches: list[Mark], pieces: list[TextPiece], near: Box, settings: ChartSettings
) -> dict[str | None, tuple[Mark, int]]:
    """Colour → (swatch, text piece) of the legend entries near the chart.

    A swatch in the series' colour names it. Pattern fills carry a name of their own in
    the swatch and in the bars; when the swatches no colour matches are as many as the
    series none names, they name them in order (legend order, first-drawn order)."""
    found: dict[str | None, tuple[Mark, int]] = {}
    unmatched: list[tuple[Mark, int]] = []
    for swatch in sorted(swatches, key=lambda m: _distance(m.box, near)):
        if swatch.colour in found:
            continue
        text = _legend_text(swatch, pieces, settings)
        if text is None:
            continue
        if swatch.colour in colours:
            found[swatch.colour] = (swatch, text)
        elif swatch.colour is None or swatch.colour.startswith("pattern:"):
            unmatched.append((swatch, text))
    unnamed = [c for c in colours if c not in found]
    if unnamed and len(unmatched) == len(unnamed):
        unmatched.sort(key=lambda entry: _legend_order(entry[0]))
        found.update(zip(unnamed, unmatched, strict=True))
    return found


def _match_values(group: BarGroup, pieces: list[TextPiece], free: set[int], settings: ChartSettings) -> dict[Mark, int]:
    """Each bar segment's printed value: a number inside it, or just past the bar's end."""
    h = group.horizontal
    pairs: list[tuple[float, Mark, int]] = []
    numeric = [k for k in free if number_of(pieces[k].text) is not None]
    for bar in group.bars:
        for n, mark in enumerate(bar.marks):
            mv0, mv1 = v_range(mark.box, h)
            mc0, mc1 = c_range(mark.box, h)
            for k in numeric:
                piece = pieces[k]
                pv0, pv1 = v_range(piece.box, h)
                pc0, pc1 = c_range(piece.box, h)
                pv, pc = (pv0 + pv1) / 2, (pc0 + pc1) / 2
                if not mc0 - 1 <= pc <= mc1 + 1:
                    continue
                if mv0 - 1 <= pv <= mv1 + 1:
                    pairs.append((abs(pv - (mv0 + mv1) / 2) / max(mv1 - mv0, 1.0), mark, k))
                elif n == len(bar.marks) - 1 and -2 <= pv0 - mv1 <= settings.end_label_reach * piece.size:
                    pairs.append((1.0 + (pv0 - mv1) / piece.size, mark, k))
    matched: dict[Mark, int] = {}
    taken: set[int] = set()
    for _, mark, k in sorted(pairs, key=lambda p: p[0]):
        if mark not in matched and k not in taken:
            matched[mark] = k
            taken.add(k)
    return matched


def _ticks(group: BarGroup, pieces: list[TextPiece], free: set[int], settings: ChartSettings):
    """The value axis: numbers printed in one row (column) outside the bars, growing
    along the axis; returns (value per point, value at v = 0, piece indices) or None."""
    h = group.horizontal
    bars = group.bars
    band = (min(b.c0 for b in bars), max(b.c1 for b in bars))
    v_lo, v_hi = group.baseline, max(b.v1 for b in bars)
    candidates = []
    for k in free:
        number = number_of(pieces[k].text)
        if number is None:
            continue
        pc0, pc1 = c_range(pieces[k].box, h)
        pv0, pv1 = v_range(pieces[k].box, h)
        reach = settings.tick_reach * pieces[k].size
        outside = band[0] - reach <= pc1 <= band[0] + 1 or band[1] - 1 <= pc0 <= band[1] + reach
        span = v_hi - v_lo
        if outside and v_lo - span * 0.2 - 2 * pieces[k].size <= (pv0 + pv1) / 2 <= v_hi + span + 2 * pieces[k].size:
            candidates.append((k, number[0], (pv0 + pv1) / 2, pc0, pc1))
    best = None
    for anchor in candidates:
        row = [
            c
            for c in candidates
            if abs(c[3] - anchor[3]) <= settings.tick_align or abs(c[4] - anchor[4]) <= settings.tick_align
        ]
        row.sort(key=lambda c: c[2])
        # The anchor's axis: its neighbours while the numbers keep growing (another
        # chart's axis may continue the row).
        at = row.index(anchor)
        lo, hi = at, at
        while lo > 0 and row[lo - 1][1] < row[lo][1]:
            lo -= 1
        while hi + 1 < len(row) and row[hi + 1][1] > row[hi][1]:
            hi += 1
        row = row[lo : hi + 1]
        if len(row) < 2:
            continue
        if best is None or len(row) > len(best):
            best = row
    if best is None:
        return None
    n = len(best)
    mean_p = sum(c[2] for c in best) / n
    mean_v = sum(c[1] for c in best) / n
    var = sum((c[2] - mean_p) ** 2 for c in best)
    slope = sum((c[2] - mean_p) * (c[1] - mean_v) for c in best) / var
    intercept = mean_v - slope * mean_p
    # Ticks evenly spaced: a straight line through them, within a tenth of a step.
    step = (best[-1][1] - best[0][1]) / max(n - 1, 1)
    if any(abs(slope * c[2] + intercept - c[1]) > 0.1 * step for c in best):
        return None
    return slope, intercept, [c[0] for c in best]


def _axis_title(group: BarGroup, pieces: list[TextPiece], free: set[int], ticks: list[int]) -> set[int]:
    """The value axis's title: text right beyond its ticks (under them for horizontal
    bars, left of them for vertical ones), within the ticks' span."""
    h = group.horizontal
    tick_boxes = [pieces[k].box for k in ticks]
    span = (min(v_range(b, h)[0] for b in tick_boxes), max(v_range(b, h)[1] for b in tick_boxes))
    band = (min(b.c0 for b in group.bars), max(b.c1 for b in group.bars))
    c_lo = min(c_range(b, h)[0] for b in tick_boxes)
    c_hi = max(c_range(b, h)[1] for b in tick_boxes)
    after = c_hi >= band[1]  # the ticks stand after the bars in c (under horizontal bars)
    found = set()
    for k in free:
        pv0, pv1 = v_range(pieces[k].box, h)
        pc0, pc1 = c_range(pieces[k].box, h)
        reach = 1.5 * pieces[k].size
        beyond = 0 <= pc0 - c_hi <= reach if after else 0 <= c_lo - pc1 <= reach
        if beyond and span[0] <= (pv0 + pv1) / 2 <= span[1]:
            found.add(k)
    return found


def _join(texts: list[str]) -> str:
    """Wrapped label lines as one label: Japanese joins with nothing between, an
    all-Latin label with a space."""
    texts = [t.strip() for t in texts]
    japanese = any(not ch.isascii() for t in texts for ch in t)
    return ("" if japanese else " ").join(texts)


def _category_labels(
    group: BarGroup, pieces: list[TextPiece], free: set[int], settings: ChartSettings
) -> tuple[list[str], set[int]]:
    h = group.horizontal
    cats = group.categories
    bands = [(min(b.c0 for b in cat), max(b.c1 for b in cat)) for cat in cats]
    # A category's band reaches halfway to its neighbours (and as far out at the ends).
    edges = [(a[1] + b[0]) / 2 for a, b in zip(bands, bands[1:], strict=False)]
    half = [(b[0] - a[1]) / 2 for a, b in zip(bands, bands[1:], strict=False)]
    pad = min(half) if half else 0.0
    lows = [bands[0][0] - pad, *edges]
    highs = [*edges, bands[-1][1] + pad]
    before = []
    for k in free:
        pv0, pv1 = v_range(pieces[k].box, h)
        if pv1 <= group.baseline + 2:
            before.append((k, pv0, pv1))
    near = [b for b in before if group.baseline - b[2] <= settings.label_reach * pieces[b[0]].size]
    if not near:
        return ["" for _ in cats], set()
    reach = min(b[1] for b in near) - 1  # left of horizontal bars: the labels' column
    labels, used = [], set()
    for low, high in zip(lows, highs, strict=True):
        mine = []
        for k, _, pv1 in sorted(before, key=lambda b: -b[2]):
            pc0, pc1 = c_range(pieces[k].box, h)
            if not low <= (pc0 + pc1) / 2 <= high:
                continue
            if h and pv1 > reach:
                mine.append(k)
            elif not h:
                # Under vertical bars a label's lines follow one another down from the
                # baseline (a label set one character a line runs deep).
                edge = pieces[mine[-1]].bottom if mine else None
                gap = pieces[k].top - edge if edge is not None else group.baseline - pv1
                if gap <= (settings.label_line_gap if mine else settings.label_reach) * pieces[k].size:
                    mine.append(k)
                elif mine:
                    break
        mine.sort(key=lambda k: (round(pieces[k].top), pieces[k].x0))
        labels.append(_join([pieces[k].text for k in mine]))
        used |= set(mine)
    return labels, used


def chart_extent(group: BarGroup, pieces: list[TextPiece], settings: ChartSettings = ChartSettings()) -> Box:
    """The bars, the labels before them and the value axis: where a chart's legend is
    looked for."""
    every = set(range(len(pieces)))
    _, label_pieces = _category_labels(group, pieces, every, settings)
    ticks = _ticks(group, pieces, every - label_pieces, settings)
    near = label_pieces | set(ticks[2] if ticks else [])
    return _union([group.box, *(pieces[k].box for k in near)])


def _kind(group: BarGroup, settings: ChartSettings) -> str:
    if group.stacked:
        ends = [bar.v1 for bar in group.bars]
        return "stacked-bar-100" if max(ends) - min(ends) <= settings.full_snap else "stacked-bar"
    return "grouped-bar" if group.grouped else "bar"


def _rounded(value: float) -> float:
    return round(value, 1)


def read_chart(
    group: BarGroup,
    pieces: list[TextPiece],
    swatches: list[Mark],
    taken: Collection[int] = (),
    settings: ChartSettings = ChartSettings(),
) -> ChartReading:
    """The data of one bar chart; ``taken`` are pieces another chart has read."""
    h = group.horizontal
    free = set(range(len(pieces))) - set(taken)
    single = not group.grouped and not group.stacked
    colours = _series_colours(group)
    legend = _legend(colours, swatches, pieces, group.box, settings)
    if single:
        # One bar per category: one series whatever the colours (a highlighted bar).
        colours = [colours[0]] if len(colours) == 1 or not legend else [next(iter(legend))]
        legend = {c: e for c, e in legend.items() if c in colours}
    elif len(legend) == len(colours):
        colours.sort(key=lambda c: _legend_order(legend[c][0]))
    used = {k for _, k in legend.values()}
    free -= used
    matched = _match_values(group, pieces, free, settings)
    free -= set(matched.values())
    ticks = _ticks(group, pieces, free, settings)
    if ticks is not None:
        free -= set(ticks[2])
    if ticks is not None:
        title = _axis_title(group, pieces, free, ticks[2])
        free -= title
        used |= title
    categories, label_pieces = _category_labels(group, pieces, free, settings)
    series = [
        ChartSeriesData(colour=c, name=pieces[legend[c][1]].text.strip() if c in legend else None) for c in colours
    ]
    for category in group.categories:
        for data in series:
            marks = [m for bar in category for m in bar.marks if single or m.colour == data.colour]
            if not marks:
                data.values.append((None, False, None))
                continue
            mark = marks[0]
            if mark in matched:
                data.values.append((_value(pieces[matched[mark]].text), False, matched[mark]))
            elif ticks is not None:
                v0, v1 = v_range(mark.box, h)
                data.values.append((_rounded(ticks[0] * (v1 - v0)), True, None))
            else:
                data.values.append((None, False, None))
    unit_texts = [pieces[k].text for k in [*matched.values(), *(ticks[2] if ticks else [])]]
    units = {number[1] for number in map(number_of, unit_texts) if number is not None}
    units.discard("")
    unit = "%" if units & {"%", "％"} else (units.pop() if len(units) == 1 else None)
    used |= set(matched.values()) | label_pieces | set(ticks[2] if ticks else [])
    boxes = [m.box for bar in group.bars for m in bar.marks] + [pieces[k].box for k in used]
    boxes += [legend[c][0].box for c in colours if c in legend]
    box = _union(boxes)
    if unit is None:
        for k in free:
            if _distance(pieces[k].box, box) <= 2 * pieces[k].size:
                found = _UNIT_NOTE.search(pieces[k].text)
                if found:
                    unit = found.group(1)
                    used.add(k)
                    box = _union([box, pieces[k].box])
                    break
    notes = []
    if any(not label for label in categories):
        notes.append("a category's label was not found")
    read = sum(v[0] is not None for s in series for v in s.values)
    bars = sum(1 for bar in group.bars for _ in bar.marks)
    if read < bars / 2:
        notes.append("fewer than half the bars print a value and the value axis has no ticks to measure against")
    return ChartReading(
        kind=_kind(group, settings),
        horizontal=h,
        box=box,
        categories=categories,
        series=series,
        unit=unit,
        used=used,
        data_note="; ".join(notes) or None,
        read=ticks is not None or len(matched) >= bars / 2,
    )
