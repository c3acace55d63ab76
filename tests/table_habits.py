"""One logical table, drawn the many ways producers draw tables (invariance fixtures).

A logical table is plain data: cells with their text and spans, a caption above and a
note below (``Table``). ``layout`` places it on a page (column widths and row heights
from the text). A drawing habit is a function from the table and its layout to PDF
content-stream operators: rules as strokes, as thin fills, as per-cell outlines, as
white gaps between fills, as dots, as curves, under clipping paths, no rules at all…
``render`` writes the one-page PDF, by hand like ``helpers.build_pdf``, so each habit is
exactly the operators a producer emits, nothing a PDF library adds.

Fonts: Helvetica (``/F1``) for Latin text; a non-embedded Adobe-Japan1 CID font for
Japanese, horizontal (``/F2``, UniJIS-UCS2-H) and vertical writing mode (``/F3``,
UniJIS-UCS2-V: one string written down the page). pdfminer reads both through its
bundled CMaps.

Adding a habit is adding a function and a line in ``HABITS``; adding a shape is a line
in ``SHAPES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from helpers import CidFont, cid_string, in_latin_font, latin_string, one_page_pdf, script_runs, text_width

PAGE_W, PAGE_H = 595.0, 842.0
SIZE = 9.0  # cell text
LEADING = 12.0  # baseline to baseline inside a cell
PAD = 4.0  # cell padding
CAPTION_SIZE = 11.0
NOTE_SIZE = 7.5
LEFT, TOP = 72.0, 150.0  # the table's top-left corner (pdfplumber's top-down space)
RULE = 0.5  # rule width
# Room a call-out habit leaves free at the right of the last column.
CALLOUT_ROOM = 90.0


@dataclass(frozen=True)
class Spot:
    """One cell of the logical table; ``text`` has "\\n" at authored line breaks."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    vertical: bool = False  # written down the cell (tategaki), one glyph under the other


@dataclass(frozen=True)
class Table:
    name: str
    n_rows: int
    n_cols: int
    cells: tuple[Spot, ...]
    caption: str
    note: str
    header_rows: int = 1

    def __post_init__(self) -> None:
        covered = [
            (r, c) for s in self.cells for r in range(s.row, s.row + s.rowspan) for c in range(s.col, s.col + s.colspan)
        ]
        assert sorted(covered) == [(r, c) for r in range(self.n_rows) for c in range(self.n_cols)], self.name


@dataclass(frozen=True)
class Layout:
    xs: tuple[float, ...]  # column borders, left to right
    ys: tuple[float, ...]  # row borders, top to bottom (top-down space)

    def box(self, spot: Spot) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a cell."""
        return self.xs[spot.col], self.ys[spot.row], self.xs[spot.col + spot.colspan], self.ys[spot.row + spot.rowspan]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


# --- shapes


def _grid(rows: list[list[str]], caption: str, note: str) -> Table:
    cells = tuple(Spot(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row))
    return Table("", len(rows), len(rows[0]), cells, caption, note)


SIMPLE = replace(
    _grid(
        [["Item", "2022", "2023"], ["Apples", "1,204", "1,310"], ["Pears", "877", "902"], ["Plums", "45.5", "50.1"]],
        "Table 1  Harvest by fruit (t)",
        "Note: preliminary figures.",
    ),
    name="simple",
)

GROUPED = Table(
    "grouped",
    6,
    5,
    (
        Spot(0, 0, "Area", rowspan=2, colspan=2),
        Spot(0, 2, "Population", colspan=2),
        Spot(0, 4, "Homes", rowspan=2),
        Spot(1, 2, "Men"),
        Spot(1, 3, "Women"),
        Spot(2, 0, "East", rowspan=2),
        Spot(2, 1, "City"),
        Spot(2, 2, "120"),
        Spot(2, 3, "131"),
        Spot(2, 4, "98"),
        Spot(3, 1, "Town"),
        Spot(3, 2, "40"),
        Spot(3, 3, "42"),
        Spot(3, 4, "30"),
        Spot(4, 0, "West", rowspan=2),
        Spot(4, 1, "City"),
        Spot(4, 2, "210"),
        Spot(4, 3, "225"),
        Spot(4, 4, "180"),
        Spot(5, 1, "Town"),
        Spot(5, 2, "65"),
        Spot(5, 3, "61"),
        Spot(5, 4, "52"),
    ),
    "Table 2  Population and homes by area (thousands)",
    "Source: census sample.",
    header_rows=2,
)

VERTICAL = Table(
    "vertical",
    4,
    4,
    (
        Spot(0, 0, "番号", vertical=True),
        Spot(0, 1, "都道府県"),
        Spot(0, 2, "件数"),
        Spot(0, 3, "割合"),
        Spot(1, 0, "1"),
        Spot(1, 1, "北海道"),
        Spot(1, 2, "120"),
        Spot(1, 3, "35.2"),
        Spot(2, 0, "2"),
        Spot(2, 1, "青森県"),
        Spot(2, 2, "84"),
        Spot(2, 3, "24.6"),
        Spot(3, 0, "3"),
        Spot(3, 1, "岩手県"),
        Spot(3, 2, "137"),
        Spot(3, 3, "40.2"),
    ),
    "表3 都道府県別の件数",
    "注 割合は回答数に対する比率",
)

MULTILINE = replace(
    _grid(
        [
            ["Measure", "Target", "Status"],
            ["Road repair\nphase 1", "12 km", "done"],
            ["Bridges", "", "planned\nfor 2026"],
            ["Street lights\nand signs", "340", ""],
        ],
        "Table 4  Works programme",
        "Empty cells: no target set.",
    ),
    name="multiline",
)

SHAPES: dict[str, Table] = {t.name: t for t in (SIMPLE, GROUPED, VERTICAL, MULTILINE)}


# --- text and layout


def layout(table: Table, extra_right: float = 0.0) -> Layout:
    """Column widths and row heights that fit every cell's text (an authored break in
    a cell leaves room for the next line's first word, so it reads as authored)."""
    widths = [0.0] * table.n_cols
    heights = [0.0] * table.n_rows

    def need(spot: Spot) -> tuple[float, float]:
        lines = spot.text.split("\n") if spot.text else []
        if spot.vertical:
            return SIZE + 2 * PAD, SIZE * len(spot.text) + 2 * PAD
        w = max((text_width(line, SIZE) for line in lines), default=0.0)
        if len(lines) > 1:
            w = max(
                text_width(a, SIZE) + text_width(b.split(" ")[0], SIZE) + SIZE
                for a, b in zip(lines, lines[1:], strict=False)
            )
        return max(w + 2 * PAD, 28.0), max(len(lines), 1) * LEADING + 2 * PAD

    for spot in sorted(table.cells, key=lambda s: (s.colspan, s.rowspan)):
        w, h = need(spot)
        have_w = sum(widths[spot.col : spot.col + spot.colspan])
        widths[spot.col + spot.colspan - 1] += max(0.0, w - have_w)
        have_h = sum(heights[spot.row : spot.row + spot.rowspan])
        heights[spot.row + spot.rowspan - 1] += max(0.0, h - have_h)
    widths[-1] += extra_right
    xs, ys = [LEFT], [TOP]
    for w in widths:
        xs.append(round(xs[-1] + w, 2))
    for h in heights:
        ys.append(round(ys[-1] + h, 2))
    return Layout(tuple(xs), tuple(ys))


def _y(top: float) -> float:
    """PDF user space y of a top-down coordinate."""
    return round(PAGE_H - top, 3)


@dataclass(frozen=True)
class Ink:
    text: tuple[float, float, float] = (0.0, 0.0, 0.0)
    vertical_font: bool = False  # vertical cells in the Identity-V style font, one string


def text_line(text: str, x: float, baseline: float, size: float, colour=(0.0, 0.0, 0.0)) -> list[str]:
    """One line of text at (x, baseline) in top-down space, Latin runs in Helvetica."""
    ops = []
    for latin, run in script_runs(text):
        font, string = ("/F1", latin_string(run)) if latin else ("/F2", cid_string(run))
        r, g, b = colour
        ops.append(f"BT {font} {size} Tf {r} {g} {b} rg 1 0 0 1 {x:.3f} {_y(baseline)} Tm {string} Tj ET")
        x += text_width(run, size)
    return ops


def cell_text(table: Table, lay: Layout, ink: Ink = Ink(), spots: tuple[Spot, ...] | None = None) -> list[str]:
    """Every cell's text (or that of ``spots``, in their order): lines from the top-left
    corner inside the padding; a vertical cell's glyphs one under the other, centred."""
    ops: list[str] = []
    for spot in table.cells if spots is None else spots:
        x0, top, x1, _ = lay.box(spot)
        if spot.vertical and ink.vertical_font:
            r, g, b = ink.text
            # Vertical mode: the pen is the glyph's top centre, advancing down; set tight
            # under the cell's top rule, as tategaki headers are.
            cx = (x0 + x1) / 2
            ops.append(
                f"BT /F3 {SIZE} Tf {r} {g} {b} rg 1 0 0 1 {cx:.3f} {_y(top + 2.5)} Tm {cid_string(spot.text)} Tj ET"
            )
        elif spot.vertical:
            for k, ch in enumerate(spot.text):
                cx = (x0 + x1) / 2 - text_width(ch, SIZE) / 2
                ops += text_line(ch, cx, top + PAD + (k + 0.88) * SIZE, SIZE, ink.text)
        else:
            for k, line in enumerate(spot.text.split("\n") if spot.text else []):
                ops += text_line(line, x0 + PAD, top + PAD + k * LEADING + 0.8 * LEADING, SIZE, ink.text)
    return ops


def caption_and_note(table: Table, lay: Layout) -> list[str]:
    x0, top, _, bottom = lay.bbox
    return text_line(table.caption, x0, top - 8, CAPTION_SIZE) + text_line(table.note, x0, bottom + 12, NOTE_SIZE)


# --- borders


@dataclass(frozen=True)
class Borders:
    """Where the table's rules run: (y, x0, x1) across, (x, top, bottom) down."""

    across: list[tuple[float, float, float]] = field(default_factory=list)
    down: list[tuple[float, float, float]] = field(default_factory=list)


def _owner(table: Table) -> dict[tuple[int, int], int]:
    return {
        (r, c): k
        for k, s in enumerate(table.cells)
        for r in range(s.row, s.row + s.rowspan)
        for c in range(s.col, s.col + s.colspan)
    }


def _join(pieces: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    out: list[tuple[float, float, float]] = []
    for pos, a, b in sorted(pieces):
        if out and out[-1][0] == pos and abs(out[-1][2] - a) < 0.01:
            out[-1] = (pos, out[-1][1], b)
        else:
            out.append((pos, a, b))
    return out


def borders(table: Table, lay: Layout, merged_too: bool = False) -> Borders:
    """Every border between two cells and around the table, joined into runs; with
    ``merged_too`` the full grid (a merged cell's inner borders too)."""
    owner = _owner(table)
    across, down = [], []
    for r in range(table.n_rows + 1):
        for c in range(table.n_cols):
            if merged_too or r in (0, table.n_rows) or owner[(r - 1, c)] != owner[(r, c)]:
                across.append((lay.ys[r], lay.xs[c], lay.xs[c + 1]))
    for c in range(table.n_cols + 1):
        for r in range(table.n_rows):
            if merged_too or c in (0, table.n_cols) or owner[(r, c - 1)] != owner[(r, c)]:
                down.append((lay.xs[c], lay.ys[r], lay.ys[r + 1]))
    return Borders(_join(across), _join(down))


def _inner_of_merged(table: Table, lay: Layout) -> Borders:
    """The grid lines inside merged cells (borders a full grid draws that the table lacks)."""
    full, real = borders(table, lay, merged_too=True), borders(table, lay)

    def pieces(runs, axis_steps):
        out = []
        for pos, a, b in runs:
            for s0, s1 in zip(axis_steps, axis_steps[1:], strict=False):
                if a - 0.01 <= s0 and s1 <= b + 0.01:
                    out.append((pos, s0, s1))
        return set(out)

    return Borders(
        sorted(pieces(full.across, lay.xs) - pieces(real.across, lay.xs)),
        sorted(pieces(full.down, lay.ys) - pieces(real.down, lay.ys)),
    )


def stroke(b: Borders, colour=(0.0, 0.0, 0.0), width: float = RULE) -> list[str]:
    r, g, bl = colour
    ops = [f"{r} {g} {bl} RG {width} w"]
    ops += [f"{x0} {_y(y)} m {x1} {_y(y)} l S" for y, x0, x1 in b.across]
    ops += [f"{x} {_y(t)} m {x} {_y(bt)} l S" for x, t, bt in b.down]
    return ops


def _rect(x0: float, top: float, x1: float, bottom: float) -> str:
    return f"{x0:.3f} {_y(bottom)} {x1 - x0:.3f} {bottom - top:.3f} re"


# --- habits: each returns the page's operators (drawing and text)

Habit = Callable[[Table], list[str]]
HEADER_FILL = (0.82, 0.88, 0.95)
BODY_FILL = (0.94, 0.96, 0.98)
SLOT_FILL = (1.0, 1.0, 0.6)
GUTTER = 4.0  # points between the pieces of a rule broken at a column border


def _fill(colour) -> str:
    return f"{colour[0]} {colour[1]} {colour[2]} rg"


def stroked_lines(table: Table) -> list[str]:
    """One stroked segment per run of borders (Word, Excel)."""
    lay = layout(table)
    return stroke(borders(table, lay)) + cell_text(table, lay) + caption_and_note(table, lay)


def thin_filled_rects(table: Table) -> list[str]:
    """Each rule a filled rectangle half a point thick (InDesign, PowerPoint)."""
    lay = layout(table)
    b = borders(table, lay)
    h = RULE / 2
    ops = ["0 0 0 rg"]
    ops += [_rect(x0 - h, y - h, x1 + h, y + h) + " f" for y, x0, x1 in b.across]
    ops += [_rect(x - h, t - h, x + h, bt + h) + " f" for x, t, bt in b.down]
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def cell_outlines(table: Table) -> list[str]:
    """Each cell its own box: filled white (the header tinted), then the same box stroked."""
    lay = layout(table)
    ops = ["0 0 0 RG 0.5 w"]
    for spot in table.cells:
        colour = HEADER_FILL if spot.row < table.header_rows else (1.0, 1.0, 1.0)
        ops.append(f"{_fill(colour)} {_rect(*lay.box(spot))} f {_rect(*lay.box(spot))} S")
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def white_gaps(table: Table) -> list[str]:
    """Coloured cell fills with white gaps between them, no rule drawn (white papers)."""
    lay = layout(table)
    gap = 0.75
    ops = []
    for spot in table.cells:
        x0, top, x1, bottom = lay.box(spot)
        colour = HEADER_FILL if spot.row < table.header_rows else BODY_FILL
        ops.append(f"{_fill(colour)} {_rect(x0 + gap, top + gap, x1 - gap, bottom - gap)} f")
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def _dots(b: Borders, on: float, off: float) -> list[str]:
    ops = ["0 0 0 RG 0.5 w"]
    for y, x0, x1 in b.across:
        x = x0
        while x < x1:
            ops.append(f"{x:.3f} {_y(y)} m {min(x + on, x1):.3f} {_y(y)} l S")
            x += on + off
    for x, t, bt in b.down:
        y = t
        while y < bt:
            ops.append(f"{x} {_y(y)} m {x} {_y(min(y + on, bt))} l S")
            y += on + off
    return ops


def dotted_rules(table: Table) -> list[str]:
    """Dotted rules drawn dot by dot: many short segments, more gap than ink."""
    lay = layout(table)
    return _dots(borders(table, lay), 0.6, 1.4) + cell_text(table, lay) + caption_and_note(table, lay)


def dashed_rules(table: Table) -> list[str]:
    """Dashed rules drawn dash by dash (no dash pattern): segments 3pt on, 2pt off."""
    lay = layout(table)
    return _dots(borders(table, lay), 3.0, 2.0) + cell_text(table, lay) + caption_and_note(table, lay)


def dash_pattern(table: Table) -> list[str]:
    """Rules stroked with a dash pattern (one segment each, drawn dashed)."""
    lay = layout(table)
    return (
        ["[2 2] 0 d"] + stroke(borders(table, lay)) + ["[] 0 d"] + cell_text(table, lay) + caption_and_note(table, lay)
    )


def curve_rules(table: Table) -> list[str]:
    """Each rule a Bézier curve whose control points lie on it (vector exports of
    drawing tools flatten nothing)."""
    lay = layout(table)
    b = borders(table, lay)
    ops = ["0 0 0 RG 0.5 w"]
    for y, x0, x1 in b.across:
        a, c = x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3
        ops.append(f"{x0} {_y(y)} m {a:.3f} {_y(y)} {c:.3f} {_y(y)} {x1} {_y(y)} c S")
    for x, t, bt in b.down:
        a, c = t + (bt - t) / 3, t + 2 * (bt - t) / 3
        ops.append(f"{x} {_y(t)} m {x} {_y(a)} {x} {_y(c)} {x} {_y(bt)} c S")
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def clipped_rules(table: Table) -> list[str]:
    """Rules drawn inside clipping paths: the table's box clips, each rule in its own
    saved state, reaching a little past the table's edge (the clip trims it on paper)."""
    lay = layout(table)
    x0, top, x1, bottom = lay.bbox
    b = borders(table, lay)
    ops = ["q", _rect(x0 - 0.25, top - 0.25, x1 + 0.25, bottom + 0.25) + " W n", "0 0 0 RG 0.5 w"]
    for y, a, c in b.across:
        ops.append(f"q {a - 1} {_y(y)} m {c + 1} {_y(y)} l S Q")
    for x, t, bt in b.down:
        ops.append(f"q {x} {_y(t - 1)} m {x} {_y(bt + 1)} l S Q")
    ops.append("Q")
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def header_bands(table: Table) -> list[str]:
    """The header's fill painted row by row across the table, merged header cells too
    (a band's edge runs through a cell spanning header rows), rules on top."""
    lay = layout(table)
    x0, _, x1, _ = lay.bbox
    ops = [f"{_fill(HEADER_FILL)} {_rect(x0, lay.ys[r], x1, lay.ys[r + 1])} f" for r in range(table.header_rows)]
    return ops + stroke(borders(table, lay)) + cell_text(table, lay) + caption_and_note(table, lay)


def title_bar(table: Table) -> list[str]:
    """The caption in a coloured bar as wide as the table, 1pt above its top rule."""
    lay = layout(table)
    x0, top, x1, bottom = lay.bbox
    ops = [f"0.1 0.25 0.5 rg {_rect(x0, top - 19, x1, top - 1)} f"]
    ops += text_line(table.caption, x0 + PAD, top - 6, CAPTION_SIZE, (1.0, 1.0, 1.0))
    ops += stroke(borders(table, lay)) + cell_text(table, lay)
    return ops + text_line(table.note, x0, bottom + 12, NOTE_SIZE)


def plain_title_bar(table: Table) -> list[str]:
    """A coloured bar 1pt above the table holding a title that is no numbered caption
    (the caption's words without 「Table 1」): only the drawing tells it is no row."""
    lay = layout(table)
    x0, top, x1, bottom = lay.bbox
    title = re.sub(r"^(Table\s*\d+|表\d+)\s*", "", table.caption)
    ops = [f"0.1 0.25 0.5 rg {_rect(x0, top - 19, x1, top - 1)} f"]
    ops += text_line(title, x0 + PAD, top - 6, CAPTION_SIZE, (1.0, 1.0, 1.0))
    ops += stroke(borders(table, lay)) + cell_text(table, lay)
    return ops + text_line(table.note, x0, bottom + 12, NOTE_SIZE)


def shaded_panel(table: Table) -> list[str]:
    """A tinted panel behind caption, table and note (a column box in a report)."""
    lay = layout(table)
    x0, top, x1, bottom = lay.bbox
    ops = [f"0.93 0.93 0.9 rg {_rect(x0 - 14, top - 28, x1 + 14, bottom + 22)} f"]
    return ops + stroke(borders(table, lay)) + cell_text(table, lay) + caption_and_note(table, lay)


def page_frame(table: Table) -> list[str]:
    """A stroked frame around the whole page's content."""
    lay = layout(table)
    ops = ["0 0 0 RG 1 w", _rect(30, 30, PAGE_W - 30, PAGE_H - 30) + " S"]
    return ops + stroke(borders(table, lay)) + cell_text(table, lay) + caption_and_note(table, lay)


def invisible_rules(table: Table) -> list[str]:
    """A spreadsheet's full grid: the borders inside merged cells are drawn too, in the
    colour of what lies under them (the header strip's tint, white on the body)."""
    lay = layout(table)
    x0, _, x1, _ = lay.bbox
    strip_bottom = lay.ys[table.header_rows]
    ops = [f"{_fill(HEADER_FILL)} {_rect(x0, lay.ys[0], x1, strip_bottom)} f"]
    hidden = _inner_of_merged(table, lay)
    in_strip = Borders(
        [s for s in hidden.across if s[0] < strip_bottom], [s for s in hidden.down if s[2] <= strip_bottom]
    )
    on_body = Borders(
        [s for s in hidden.across if s[0] >= strip_bottom], [s for s in hidden.down if s[2] > strip_bottom]
    )
    ops += stroke(in_strip, HEADER_FILL) + stroke(on_body, (1.0, 1.0, 1.0))
    return ops + stroke(borders(table, lay)) + cell_text(table, lay) + caption_and_note(table, lay)


def rules_across(table: Table) -> list[str]:
    """Bottom borders only (a spreadsheet printed so): no vertical segment anywhere."""
    lay = layout(table)
    b = borders(table, lay)
    return stroke(Borders(b.across, [])) + cell_text(table, lay) + caption_and_note(table, lay)


def rules_across_gutters(table: Table) -> list[str]:
    """Rules across only, each broken at every column border by a gutter (DTP tables set
    with column spacing draw a rule per column): the gutters are the column borders."""
    lay = layout(table)
    half = GUTTER / 2
    pieces = []
    for y, x0, x1 in borders(table, lay).across:
        cuts = [x for x in lay.xs[1:-1] if x0 < x < x1]
        ends = [x0, *(v for x in cuts for v in (x - half, x + half)), x1]
        pieces += [(y, a, b) for a, b in zip(ends[::2], ends[1::2], strict=True)]
    return stroke(Borders(pieces, [])) + cell_text(table, lay) + caption_and_note(table, lay)


def rules_between_rows(table: Table) -> list[str]:
    """A spreadsheet printed with borders between rows only: no rule over the header or
    under the last row, none down."""
    lay = layout(table)
    top, bottom = lay.ys[0], lay.ys[-1]
    inner = [s for s in borders(table, lay).across if top < s[0] < bottom]
    return stroke(Borders(inner, [])) + cell_text(table, lay) + caption_and_note(table, lay)


def shaded_header_rules_across(table: Table) -> list[str]:
    """Rules across under each row and a shaded header with no rule on top of it (the
    header's edge is its fill's), none down."""
    lay = layout(table)
    x0, top, x1, _ = lay.bbox
    ops = [f"{_fill(HEADER_FILL)} {_rect(x0, top, x1, lay.ys[table.header_rows])} f"]
    below = [s for s in borders(table, lay).across if s[0] > top]
    return ops + stroke(Borders(below, [])) + cell_text(table, lay) + caption_and_note(table, lay)


def no_rules(table: Table) -> list[str]:
    """No rule, no fill: columns and rows only in the text's alignment."""
    lay = layout(table)
    return cell_text(table, lay) + caption_and_note(table, lay)


def _callout_spot(table: Table, lay: Layout) -> tuple[float, float, float, float]:
    """A box in the free room of the last column, from the middle of the first body row
    to the middle of the next (crossing the rule between them)."""
    r = table.header_rows
    x1 = lay.xs[-1]
    top = (lay.ys[r] + lay.ys[r + 1]) / 2 - 2
    bottom = (lay.ys[r + 1] + lay.ys[r + 2]) / 2 + 8
    return x1 - CALLOUT_ROOM + 14, top, x1 - 4, bottom


def _callout_text(x0: float, top: float, lay: Layout, table: Table) -> list[str]:
    """Two lines, each printed inside one row of the table (no line crosses a rule)."""
    r = table.header_rows
    return text_line("Up 8%", x0 + 3, lay.ys[r + 1] - 3, SIZE) + text_line("on 2022", x0 + 3, lay.ys[r + 1] + 11, SIZE)


def callout_box(table: Table) -> list[str]:
    """A stroked call-out box in the body's colour over two rows, its text like cell text."""
    lay = layout(table, extra_right=CALLOUT_ROOM)
    x0, top, x1, bottom = _callout_spot(table, lay)
    ops = stroke(borders(table, lay)) + cell_text(table, lay)
    ops += ["0 0 0 RG 0.5 w", _rect(x0, top, x1, bottom) + " S"] + _callout_text(x0, top, lay, table)
    return ops + caption_and_note(table, lay)


def bubble_callout(table: Table) -> list[str]:
    """A speech bubble (a box with a pointer, one path) reaching past the table's right edge."""
    lay = layout(table, extra_right=CALLOUT_ROOM)
    x0, top, x1, bottom = _callout_spot(table, lay)
    x1 += 40  # past the table's edge
    px = x0 + 10
    path = (
        f"{x0} {_y(top)} m {x1} {_y(top)} l {x1} {_y(bottom)} l {px + 8} {_y(bottom)} l "
        f"{px - 12} {_y(bottom + 10)} l {px} {_y(bottom)} l {x0} {_y(bottom)} l h"
    )
    ops = stroke(borders(table, lay)) + cell_text(table, lay)
    ops += ["0.3 0.3 0.3 RG 0.75 w 1 1 0.85 rg", path + " B"] + _callout_text(x0, top, lay, table)
    return ops + caption_and_note(table, lay)


def vertical_font(table: Table) -> list[str]:
    """Stroked rules; a vertical cell's text one string in a vertical writing-mode font."""
    lay = layout(table)
    return stroke(borders(table, lay)) + cell_text(table, lay, Ink(vertical_font=True)) + caption_and_note(table, lay)


def double_rules(table: Table) -> list[str]:
    """Every rule doubled: two strokes 1.5pt apart (a 二重線 border)."""
    lay = layout(table)
    b = borders(table, lay)
    d = 0.75
    doubled = Borders(
        [(y + k, x0, x1) for y, x0, x1 in b.across for k in (-d, d)],
        [(x + k, t, bt) for x, t, bt in b.down for k in (-d, d)],
    )
    return stroke(doubled, width=0.3) + cell_text(table, lay) + caption_and_note(table, lay)


def zebra_fills(table: Table) -> list[str]:
    """Column rules only; rows told apart by fills alternating cell by cell (banded rows:
    a merged cell takes its first row's band), the header in its own tint."""
    lay = layout(table)
    ops = []
    for spot in table.cells:
        if spot.row < table.header_rows:
            ops.append(f"{_fill(HEADER_FILL)} {_rect(*lay.box(spot))} f")
        elif (spot.row - table.header_rows) % 2 == 0:
            ops.append(f"{_fill(BODY_FILL)} {_rect(*lay.box(spot))} f")
    b = borders(table, lay)
    x0, top, x1, bottom = lay.bbox
    frame = Borders([(top, x0, x1), (bottom, x0, x1)], b.down)
    return ops + stroke(frame) + cell_text(table, lay) + caption_and_note(table, lay)


def shaded_border_slots(table: Table) -> list[str]:
    """Word's shaded cells: each grid position shaded inside its borders, a border slot
    with no border (inside a merged cell) shaded too, the borders thin black rects."""
    lay = layout(table)
    h = RULE / 2
    owner = _owner(table)
    ops = [_fill(SLOT_FILL)]
    for r in range(table.n_rows):
        for c in range(table.n_cols):
            ops.append(_rect(lay.xs[c] + h, lay.ys[r] + h, lay.xs[c + 1] - h, lay.ys[r + 1] - h) + " f")
    hidden = _inner_of_merged(table, lay)
    ops += [_rect(x0 + h, y - h, x1 - h, y + h) + " f" for y, x0, x1 in hidden.across]
    ops += [_rect(x - h, t + h, x + h, bt - h) + " f" for x, t, bt in hidden.down]
    # Where two hidden slots cross (a cell merged both ways) their crossing is shaded too.
    for r in range(1, table.n_rows):
        for c in range(1, table.n_cols):
            if owner[(r - 1, c - 1)] == owner[(r - 1, c)] == owner[(r, c - 1)] == owner[(r, c)]:
                ops.append(_rect(lay.xs[c] - h, lay.ys[r] - h, lay.xs[c] + h, lay.ys[r] + h) + " f")
    b = borders(table, lay)
    ops.append("0 0 0 rg")
    ops += [_rect(x0 - h, y - h, x1 + h, y + h) + " f" for y, x0, x1 in b.across]
    ops += [_rect(x - h, t - h, x + h, bt + h) + " f" for x, t, bt in b.down]
    return ops + cell_text(table, lay) + caption_and_note(table, lay)


def cmyk_strip(table: Table) -> list[str]:
    """The invisible-rules spreadsheet in CMYK: the strip and the rules hidden on it in
    one process colour, the visible rules in black ink."""
    lay = layout(table)
    x0, _, x1, _ = lay.bbox
    strip_bottom = lay.ys[table.header_rows]
    tint = "0.2 0.08 0 0"
    hidden = _inner_of_merged(table, lay)
    ops = [f"{tint} k {_rect(x0, lay.ys[0], x1, strip_bottom)} f", f"{tint} K 0.5 w"]
    ops += [f"{a} {_y(y)} m {c} {_y(y)} l S" for y, a, c in hidden.across if y < strip_bottom]
    ops += [f"{x} {_y(t)} m {x} {_y(bt)} l S" for x, t, bt in hidden.down if bt <= strip_bottom]
    visible = [op.replace("0.0 0.0 0.0 RG", "0 0 0 1 K") for op in stroke(borders(table, lay))]
    return ops + visible + cell_text(table, lay) + caption_and_note(table, lay)


def one_run_per_row(table: Table) -> list[str]:
    """Each row's horizontal cell text written as one text object, the pen moved cell to
    cell with Td (office exports run text across cell borders on one baseline)."""
    lay = layout(table)
    ops = stroke(borders(table, lay))
    single = [
        s for s in table.cells if not s.vertical and s.text and "\n" not in s.text and all(map(in_latin_font, s.text))
    ]
    others = tuple(s for s in table.cells if s not in single)
    for row in range(table.n_rows):
        spots = sorted((s for s in single if s.row == row), key=lambda s: s.col)
        if not spots:
            continue
        baseline = lay.ys[row] + PAD + 0.8 * LEADING
        parts, x = [], 0.0
        for spot in spots:
            cx = lay.xs[spot.col] + PAD
            parts.append(f"{cx - x:.3f} 0 Td {latin_string(spot.text)} Tj")
            x = cx
        ops.append(f"BT /F1 {SIZE} Tf 0 0 0 rg 1 0 0 1 0 {_y(baseline)} Tm " + " ".join(parts) + " ET")
    ops += cell_text(table, lay, spots=others)
    return ops + caption_and_note(table, lay)


def text_first(table: Table) -> list[str]:
    """Text written before any rule, cells bottom row first (stream order says nothing)."""
    lay = layout(table)
    text = cell_text(table, lay, spots=tuple(sorted(table.cells, key=lambda s: (-s.row, -s.col))))
    return caption_and_note(table, lay)[::-1] + text + stroke(borders(table, lay))


HABITS: dict[str, Habit] = {
    "stroked_lines": stroked_lines,
    "thin_filled_rects": thin_filled_rects,
    "cell_outlines": cell_outlines,
    "white_gaps": white_gaps,
    "dotted_rules": dotted_rules,
    "dashed_rules": dashed_rules,
    "dash_pattern": dash_pattern,
    "curve_rules": curve_rules,
    "clipped_rules": clipped_rules,
    "header_bands": header_bands,
    "title_bar": title_bar,
    "plain_title_bar": plain_title_bar,
    "shaded_panel": shaded_panel,
    "page_frame": page_frame,
    "invisible_rules": invisible_rules,
    "rules_across": rules_across,
    "rules_between_rows": rules_between_rows,
    "rules_across_gutters": rules_across_gutters,
    "shaded_header_rules_across": shaded_header_rules_across,
    "no_rules": no_rules,
    "callout_box": callout_box,
    "bubble_callout": bubble_callout,
    "vertical_font": vertical_font,
    "double_rules": double_rules,
    "zebra_fills": zebra_fills,
    "shaded_border_slots": shaded_border_slots,
    "cmyk_strip": cmyk_strip,
    "one_run_per_row": one_run_per_row,
    "text_first": text_first,
}


# --- the PDF

_FONTS: dict[str, str | CidFont] = {
    "F1": "Helvetica",
    "F2": CidFont("KozGoPr6N-Medium", "UniJIS-UCS2-H"),
    "F3": CidFont("KozGoPr6N-Medium", "UniJIS-UCS2-V"),
}


def render(table: Table, habit: Habit) -> bytes:
    """The one-page PDF of ``table`` drawn in ``habit``."""
    return one_page_pdf("\n".join(habit(table)).encode("latin-1"), _FONTS, PAGE_W, PAGE_H)
