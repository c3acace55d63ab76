"""Ruled tables of one page: grid, cell text, header rows, caption, notes, call-outs.

Steps, each in its own module: ruled grids with merged cells (``table_grid``),
call-out boxes drawn over the table (``table_callouts``), cell text with wraps
re-joined (``table_text``), the caption and its number (``captions``). This module
puts them together and finds what is printed around a table (caption, sub-heading,
※ legends).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from docmodel.document import BBox, Block, Cell, Table
from extractors.geometry import SAME_TYPE_SIZE_PT, middle_of
from extractors.page.lines import LineMemo, TextLine, group_lines
from extractors.page.orientation import is_horizontal
from extractors.page.table_across import AcrossSettings, across_grids
from extractors.page.table_band import TitleBand, bar_on_top, below_band, title_band
from extractors.page.table_callouts import (
    CalloutBoxSettings,
    CalloutSettings,
    callout_boxes,
    find_callouts,
    lines_in_boxes,
)
from extractors.page.table_charts import ChartSettings, drawn_as_bars, looks_like_chart
from extractors.page.table_grid import (
    Grid,
    GridCell,
    GridSettings,
    assign_chars,
    box_shapes,
    find_grids,
    is_white,
    ruling_segments,
)
from extractors.page.table_text import (
    CellLine,
    CellTextSettings,
    cell_lines,
    cell_text,
    cell_visual_lines,
    char_ids_in_box,
    chars_by_cell,
    estimate_padding,
    lines_from_text,
    vertical_text,
)
from extractors.page.table_unruled import UnruledSettings, recover_unruled
from extractors.text.captions import is_table_caption, parse_caption
from extractors.text.lexicon import PRINTED_PAGE_NUMBER
from extractors.text.linebreak import join_wrapped_lines
from extractors.text.markers import NOTE_MARKS


@dataclass(frozen=True)
class TableSettings:
    grid: GridSettings = field(default_factory=GridSettings)
    text: CellTextSettings = field(default_factory=CellTextSettings)
    callouts: CalloutSettings = field(default_factory=CalloutSettings)
    callout_boxes: CalloutBoxSettings = field(default_factory=CalloutBoxSettings)
    charts: ChartSettings = field(default_factory=ChartSettings)
    unruled: UnruledSettings = field(default_factory=UnruledSettings)
    across: AcrossSettings = field(default_factory=AcrossSettings)
    # A line belongs to the table when this share of its height lies inside the table box.
    inside_share: float = 0.5
    # Text printed with a table (caption, legends) lies within this many line heights of it.
    max_gap_lines: float = 3.0
    # A caption without a number is centred on the table within this share of its width.
    caption_centre_share: float = 0.1
    # Legend lines under a table without a ※ mark: at most this many.
    max_unmarked_note_lines: int = 3
    # At most this many leading rows can be a header.
    max_header_rows: int = 3


@dataclass
class TablesOnPage:
    tables: list[Table]
    consumed_lines: set[int]  # indices into `lines` used by tables
    # What consumed lines leave outside every table (a run crossing the table's side, a
    # glyph jutting past it: cells take chars by their centre): page text still.
    leftover: list[TextLine] = field(default_factory=list)


def _in_box(char: dict, box: dict) -> bool:
    x, y = middle_of(char)
    return box["x0"] <= x <= box["x1"] and box["top"] <= y <= box["bottom"]


def _leftover(
    lines: list[TextLine], ids: set[int], chars: list[dict], boxes: list[dict], memo: LineMemo | None = None
) -> list[TextLine]:
    """The parts of the lines ``ids`` whose chars lie in none of ``boxes``, as lines."""
    out: list[TextLine] = []
    for i in sorted(ids):
        outside = [k for k in lines[i].char_ids if not any(_in_box(chars[k], b) for b in boxes)]
        if outside:
            out += group_lines([chars[k] for k in outside], char_ids=outside, memo=memo)
    return out


_NOTE_MARK = re.compile("^\\s*[" + "".join(sorted(NOTE_MARKS)) + "]")


def _inside(line: TextLine, box: dict, share: float) -> bool:
    height = max(line.bottom - line.top, 0.1)
    overlap_y = min(line.bottom, box["bottom"]) - max(line.top, box["top"])
    overlap_x = min(line.x1, box["x1"]) - max(line.x0, box["x0"])
    return overlap_y >= share * height and overlap_x > 0


def _is_filled(box: dict, fills: list[dict]) -> bool:
    cx, cy = (box["x0"] + box["x1"]) / 2, (box["top"] + box["bottom"]) / 2
    return any(r["x0"] <= cx <= r["x1"] and r["top"] <= cy <= r["bottom"] for r in fills)


def _filled_rects(page, grid: Grid) -> list[dict]:
    """Non-white filled rects inside the table (header fill)."""
    box = grid.bbox
    out = []
    for rect in box_shapes(page):
        if not rect.get("fill") or rect["x1"] - rect["x0"] > 1.01 * (box["x1"] - box["x0"]):
            continue
        if not is_white(rect) and rect["top"] >= box["top"] - 2 and rect["bottom"] <= box["bottom"] + 2:
            out.append(rect)
    return out


@dataclass
class _CellDraft:
    cell: GridCell
    lines: list[TextLine]
    filled: bool
    text: str = ""
    raw_text: str = ""
    logical: list[CellLine] = field(default_factory=list)

    @property
    def bold(self) -> bool:
        chars = [c for line in self.lines for c in line.chars if c["text"].strip()]
        return bool(chars) and sum("bold" in c["fontname"].lower() for c in chars) >= 0.8 * len(chars)

    def centred(self, tol: float) -> bool:
        centre = (self.cell.x0 + self.cell.x1) / 2
        return bool(self.lines) and all(abs((line.x0 + line.x1) / 2 - centre) <= tol for line in self.lines)

    def indented(self, padding: float, tol: float) -> bool:
        return any(line.x0 - self.cell.x0 > padding + tol for line in self.lines)


def _header_rows(drafts: list[_CellDraft], n_rows: int, padding: float, settings: TableSettings) -> int:
    """Leading rows set apart from the body by fill, bold type or centring."""
    by_row: dict[int, list[_CellDraft]] = {}
    for d in drafts:
        by_row.setdefault(d.cell.row, []).append(d)

    tol = settings.text.centre_tolerance

    def signature(row: int) -> tuple[bool, bool, bool]:
        cells = [d for d in by_row.get(row, []) if d.lines]
        if not cells:
            return (False, False, False)
        return (
            all(d.filled for d in cells),
            all(d.bold for d in cells),
            # Centred: every line on its cell's axis, and some visibly indented (a line
            # that fills its cell is on the axis whatever the alignment).
            all(d.centred(tol) for d in cells) and any(d.indented(padding, tol) for d in cells),
        )

    body = signature(n_rows - 1)
    count = 0
    for row in range(min(settings.max_header_rows, n_rows - 1)):
        sig = signature(row)
        if any(s and not b for s, b in zip(sig, body, strict=False)):
            count = row + 1
        else:
            break
    # A header cell spanning rows takes the rows it covers into the header.
    for d in drafts:
        if d.cell.row < count:
            count = max(count, d.cell.row + d.cell.rowspan)
    return count if count < n_rows else 0


def _above_below(lines: list[TextLine], candidates: list[int], box: dict) -> tuple[list[int], list[int]]:
    above = sorted((i for i in candidates if lines[i].bottom <= box["top"] + 1), key=lambda i: lines[i].top)
    below = sorted((i for i in candidates if lines[i].top >= box["bottom"] - 1), key=lambda i: lines[i].top)
    return above, below


def _stack(lines: list[TextLine], ordered: list[int], start: float, max_gap_lines: float, upward: bool) -> list[int]:
    """Lines forming one contiguous stack from ``start`` (a table edge) outwards."""
    out: list[int] = []
    edge = start
    for i in reversed(ordered) if upward else ordered:
        line = lines[i]
        gap = edge - line.bottom if upward else line.top - edge
        if gap > max_gap_lines * line.size:
            break
        out.append(i)
        edge = line.top if upward else line.bottom
    return out[::-1] if upward else out


def _collect_notes(lines: list[TextLine], ids: list[int]) -> list[str]:
    """※ legend lines; a line without a mark continues the note above it."""
    notes: list[str] = []
    for i in ids:
        text = lines[i].text
        if notes and not _NOTE_MARK.match(text):
            notes[-1] = join_wrapped_lines([notes[-1], text])
        else:
            notes.append(text)
    return notes


def _surroundings(
    lines: list[TextLine], free: list[int], box: dict, table_size: float, settings: TableSettings
) -> dict:
    above, below = _above_below(lines, free, box)
    # Restrict to lines horizontally overlapping the table.
    above = [i for i in above if lines[i].x1 > box["x0"] and lines[i].x0 < box["x1"]]
    below = [i for i in below if lines[i].x1 > box["x0"] and lines[i].x0 < box["x1"]]
    out: dict[str, Any] = {"caption": None, "heading": [], "notes": [], "note_position": None, "used": []}

    # Caption: the nearest numbered caption line above, else a centred title-like line.
    caption_at = None
    for i in reversed(above):
        if is_table_caption(lines[i].text):
            caption_at = i
            break
    if caption_at is None:
        centre = (box["x0"] + box["x1"]) / 2
        width = box["x1"] - box["x0"]
        for i in reversed(above):
            line = lines[i]
            if _NOTE_MARK.match(line.raw_text):
                continue
            if (
                abs((line.x0 + line.x1) / 2 - centre) <= settings.caption_centre_share * width
                and line.size > table_size
            ):
                caption_at = i
                break
    if caption_at is None:
        # A left-aligned title in larger type right above the table is its caption too.
        nearest = next((i for i in reversed(above) if not _NOTE_MARK.match(lines[i].raw_text)), None)
        if nearest is not None:
            line = lines[nearest]
            flush_left = abs(line.x0 - box["x0"]) <= settings.caption_centre_share * (box["x1"] - box["x0"])
            close = box["top"] - line.bottom <= settings.max_gap_lines * line.size
            if flush_left and close and line.size > table_size and not line.text.rstrip().endswith("。"):
                caption_at = nearest
    if caption_at is not None:
        out["caption"] = caption_at
        out["used"].append(caption_at)
        between = [i for i in above if lines[i].top >= lines[caption_at].bottom - 1 and i != caption_at]
        heading: list[int] = []
        notes: list[int] = []
        for i in between:
            if notes or _NOTE_MARK.match(lines[i].raw_text):
                notes.append(i)
            else:
                heading.append(i)
        out["heading"] = heading
        out["used"] += heading + notes
        if notes:
            out["notes"] = _collect_notes(lines, notes)
            out["note_position"] = "above"

    # Legends printed under the table: a stack starting right below it.
    stack = [i for i in _stack(lines, below, box["bottom"], settings.max_gap_lines, upward=False)]
    stack = [i for i in stack if not PRINTED_PAGE_NUMBER.match(lines[i].raw_text)]
    # Unmarked lines count only as a short stack in smaller type (a remark, not body text).
    marked = bool(stack) and bool(_NOTE_MARK.match(lines[stack[0]].raw_text))
    small = (
        bool(stack)
        and len(stack) <= settings.max_unmarked_note_lines
        and all(lines[i].size < table_size - 0.25 for i in stack)
    )
    if marked or small:
        stack = [i for i in stack if lines[i].size <= max(table_size, lines[stack[0]].size) + SAME_TYPE_SIZE_PT]
        out["used"] += stack
        if not out["notes"]:
            out["notes"] = _collect_notes(lines, stack)
            out["note_position"] = "below"
        else:
            out["notes"] += _collect_notes(lines, stack)
    return out


def _callout_block(callout, page_number: int) -> Block:
    return Block(
        page=page_number, type="callout", text=callout.text, raw_text=callout.raw_text, bbox=BBox.of(callout.bbox)
    )


def _table_grids(
    page,
    lines: list[TextLine],
    chars: list[dict],
    settings: TableSettings,
    memo: LineMemo | None = None,
    bar_boxes: Sequence[tuple[float, float, float, float]] = (),
) -> tuple[list[tuple[Grid, TitleBand | None]], list[dict]]:
    """The page's tables as grids, each with its title band if its first row is one, and the
    call-out boxes drawn over them (which bound no cell)."""

    def tables(grids: list[Grid]) -> list[Grid]:
        return [
            g
            for g in grids
            if not drawn_as_bars(g, bar_boxes)
            and not looks_like_chart(g, assign_chars(g, chars), lines, page.bbox, settings.charts, settings.grid)
        ]

    def found(exclude: tuple[dict, ...] = ()) -> list[Grid]:
        ruled = find_grids(page, settings.grid, exclude)
        horizontals, verticals = ruling_segments(page, settings.grid, exclude)
        across = across_grids(horizontals, verticals, chars, ruled, settings.across, settings.grid)
        return tables(sorted(ruled + across, key=lambda g: (g.ys[0], g.xs[0])))

    grids = found()
    shapes = list(page.rects) + list(page.curves)
    boxes = [box for grid in grids for box in callout_boxes(shapes, grid, lines, settings.callout_boxes)]
    if boxes:
        grids = found(tuple(boxes))
    out: list[tuple[Grid, TitleBand | None]] = []
    for grid in grids:
        band = title_band(grid, chars) or bar_on_top(grid, chars, settings.grid.snap_tolerance)
        if band is not None and band.kind != "table":
            continue  # a figure's frame
        if band is not None:
            grid = below_band(grid, chars)
        out.append((recover_unruled(grid, chars, settings.unruled, memo), band))
    return out, boxes


def _overlaps(box: dict, table: dict) -> bool:
    """A call-out box drawn over the table (a bubble may reach past its edge)."""
    return (
        box["x0"] < table["x1"]
        and box["x1"] > table["x0"]
        and box["top"] < table["bottom"]
        and box["bottom"] > table["top"]
    )


def extract_tables(
    page,
    lines: list[TextLine],
    page_number: int,
    settings: TableSettings = TableSettings(),
    bar_boxes: Sequence[tuple[float, float, float, float]] = (),
) -> TablesOnPage:
    """The page's ruled tables; ``bar_boxes`` are the boxes of bar charts' bars (a grid
    their segments make is a chart's)."""
    chars = list(page.chars)  # rotated chars too: a vertical header label is cell text
    # The page's lines and every band and cell after them group the same chars: one memo.
    memo = LineMemo(lines)
    found, boxes = _table_grids(page, lines, chars, settings, memo, bar_boxes)
    if not found:
        return TablesOnPage([], set())
    grids = [grid for grid, _ in found]
    consumed: set[int] = set()
    in_callouts: set[int] = set()  # a call-out is read whole, even past the table's edge
    tables: list[Table] = []
    inside_ids = [[i for i, line in enumerate(lines) if _inside(line, g.bbox, settings.inside_share)] for g in grids]
    for index, (grid, band) in enumerate(found):
        box = grid.bbox
        table_lines = [lines[i] for i in inside_ids[index]]
        consumed.update(inside_ids[index])
        band_ids = [i for i, line in enumerate(lines) if band and _inside(line, band.box, settings.inside_share)]
        consumed.update(band_ids)
        callouts = lines_in_boxes(table_lines, [b for b in boxes if _overlaps(b, box)])
        boxed = {id(line) for callout in callouts for line in callout.lines}
        callouts += find_callouts([line for line in table_lines if id(line) not in boxed], grid, settings.callouts)
        callout_ids = {i for callout in callouts for line in callout.lines for i in line.char_ids}
        in_callouts.update(id(line) for callout in callouts for line in callout.lines)
        by_cell = chars_by_cell(grid, chars, char_ids_in_box(chars, box, callout_ids))
        fills = _filled_rects(page, grid)
        verticals = [vertical_text([chars[k] for k in ids], settings.text) for ids in by_cell]
        drafts = []
        for gc, ids in zip(grid.cells, by_cell, strict=True):
            upright = [k for k in ids if is_horizontal(chars[k])]
            drafts.append(
                _CellDraft(
                    gc,
                    cell_visual_lines([chars[k] for k in upright], settings.text, upright, memo),
                    _is_filled(gc.bbox, fills),
                )
            )
        horizontal = [(d.cell.bbox, d.lines) for d, v in zip(drafts, verticals, strict=True) if v is None]
        padding = estimate_padding(horizontal)
        for d, vertical in zip(drafts, verticals, strict=True):
            if vertical is not None:
                d.logical = lines_from_text(vertical)
            else:
                d.logical = cell_lines(d.lines, d.cell.bbox, padding, settings.text)
            d.text, d.raw_text = cell_text(d.logical)
        body_sizes = sorted(line.size for d in drafts for line in d.lines)
        table_size = body_sizes[len(body_sizes) // 2] if body_sizes else 0.0

        taken = set(consumed)
        for other in inside_ids:
            taken.update(other)
        free = [i for i in range(len(lines)) if i not in taken]
        around = _surroundings(lines, free, box, table_size, settings)
        consumed.update(around["used"])
        caption = parse_caption(lines[around["caption"]].text) if around["caption"] is not None else None
        if band is not None:
            caption = parse_caption(band.text)
        heading = join_wrapped_lines([lines[i].text for i in around["heading"]]) or None

        rows: list[list[Cell]] = [[] for _ in range(grid.n_rows)]
        for d in drafts:
            gc = d.cell
            rows[gc.row].append(
                Cell(
                    row=gc.row,
                    col=gc.col,
                    rowspan=gc.rowspan,
                    colspan=gc.colspan,
                    text=d.text,
                    raw_text=d.raw_text,
                    bbox=BBox.of(gc.bbox),
                ).with_lines(d.logical)
            )
        for row in rows:
            row.sort(key=lambda c: c.col)
        tables.append(
            Table(
                id=f"p{page_number}-t{index}",
                page=page_number,
                bbox=BBox.of(box),
                caption=caption.caption if caption else None,
                caption_id=caption.caption_id if caption else None,
                part=caption.part if caption else None,
                heading=heading,
                n_rows=grid.n_rows,
                n_cols=grid.n_cols,
                header_rows=_header_rows(drafts, grid.n_rows, padding, settings),
                notes=around["notes"],
                note_position=around["note_position"],
                callouts=[_callout_block(c, page_number) for c in callouts],
                rows=rows,
            ).with_parsed_caption(caption)
        )
    table_ids = {i for ids in inside_ids for i in ids if id(lines[i]) not in in_callouts}
    return TablesOnPage(tables, consumed, _leftover(lines, table_ids, chars, [g.bbox for g in grids], memo))
