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

from extractors.page.lines import LineSettings, TextLine, group_lines
from extractors.text.normalize import BULLET_MARKERS, MARKERS_NEEDING_SPACE, needs_space, normalize_chars


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
    vertical_majority: float = 2.0


# Characters a line may not start with (kinsoku): they travel with the char before them.
NO_LINE_START = frozenset("、。，．,.)）]］｝」』】〕〉》”’:;：；!?！？%％ー々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・･")
# Japanese stops: a Latin word right after one sticks to it.
FULLWIDTH_STOPS = frozenset("、。，．")
# Characters a line may not end with: they travel with the char after them (※ sticks to its number).
NO_LINE_END = frozenset("(（[［｛「『【〔〈《“‘※")


def _is_latin(ch: str) -> bool:
    # "," and "." belong to numbers (「2,300名」, 「3.5」) as much as to words.
    return (ch.isascii() and (ch.isalnum() or ch in "-_/@#&+=.,'\"*%")) or "\u00c0" <= ch <= "\u024f" \
        or "\uff10" <= ch <= "\uff5a"


def _splits_a_word(left: str, right: str) -> bool:
    """A wrap between two word characters with no space printed there: office exports
    print the space at a word wrap, so this line breaker cut inside a word (「T|SMC」)."""
    a, b = left.rstrip()[-1:], right.lstrip()[:1]
    return bool(a and b) and (a.isascii() and a.isalnum()) and (b.isascii() and b.isalnum())


def can_break(left: str, right: str) -> bool:
    """Whether a line breaker may wrap between two adjacent characters.

    Kinsoku pairs never split; a Latin word sticks to whatever follows it up to a
    space (「2,300名）」, 「Finlandの」), and a Japanese full stop or comma sticks
    to a Latin word after it (「る。EUREKA」): observed office line breaking.
    """
    if right.isspace():
        return False  # the space hangs at the line end; the break comes after it
    if left.isspace():
        return True
    if right in NO_LINE_START or left in NO_LINE_END:
        return False
    if _is_latin(left):
        return False
    if left in FULLWIDTH_STOPS and _is_latin(right):
        return False
    return True


def first_unit_width(line: TextLine) -> float:
    """Width of the text a line breaker could not have split off the line's start."""
    chars = [c for c in line.chars if c["text"] and not c["text"].isspace()]
    if not chars:
        return 0.0
    end = 0
    while end + 1 < len(chars) and not can_break(chars[end]["text"], chars[end + 1]["text"]):
        if chars[end + 1]["x0"] - chars[end]["x1"] > 0.3 * chars[end]["size"]:
            break  # a printed gap is a space
        end += 1
    return chars[end]["x1"] - chars[0]["x0"]


def _space_before(prev: TextLine, line: TextLine) -> float:
    """Room a space printed at the wrap takes (a trailing or leading space char), 0 if none."""
    for char in (prev.chars[-1] if prev.chars else None, line.chars[0] if line.chars else None):
        if char is not None and char["text"].isspace():
            return max(char["x1"] - char["x0"], 0.25 * line.size)
    return 0.0


def starts_bullet(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped or stripped[0] not in BULLET_MARKERS:
        return False
    return stripped[0] not in MARKERS_NEEDING_SPACE or stripped[1:2] in (" ", "\u3000")


def chars_in_box(chars: list[dict], box: dict) -> list[dict]:
    """Chars whose centre lies in the box, in content-stream order."""
    x0, top, x1, bottom = box["x0"], box["top"], box["x1"], box["bottom"]
    return [
        c for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]


# group_lines settings that never cut an x-sorted, one-baseline group on pen jumps.
_ONE_LINE = LineSettings(max_gap=1e9, backstep_tolerance=1e9)


def cell_visual_lines(chars: list[dict], settings: CellTextSettings = CellTextSettings()) -> list[TextLine]:
    """Lines of one cell, top to bottom; runs on one baseline merge (a pen jump is not a new line here)."""
    runs = sorted(group_lines(chars), key=lambda line: (round(line.bottom, 1), line.x0))
    merged: list[list[dict]] = []
    last_bottom = None
    for run in runs:
        if merged and last_bottom is not None and abs(run.bottom - last_bottom) < settings.same_line * run.size:
            merged[-1].extend(run.chars)
        else:
            merged.append(list(run.chars))
            last_bottom = run.bottom
    if len(merged) == len(runs):
        return runs
    out = []
    for group in merged:
        group.sort(key=lambda c: c["x0"])
        out += group_lines(group, _ONE_LINE)
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
    for a, b in zip(text, text[1:]):
        size = max(a["size"], b["size"], 1.0)
        (ax, ay), (bx, by) = _centre(a), _centre(b)
        if abs(ax - bx) <= settings.column_align * size and 0 < abs(by - ay) <= settings.column_step * size:
            if by > ay:
                down += 1
            else:
                up += 1
        elif abs(ay - by) <= settings.column_align * size and 0 < bx - ax <= settings.column_step * size:
            across += 1
    steps = max(down, up)
    if steps < 2 or steps < settings.vertical_majority * across:
        return None
    columns: list[list[dict]] = []
    for char in sorted(text, key=lambda c: -_centre(c)[0]):
        if columns and abs(_centre(columns[-1][0])[0] - _centre(char)[0]) <= settings.column_align * char["size"]:
            columns[-1].append(char)
        else:
            columns.append([char])
    downward = down >= up
    return "".join(
        c["text"] for column in columns
        for c in sorted(column, key=lambda c: c["top"] if downward else -c["top"])
    )


def _only_marker(group: list[TextLine]) -> bool:
    """A bullet marker printed alone on its line: what follows is its item."""
    return len(group) == 1 and len(group[0].raw_text.strip()) == 1 and starts_bullet(group[0].raw_text + " ")


def _is_bracket_heading(group: list[TextLine]) -> bool:
    """A logical line that is one 【…】 label ends there."""
    text = "".join(line.raw_text for line in group).strip()
    return len(group) == 1 and text.startswith("【") and text.endswith("】")


_CLOSED_END = re.compile(r"([）)】］\]。]|※\s*[0-9０-９]+)$")
_OPENING = "（(【［[※"


def _closes_then_opens(prev: str, line: str) -> bool:
    """A line ending a statement (。, a closing bracket, a ※N reference) followed by one
    opening a bracket or a ※ remark: authors break there even where the bracket would
    not have fitted (「…億円）」/「（2019年）」)."""
    return line.lstrip()[:1] in _OPENING and bool(_CLOSED_END.search(prev.rstrip()))


def split_logical_lines(lines: list[TextLine], box: dict, padding: float,
                        settings: CellTextSettings = CellTextSettings()) -> list[list[TextLine]]:
    """Group a cell's visual lines into logical lines (each a list of wrapped visual lines)."""
    left, right = box["x0"] + padding, box["x1"] - padding
    width = right - left
    centre = (box["x0"] + box["x1"]) / 2
    groups: list[list[TextLine]] = []
    for line in lines:
        if not groups:
            groups.append([line])
            continue
        prev = groups[-1][-1]
        centred = prev.x0 - left > settings.centre_tolerance and abs((prev.x0 + prev.x1) / 2 - centre) <= settings.centre_tolerance
        room = width - (prev.x1 - prev.x0) if centred else right - prev.x1
        need = first_unit_width(line) + _space_before(prev, line)
        authored = need <= room - settings.fit_margin * line.size
        if _only_marker(groups[-1]):
            groups[-1].append(line)
        elif authored or starts_bullet(line.raw_text) or _is_bracket_heading(groups[-1]) \
                or _closes_then_opens(prev.raw_text, line.raw_text):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def join_wraps(group: list[TextLine]) -> str:
    """One logical line (printed code points) from its wrapped visual lines; a space
    printed at the wrap is kept, otherwise ``needs_space`` decides as for paragraphs."""
    out = ""
    prev = None
    for line in group:
        text = line.raw_text
        if prev is None:
            out = text
        elif _space_before(prev, line) or (needs_space(out, text) and not _splits_a_word(out, text)):
            out = out.rstrip() + " " + text.strip()
        else:
            out = out.rstrip() + text.strip()
        prev = line
    return out


def cell_text(lines: list[TextLine], box: dict, padding: float,
              settings: CellTextSettings = CellTextSettings()) -> tuple[str, str]:
    """(text, raw_text) of one cell from its visual lines: wraps joined, "\n" between logical lines."""
    groups = split_logical_lines(lines, box, padding, settings)
    raw = "\n".join(join_wraps(group) for group in groups)
    return normalize_chars(raw), raw


def estimate_padding(cell_lines: list[tuple[dict, list[TextLine]]], default: float = 2.0) -> float:
    """The table's inner cell margin: the smallest left offset of text in any cell."""
    offsets = [line.x0 - box["x0"] for box, lines in cell_lines for line in lines if line.x0 >= box["x0"]]
    return max(0.0, min(offsets)) if offsets else default
