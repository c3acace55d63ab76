"""Cell text: a cell's chars → logical lines.

A text run can cross a cell border (office exports write neighbouring cells as one
run when they share a baseline), so chars are assigned to cells by geometry and
re-grouped. Inside a cell a visual line ends either because the next word did not
fit (a wrap: join it) or because the author broke the line (keep "\n"). We tell them
apart by measuring: a wrap leaves less room than the next line's first unbreakable
unit needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.geometry import BBox, middle_of
from extractors.page.lines import LineMemo, LineSettings, TextLine, first_unit_width, group_lines
from extractors.page.table_grid import Grid, assign_chars
from extractors.text.lexicon import DIGIT
from extractors.text.linebreak import wrap_joiner
from extractors.text.markers import split_marker, starts_with_marker
from extractors.text.normalize import normalize_chars


@dataclass(frozen=True)
class CellTextSettings:
    # An authored break leaves room for the next line's first unit plus this share of
    # the font size (a wrap leaves less: the unit did not fit).
    fit_margin: float = 0.02
    # A line whose centre is this close to its cell's centre is centred (points).
    centre_tolerance: float = 1.5
    # Lines whose baselines differ by less than this share of the font size are one line.
    same_line: float = 0.35
    # Vertical text: consecutive chars (stream order) whose centres lie within this share
    # of the font size horizontally and at most this many sizes apart vertically run down
    # a column; a cell is vertical when such steps outnumber rightward steps this many times.
    column_align: float = 0.4
    column_step: float = 1.8
    # ...and at least this share of it below (or above): half-width digits side by side
    # sit closer than column_align, and float noise in their tops is no step down.
    min_column_step: float = 0.5
    vertical_majority: float = 2.0


def _space_before(prev: TextLine, line: TextLine) -> float:
    """Room a space printed at the wrap takes (a trailing or leading space char), 0 if none."""
    for char in (prev.chars[-1] if prev.chars else None, line.chars[0] if line.chars else None):
        if char is not None and char["text"].isspace():
            return max(char["x1"] - char["x0"], 0.25 * line.size)
    return 0.0


def char_ids_in_box(chars: list[dict], box: BBox | dict, skip: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Indices of the chars whose centre lies in the box (but not in ``skip``), in content-stream order."""
    bbox = BBox.of(box)
    return [i for i, c in enumerate(chars) if i not in skip and bbox.contains(*middle_of(c))]


def chars_by_cell(grid: Grid, chars: list[dict], ids: list[int]) -> list[list[int]]:
    """Indices of each grid cell's chars among ``ids`` (``assign_chars``: by the char's centre)."""
    position = {id(chars[i]): i for i in ids}
    return [[position[id(c)] for c in cell_chars] for cell_chars in assign_chars(grid, [chars[i] for i in ids])]


# group_lines settings that never cut an x-sorted, one-baseline group on pen jumps.
_ONE_LINE = LineSettings(max_gap=1e9, backstep_tolerance=1e9)


def cell_visual_lines(
    chars: list[dict],
    settings: CellTextSettings = CellTextSettings(),
    char_ids: list[int] | None = None,
    memo: LineMemo | None = None,
) -> list[TextLine]:
    """Lines of one cell, top to bottom; runs on one baseline merge (a pen jump is not a new line here).

    ``char_ids`` names the chars (their index on the page); the lines keep them. ``memo``
    (``group_lines``) is shared by every grouping of one page's chars.
    """
    runs = sorted(group_lines(chars, char_ids=char_ids, memo=memo), key=lambda line: (round(line.bottom, 1), line.x0))
    merged: list[list[tuple[dict, int]]] = []
    last_bottom = None
    for run in runs:
        pairs = list(zip(run.chars, run.char_ids, strict=True))
        if merged and last_bottom is not None and abs(run.bottom - last_bottom) < settings.same_line * run.size:
            merged[-1].extend(pairs)
        else:
            merged.append(pairs)
            last_bottom = run.bottom
    if len(merged) == len(runs):
        return runs
    out = []
    for group in merged:
        group.sort(key=lambda pair: pair[0]["x0"])
        out += group_lines([c for c, _ in group], _ONE_LINE, [i for _, i in group], memo)
    return out


def _centre(char: dict) -> tuple[float, float]:
    return (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2


def vertical_text(chars: list[dict], settings: CellTextSettings = CellTextSettings()) -> str | None:
    """A cell written in columns (tategaki headers, one char per line, rotated labels) as
    one string: columns right to left, each in the direction the stream writes it; None
    when the cell's text runs across, as usual.

    The geometry alone cannot tell a column from a row of evenly spaced glyphs; the
    content stream can: a vertical cell writes each next char below (or above) the last.
    """
    text = [c for c in chars if c["text"].strip()]
    if len(text) < 2:
        return None
    down = up = across = 0
    for a, b in zip(text, text[1:], strict=False):
        size = max(a["size"], b["size"], 1.0)
        (ax, ay), (bx, by) = _centre(a), _centre(b)
        step = abs(by - ay)
        if (
            abs(ax - bx) <= settings.column_align * size
            and settings.min_column_step * size <= step <= settings.column_step * size
        ):
            if by > ay:
                down += 1
            else:
                up += 1
        elif abs(ay - by) <= settings.column_align * size and 0 < bx - ax <= settings.column_step * size:
            across += 1
    steps = max(down, up)
    # Two glyphs one above the other (「時/々」) already read down; more need the majority.
    if steps < 1 or steps < settings.vertical_majority * across:
        return None
    columns: list[list[dict]] = []
    for char in sorted(text, key=lambda c: -_centre(c)[0]):
        if columns and abs(_centre(columns[-1][0])[0] - _centre(char)[0]) <= settings.column_align * char["size"]:
            columns[-1].append(char)
        else:
            columns.append([char])
    downward = down >= up
    return "".join(
        c["text"] for column in columns for c in sorted(column, key=lambda c: c["top"] if downward else -c["top"])
    )


def _only_marker(group: list[TextLine]) -> bool:
    """A bullet marker printed alone on its line: what follows is its item."""
    return len(group) == 1 and len(group[0].raw_text.strip()) == 1 and starts_with_marker(group[0].raw_text + " ")


def _is_bracket_heading(group: list[TextLine]) -> bool:
    """A logical line that is one 【…】 label ends there."""
    text = "".join(line.raw_text for line in group).strip()
    return len(group) == 1 and text.startswith("【") and text.endswith("】")


_CLOSED_END = re.compile(rf"([）)】］\]。]|※\s*{DIGIT}+)$")
_OPENING = "（(【［[※"


def _closes_then_opens(prev: str, line: str) -> bool:
    """A line ending a statement (。, a closing bracket, a ※N reference) followed by one
    opening a bracket or a ※ remark: authors break there even where the bracket would
    not have fitted (「…億円）」/「（2019年）」)."""
    return line.lstrip()[:1] in _OPENING and bool(_CLOSED_END.search(prev.rstrip()))


def split_logical_lines(
    lines: list[TextLine], box: BBox | dict, padding: float, settings: CellTextSettings = CellTextSettings()
) -> list[list[TextLine]]:
    """Group a cell's visual lines into logical lines (each a list of wrapped visual lines)."""
    box = BBox.of(box)
    left, right = box.x0 + padding, box.x1 - padding
    width = right - left
    centre = box.middle[0]
    groups: list[list[TextLine]] = []
    for line in lines:
        if not groups:
            groups.append([line])
            continue
        prev = groups[-1][-1]
        centred = (
            prev.x0 - left > settings.centre_tolerance
            and abs((prev.x0 + prev.x1) / 2 - centre) <= settings.centre_tolerance
        )
        room = width - (prev.x1 - prev.x0) if centred else right - prev.x1
        need = first_unit_width(line) + _space_before(prev, line)
        authored = need <= room - settings.fit_margin * line.size
        if _only_marker(groups[-1]):
            groups[-1].append(line)
        elif (
            authored
            or starts_with_marker(line.raw_text)
            or _is_bracket_heading(groups[-1])
            or _closes_then_opens(prev.raw_text, line.raw_text)
        ):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def join_wraps(group: list[TextLine]) -> str:
    """One logical line (printed code points) from its wrapped visual lines; whether a
    space was printed at the wrap is known here (``wrap_joiner``)."""
    out = ""
    prev = None
    for line in group:
        text = line.raw_text
        if prev is None:
            out = text
        else:
            out = out.rstrip() + wrap_joiner(out, text, printed_space=bool(_space_before(prev, line))) + text.strip()
        prev = line
    return out


@dataclass(frozen=True)
class CellLine:
    """One logical line of a cell, as the table stage found it.

    Kept on the cell (not serialised) so that later stages read the structure instead
    of re-splitting the cell's text: the bullet marker, and where the line is printed.
    """

    raw_text: str  # printed code points, wraps joined
    marker: str | None  # the bullet glyph opening the line (normalised), if any
    body: str  # normalised text after the marker
    # Where the line is printed; None for a cell known only by its text (truth, tests).
    bbox: BBox | None = None
    # A space printed before the first char: a sentence cut by a slide break goes on after one.
    opens_with_space: bool = False

    @property
    def text(self) -> str:
        return normalize_chars(self.raw_text)

    @classmethod
    def of(cls, raw_text: str, bbox: BBox | None = None, opens_with_space: bool = False) -> CellLine:
        marker, body = split_marker(normalize_chars(raw_text))
        return cls(raw_text, normalize_chars(marker) if marker else None, body, bbox, opens_with_space)


def cell_lines(
    lines: list[TextLine], box: BBox | dict, padding: float, settings: CellTextSettings = CellTextSettings()
) -> list[CellLine]:
    """Logical lines of one cell from its visual lines: wraps joined, markers cut off."""
    return [
        CellLine.of(
            join_wraps(group),
            BBox.union(line.bbox for line in group),
            opens_with_space=group[0].chars[0]["text"].isspace(),
        )
        for group in split_logical_lines(lines, box, padding, settings)
    ]


def lines_from_text(text: str) -> list[CellLine]:
    """Logical lines of a cell known only by its text ("\n" between logical lines)."""
    return [
        CellLine.of(line.strip(), opens_with_space=line[:1].isspace())
        for line in (text or "").split("\n")
        if line.strip()
    ]


def cell_text(lines: list[CellLine]) -> tuple[str, str]:
    """(text, raw_text) of one cell: "\n" between logical lines."""
    raw = "\n".join(line.raw_text for line in lines)
    return normalize_chars(raw), raw


def estimate_padding(cell_lines: list[tuple[dict, list[TextLine]]], default: float = 2.0) -> float:
    """The table's inner cell margin: the smallest left offset of text in any cell."""
    offsets = [line.x0 - box["x0"] for box, lines in cell_lines for line in lines if line.x0 >= box["x0"]]
    return max(0.0, min(offsets)) if offsets else default
