"""Figures of one page: bar charts found from their drawing, read as data, with their
words taken out of the block flow.

A chart is found from its bars (``chart_bars``), never from its words; its words are
then the runs of text it reads as labels, values, ticks and legend, and every other run
inside the box they make. Its caption is the numbered figure caption (the grammar tables
use) or the title line right above it; its notes the ※/注/出典 lines right under it. The
caption and notes stay in the block flow (a reader reads them as running text); the
figure repeats their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docmodel.document import BBox, Block, ChartSeries, ChartValue, Figure, Note
from extractors.document.unit_ids import figure_text_id
from extractors.page.chart_bars import BarGroup, BarSettings, Box, Mark, filled_marks, find_bar_groups, gap
from extractors.page.chart_data import ChartReading, ChartSettings, TextPiece, chart_extent, number_of, read_chart
from extractors.page.lines import TextLine
from extractors.text.captions import numbers_a_figure, parse_caption
from extractors.text.normalize import normalize_chars


@dataclass(frozen=True)
class FigureSettings:
    bars: BarSettings = field(default_factory=BarSettings)
    chart: ChartSettings = field(default_factory=ChartSettings)
    # A line's chars further apart than this many font sizes are two runs (label | value).
    piece_gap: float = 0.6
    # Inside a run, a gap wider than this many font sizes prints a space.
    space_gap: float = 0.25
    # A line is the figure's when this share of its chars lies in the figure's box.
    inside_share: float = 0.5
    # An unnumbered title sits within this many line heights above the chart; a numbered
    # figure caption within the larger reach.
    title_reach: float = 3.0
    caption_reach: float = 8.0
    # Notes start within this many line heights under the chart (and under each other).
    note_reach: float = 2.0


_NOTE_START = re.compile(r"^\s*(?:※|＊|\*|[（(【]?\s*(?:注|出典|資料|出所|対象)|[（(]?\s*[nＮｎN]\s*[=＝])")


@dataclass
class FoundFigures:
    figures: list[Figure]
    labels: list[Block]  # text printed inside the figures, figure by figure (type "label")
    line_ids: set[int]  # page lines that are figure labels (they leave the body's block flow)


def _words(run: list[dict], settings: FigureSettings) -> list[list[dict]]:
    """A run cut at its spaces where numbers stand on both sides (an axis's ticks set
    close together), kept whole elsewhere (a label's words)."""
    words: list[list[dict]] = []
    for prev, char in zip([None, *run], run, strict=False):
        if prev is None or char["x0"] - prev["x1"] > settings.space_gap * char["size"]:
            words.append([char])
        else:
            words[-1].append(char)
    out: list[list[dict]] = []
    for word in words:
        text = "".join(c["text"] for c in word)
        if out and not (number_of(text) and number_of("".join(c["text"] for c in out[-1]))):
            out[-1] = out[-1] + word
        else:
            out.append(word)
    return out


def _pieces_of(line: TextLine, index: int, settings: FigureSettings) -> list[TextPiece]:
    if line.rotated:
        return [TextPiece(line.raw_text, line.x0, line.top, line.x1, line.bottom, line.size, index)]
    runs: list[list[dict]] = []
    for char in sorted((c for c in line.chars if c["text"].strip()), key=lambda c: c["x0"]):
        if runs and char["x0"] - runs[-1][-1]["x1"] <= settings.piece_gap * max(char["size"], 1.0):
            runs[-1].append(char)
        else:
            runs.append([char])
    pieces = []
    for run in [word for chars in runs for word in _words(chars, settings)]:
        text = ""
        for prev, char in zip([None, *run], run, strict=False):
            if prev is not None and char["x0"] - prev["x1"] > settings.space_gap * char["size"]:
                text += " "
            text += char["text"]
        size = max(c["size"] for c in run)
        x0, x1 = min(c["x0"] for c in run), max(c["x1"] for c in run)
        top, bottom = min(c["top"] for c in run), max(c["bottom"] for c in run)
        pieces.append(TextPiece(text, x0, top, x1, bottom, size, index))
    return pieces


def _inside(char: dict, box: Box, pad: float = 2.0) -> bool:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def _across(line: TextLine, box: Box) -> float:
    """How far a line runs across a box's width (negative: how far beside it)."""
    return min(line.x1, box[2]) - max(line.x0, box[0])


def _overlaps_across(line: TextLine, box: Box) -> bool:
    return line.x0 < box[2] and line.x1 > box[0]


def _caption(lines: list[TextLine], candidates: set[int], box: Box, settings: FigureSettings) -> TextLine | None:
    """The nearest numbered figure caption above the chart (over it, else the nearest
    across), else a title line right above it."""
    above = [lines[i] for i in candidates if lines[i].bottom <= box[1] + 1 and not lines[i].rotated]
    numbered = [
        line
        for line in above
        if numbers_a_figure(parse_caption(line.text)) and box[1] - line.bottom <= settings.caption_reach * line.size
    ]
    if numbered:
        return min(numbered, key=lambda line: (max(-_across(line, box), 0.0), box[1] - line.bottom))
    near = [
        line
        for line in above
        if _overlaps_across(line, box) and box[1] - line.bottom <= settings.title_reach * line.size
    ]
    return max(near, key=lambda line: line.bottom) if near else None


def _notes(lines: list[TextLine], candidates: set[int], box: Box, settings: FigureSettings) -> list[str]:
    below = sorted(
        (lines[i] for i in candidates if lines[i].top >= box[3] - 1),
        key=lambda line: line.top,
    )
    notes: list[str] = []
    edge, indent, size = box[3], 0.0, 0.0
    for line in below:
        if line.top - edge > settings.note_reach * line.size:
            break
        if _NOTE_START.match(line.text):
            notes.append(line.text)
            indent, size = line.x0 + 0.5 * line.size, line.size
        elif notes and line.x0 >= indent and abs(line.size - size) <= 0.5:
            notes[-1] += line.text  # a note's wrapped line hangs under its text
        else:
            break
        edge = line.bottom
    return notes


def _bbox(box: Box) -> BBox:
    return BBox(x0=box[0], top=box[1], x1=box[2], bottom=box[3])


def _figure(
    figure_id: str,
    page_number: int,
    reading: ChartReading,
    pieces: list[TextPiece],
    own_lines: list[int],
    caption: TextLine | None,
    notes: list[str],
) -> tuple[Figure, list[Block]]:
    """The figure and its labels (blocks of type "label", top to bottom)."""
    own = sorted((k for k, p in enumerate(pieces) if p.line in own_lines), key=lambda k: (pieces[k].top, pieces[k].x0))
    text_ids = {k: figure_text_id(figure_id, n) for n, k in enumerate(own, start=1)}
    labels = [
        Block(
            id=text_ids[k],
            page=page_number,
            type="label",
            figure_id=figure_id,
            text=normalize_chars(pieces[k].text),
            raw_text=pieces[k].text,
            bbox=_bbox(pieces[k].box),
        )
        for k in own
    ]
    for label in labels:
        if label.raw_text == label.text:
            label.raw_text = None
    # A remark set on the title's line (※複数回答) is not the title.
    title = caption.text.split("※")[0].strip() if caption is not None else ""
    parsed = parse_caption(title) if title else None
    figure = Figure(
        id=figure_id,
        page=page_number,
        bbox=_bbox(reading.box),
        kind=reading.kind,
        orientation="horizontal" if reading.horizontal else "vertical",
        caption=parsed.caption if parsed else None,
        caption_id=parsed.caption_id if parsed and numbers_a_figure(parsed) else None,
        unit=reading.unit,
        categories=reading.categories,
        series=[
            ChartSeries(
                name=None if s.name is None else normalize_chars(s.name),
                colour=s.colour if s.colour and s.colour.startswith("#") else None,
                values=[
                    ChartValue(value=v, measured=m, unit_id=text_ids.get(k) if k is not None else None)
                    for v, m, k in s.values
                ],
            )
            for s in reading.series
        ],
        notes=[Note(id=f"{figure_id}.n{n}", text=text) for n, text in enumerate(notes, start=1)],
        data_note=reading.data_note,
    )
    return figure, labels


@dataclass
class ChartDrawing:
    """The page's filled marks and the bar charts among them (found before the tables:
    a grid a chart's bars make is no table)."""

    marks: list[Mark]
    groups: list[BarGroup]

    @property
    def bar_boxes(self) -> list[Box]:
        return [g.box for g in self.groups]


def _is_rectangle(curve: dict, snap: float = 0.5) -> bool:
    """A path whose corners make an upright rectangle (a bar drawn as m l l l l, not re)."""
    points = curve.get("pts") or []
    xs = sorted({round(float(x) / snap) for x, _ in points})
    ys = sorted({round(float(y) / snap) for _, y in points})
    return len(points) >= 4 and len(xs) == 2 and len(ys) == 2


def chart_drawing(page: Any, settings: FigureSettings = FigureSettings()) -> ChartDrawing:
    page_box = (float(page.bbox[0]), float(page.bbox[1]), float(page.bbox[2]), float(page.bbox[3]))
    shapes = list(page.rects) + [c for c in page.curves if c.get("fill") and _is_rectangle(c)]
    marks = filled_marks(shapes, page_box, settings.bars)
    return ChartDrawing(marks, find_bar_groups(marks, settings.bars))


def find_figures(
    drawing: ChartDrawing,
    lines: list[TextLine],
    free: set[int],
    page_number: int,
    table_boxes: list[BBox] = [],  # noqa: B006 (read only)
    settings: FigureSettings = FigureSettings(),
) -> FoundFigures:
    """The page's bar charts as figures; ``free`` are the lines no table has taken. Bars
    inside a table (a chart in a cell) are the table's."""

    def in_table(box: Box) -> bool:
        return any(
            b.x0 - 1 <= box[0] and box[2] <= b.x1 + 1 and b.top - 1 <= box[1] and box[3] <= b.bottom + 1
            for b in table_boxes
        )

    groups = [g for g in drawing.groups if not in_table(g.box)]
    if not groups:
        return FoundFigures([], [], set())
    marks = [m for m in drawing.marks if not in_table(m.box)]
    in_bars = {m for g in groups for m in g.marks}
    pieces = [p for i in sorted(free) for p in _pieces_of(lines[i], i, settings)]
    groups.sort(key=lambda g: (round(g.box[1] / 20), g.box[0]))
    extents = [chart_extent(g, pieces, settings.chart) for g in groups]
    # A legend swatch is the nearest chart's of those drawn in its colour.
    swatches: list[list[Mark]] = [[] for _ in groups]
    for mark in marks:
        if mark in in_bars:
            continue
        # A pattern's name is its own in each swatch: a pattern swatch may be any chart's.
        patterned = mark.colour is None or mark.colour.startswith("pattern:")
        near = [(gap(mark.box, extents[k]), k) for k, g in enumerate(groups) if mark.colour in g.colours or patterned]
        if near and min(near)[0] <= settings.chart.legend_reach:
            swatches[min(near)[1]].append(mark)
    readings: list[tuple[ChartReading, list[int]]] = []
    taken_lines: set[int] = set()
    taken: set[int] = set()
    for group, own_swatches in zip(groups, swatches, strict=True):
        reading = read_chart(group, pieces, own_swatches, taken, settings.chart)
        if not reading.read:
            continue  # bars with no number printed by them or along an axis: a drawing
        taken |= reading.used
        own = [
            i
            for i in sorted(free - taken_lines)
            if sum(_inside(c, reading.box) for c in lines[i].chars) >= settings.inside_share * len(lines[i].chars)
            or {k for k in reading.used if pieces[k].line == i}
            and not lines[i].rotated
            and all(_inside(c, reading.box, 2 * lines[i].size) for c in lines[i].chars)
        ]
        taken_lines |= set(own)
        readings.append((reading, own))
    if not readings:
        return FoundFigures([], [], set())
    rest = free - taken_lines
    # A line under the charts is the notes' of the chart it lies most across.
    owner = {i: max(range(len(readings)), key=lambda k: _across(lines[i], readings[k][0].box)) for i in rest}
    figures: list[Figure] = []
    labels: list[Block] = []
    for k, (reading, own) in enumerate(readings):
        caption = _caption(lines, rest, reading.box, settings)
        notes = _notes(lines, {i for i in rest if owner[i] == k}, reading.box, settings)
        figure_id = f"p{page_number}-f{len(figures)}"
        figure, its_labels = _figure(figure_id, page_number, reading, pieces, own, caption, notes)
        figures.append(figure)
        labels += its_labels
    return FoundFigures(figures, labels, taken_lines)
