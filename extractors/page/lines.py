"""Visual text lines: chars grouped into runs that share a baseline.

Office exports write text box by text box and line by line, so the content-stream order
of ``page.chars`` is already the reading order inside a text box; we cut a line where the
baseline moves or the pen jumps far ahead (another text box at the same height).

Rotated text (a y-axis label, a row-group label turned 90° in a table's first column)
is grouped the same way into its own lines: chars that stack in one column, read along
their baseline (bottom to top for text turned left, top to bottom for text turned right).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from extractors.geometry import BBox
from extractors.page.colour import RGB, to_rgb
from extractors.page.orientation import OrientationSettings, is_horizontal
from extractors.text.linebreak import can_break
from extractors.text.normalize import normalize_chars

# CJK punctuation and brackets whose glyph fills half its em box (the rest is squeezed
# out by JIS X 4051 spacing, so the next glyph may start inside the box).
HALF_BOX_PUNCTUATION = frozenset("、。，．・：；「」『』（）〔〕［］｛｝〈〉《》【】〘〙〖〗")

# A char smaller than this share of its line's size may be a superscript/subscript.
SCRIPT_SIZE_RATIO = 0.9

# pdfminer hangs a char's box from its baseline by the font descriptor's Descent. Some
# writers put the whole font's FontBBox there (pdftocairo: Descent -1046 for Noto CJK),
# which drops every box by about its own height below the printed text; a descent past
# this share of the size is not a font's, and the box is re-hung by a typical CJK descent.
IMPLAUSIBLE_DESCENT = -0.5
TYPICAL_DESCENT = -0.12
# A vertical writing-mode font (Identity-V, UniJIS-…-V) writes each glyph centred under
# its pen: pdfminer hangs the box from the vertical metrics, not the descent, and centres
# it on the origin, which a horizontal glyph's box never is (it starts at its origin). A
# box starting this share of the size left of its origin is such a glyph.
VERTICAL_MODE_OFFSET = 0.1


def anchor_char_boxes(chars: list[dict]) -> int:
    """Re-hang, in place, the boxes of upright chars whose font claims an implausible
    descent (see ``IMPLAUSIBLE_DESCENT``); how many were moved. Other chars are untouched."""
    moved = 0
    for char in chars:
        a, b, c, d, origin_x, baseline = _matrix(char)
        size = char.get("size") or 0.0
        if b or c or a <= 0 or d <= 0 or size <= 0:
            continue
        if char.get("x0", origin_x) < origin_x - VERTICAL_MODE_OFFSET * size:
            continue  # vertical writing mode: its box is placed right already
        if char["y0"] - baseline >= IMPLAUSIBLE_DESCENT * size:
            continue
        shift = baseline + TYPICAL_DESCENT * size - char["y0"]
        char["y0"] += shift
        char["y1"] += shift
        char["top"] -= shift
        char["bottom"] -= shift
        if "doctop" in char:
            char["doctop"] -= shift
        moved += 1
    return moved


@dataclass(frozen=True)
class LineSettings:
    # Same line while baselines differ by less than this share of the font size.
    baseline_tolerance: float = 0.35
    # A forward jump wider than this many font sizes starts a new line (another box).
    max_gap: float = 2.0
    # A backward step of more than this many font sizes starts a new line. Proportional
    # CJK punctuation (。、「」) is drawn overlapping its neighbour by up to ~0.25 em.
    backstep_tolerance: float = 0.5
    # After a CJK punctuation mark or bracket the step back may be up to this much: its
    # glyph fills half its em box, and typesetters squeeze the empty half out (、「 set
    # one em apart in all, the 「 starting half an em inside the 、's box).
    punctuation_backstep_tolerance: float = 0.75
    # A gap wider than this share of the font size, with no space char, prints a space.
    space_gap: float = 0.3
    orientation: OrientationSettings = OrientationSettings()


@dataclass
class TextLine:
    """One visual line of text with the attributes layout decisions need."""

    chars: list[dict] = field(repr=False)
    # Index of each char in the list the line was grouped from (the page's chars, in
    # content-stream order): the chars' identity for later stages, and their order.
    char_ids: list[int] = field(repr=False)
    raw_text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str
    color: RGB | None
    # Set on a line of rotated chars: its text runs down or up the page, not across.
    rotated: bool = False

    @property
    def text(self) -> str:
        """Normalised characters (radicals unified, private-use glyphs mapped)."""
        return normalize_chars(self.raw_text)

    @property
    def bold(self) -> bool:
        return "bold" in self.fontname.lower()

    @property
    def bbox(self) -> BBox:
        return BBox(x0=self.x0, top=self.top, x1=self.x1, bottom=self.bottom)


def first_unit_width(line: TextLine, settings: LineSettings = LineSettings()) -> float:
    """Width of the text a line breaker could not have split off the line's start (a
    Latin word and what sticks to it, one Japanese char with its brackets and
    punctuation): what did not fit at the end of the line above, if that was a wrap."""
    chars = [c for c in line.chars if c["text"]]
    start = next((k for k, c in enumerate(chars) if not c["text"].isspace()), None)
    if start is None:
        return 0.0
    end = start
    while end + 1 < len(chars) and not can_break(chars[end]["text"], chars[end + 1]["text"]):
        if chars[end + 1]["text"].isspace():
            break  # a printed space char (narrower than a gap we would call one) ends the word
        if chars[end + 1]["x0"] - chars[end]["x1"] > settings.space_gap * chars[end]["size"]:
            break  # a printed gap is a space
        end += 1
    return chars[end]["x1"] - chars[start]["x0"]


def _same_baseline(ref: dict, char: dict, settings: LineSettings) -> bool:
    size = max(ref["size"], char["size"], 1.0)
    if abs(char["bottom"] - ref["bottom"]) <= settings.baseline_tolerance * size:
        return True
    # A superscript/subscript (note number) is smaller and sits inside the line's box;
    # one that opens the line (a footnote's number) is met first, the line's text after it.
    small, big = (char, ref) if char["size"] < ref["size"] else (ref, char)
    return (
        small["size"] < SCRIPT_SIZE_RATIO * big["size"]
        and small["top"] >= big["top"] - 0.5 * small["size"]
        and small["bottom"] <= big["bottom"] + 0.5 * small["size"]
    )


_size = itemgetter("size")


def _continues(run: list[dict], char: dict, settings: LineSettings) -> bool:
    prev = run[-1]
    # Compare baselines with the run's largest char so a superscript does not drag it.
    ref = max(run[-8:], key=_size) if len(run) > 1 else prev
    if not _same_baseline(ref, char, settings):
        return False
    size = max(prev["size"], char["size"], 1.0)
    tolerance = (
        settings.punctuation_backstep_tolerance if prev["text"] in HALF_BOX_PUNCTUATION else settings.backstep_tolerance
    )
    if char["x0"] < prev["x1"] - tolerance * size:
        return False
    return char["x0"] - prev["x1"] <= settings.max_gap * size


def _matrix(char: dict) -> tuple:
    return char.get("matrix") or (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _turned_past_45(char: dict) -> bool:
    a, b = _matrix(char)[:2]
    return abs(b) > abs(a)


def _rotated_size(char: dict) -> float:
    # pdfminer's size is the box height; a char turned 90° has its type size across x.
    return char["x1"] - char["x0"] if _turned_past_45(char) else char["size"]


def _box_gap(prev: dict, char: dict) -> float:
    """The empty space between two char boxes, whichever side they touch (0 when overlapping)."""
    return max(
        char["x0"] - prev["x1"],
        prev["x0"] - char["x1"],
        char["top"] - prev["bottom"],
        prev["top"] - char["bottom"],
        0.0,
    )


def _forward_gap(prev: dict, char: dict) -> float:
    # Horizontal text: only a gap ahead prints a space (CJK punctuation overlaps back).
    return char["x0"] - prev["x1"]


def _continues_rotated(run: list[dict], char: dict, settings: LineSettings) -> bool:
    prev = run[-1]
    turned_same_way = (_matrix(prev)[1] > 0) == (_matrix(char)[1] > 0)
    size = max(_rotated_size(prev), _rotated_size(char), 1.0)
    if _turned_past_45(char):  # one column: the boxes' centres line up across x
        shift = abs((char["x0"] + char["x1"]) - (prev["x0"] + prev["x1"])) / 2
    else:
        shift = abs((char["top"] + char["bottom"]) - (prev["top"] + prev["bottom"])) / 2
    return (
        turned_same_way
        and shift <= settings.baseline_tolerance * size
        and _box_gap(prev, char) <= settings.max_gap * size
    )


def _baseline_offset(char: dict, direction: tuple[float, float]) -> float:
    """How far along a baseline ``(a, b)`` (PDF space, y up) the char sits; y is measured down."""
    a, b = direction
    return a * (char["x0"] + char["x1"]) / 2 - b * (char["top"] + char["bottom"]) / 2


def _text_of(chars: list[dict], sizes: list[float], gap, settings: LineSettings) -> str:
    parts: list[str] = []
    prev = None
    for char, size in zip(chars, sizes, strict=False):
        if prev is not None and char["text"] != " " and prev["text"] != " ":
            if gap(prev, char) > settings.space_gap * size:
                parts.append(" ")
        parts.append(char["text"])
        prev = char
    return "".join(parts).strip()


# What a line is besides its text and chars: x0, x1, top, bottom, size, fontname, colour.
_Look = tuple[float, float, float, float, float, str, RGB | None]


class LineMemo:
    """The looks (``_Look``) of runs of chars already made into lines, by the run's chars.

    A table's chars are grouped into lines three or four times over (the page, then its
    bands and cells as the grid is split), mostly into the same runs; a run's look depends
    on its chars alone. Keyed by the chars' ids: an entry holds its chars, so no id passes
    to another object while the memo lives. Chars must not move while it lives (one page's
    tables; ``anchor_char_boxes`` has run before).
    """

    def __init__(self, lines: Iterable[TextLine] = ()) -> None:
        self._looks: dict[tuple[bool, tuple[int, ...]], tuple[tuple[dict, ...], _Look]] = {}
        for line in lines:
            look = (line.x0, line.x1, line.top, line.bottom, line.size, line.fontname, line.color)
            self._looks[(line.rotated, tuple(map(id, line.chars)))] = (tuple(line.chars), look)

    def look(self, chars: list[dict], sizes: list[float], rotated: bool) -> _Look:
        key = (rotated, tuple(map(id, chars)))
        kept = self._looks.get(key)
        if kept is not None:
            return kept[1]
        look = _look(chars, sizes)
        self._looks[key] = (tuple(chars), look)
        return look


def _most_common(values: list):
    """The value met most often, the first met of a tie (``Counter.most_common``)."""
    first = values[0]
    return first if values.count(first) == len(values) else Counter(values).most_common(1)[0][0]


def _median(values: list[float]) -> float:
    data = sorted(values)  # as statistics.median, without its checks
    mid = len(data) // 2
    return data[mid] if len(data) % 2 else (data[mid - 1] + data[mid]) / 2


def _look(chars: list[dict], sizes: list[float]) -> _Look:
    shown = [c["text"].strip() != "" for c in chars]
    if all(shown):
        visible, visible_sizes = chars, sizes
        fontname = _most_common([c["fontname"] for c in chars])
    elif any(shown):
        visible = [c for c, keep in zip(chars, shown, strict=True) if keep]
        visible_sizes = [size for size, keep in zip(sizes, shown, strict=True) if keep]
        fontname = _most_common([c["fontname"] for c in visible])
    else:
        visible, visible_sizes = chars, sizes
        fontname = chars[0]["fontname"]
    return (
        min(map(_X0, visible)),
        max(map(_X1, visible)),
        min(map(_TOP, visible)),
        max(map(_BOTTOM, visible)),
        _median(visible_sizes),
        fontname,
        # The colour most chars are set in: a coloured bullet glyph does not colour its line.
        _most_common([to_rgb(c.get("non_stroking_color"), c.get("ncs")) for c in visible]),
    )


_X0, _X1, _TOP, _BOTTOM = itemgetter("x0"), itemgetter("x1"), itemgetter("top"), itemgetter("bottom")


def _make_line(
    chars: list[dict], char_ids: list[int], settings: LineSettings, rotated: bool = False, memo: LineMemo | None = None
) -> TextLine:
    if rotated:
        direction = _matrix(chars[0])[:2]
        order = sorted(range(len(chars)), key=lambda k: _baseline_offset(chars[k], direction))
        chars, char_ids = [chars[k] for k in order], [char_ids[k] for k in order]
        sizes = [_rotated_size(c) for c in chars]
        raw_text = _text_of(chars, sizes, _box_gap, settings)
    else:
        sizes = [c["size"] for c in chars]
        raw_text = _text_of(chars, sizes, _forward_gap, settings)
    x0, x1, top, bottom, size, fontname, color = (
        memo.look(chars, sizes, rotated) if memo is not None else _look(chars, sizes)
    )
    return TextLine(
        chars=chars,
        char_ids=char_ids,
        raw_text=raw_text,
        x0=x0,
        x1=x1,
        top=top,
        bottom=bottom,
        size=size,
        fontname=fontname,
        color=color,
        rotated=rotated,
    )


def group_lines(
    chars: list[dict],
    settings: LineSettings = LineSettings(),
    char_ids: list[int] | None = None,
    memo: LineMemo | None = None,
) -> list[TextLine]:
    """Group chars (in content-stream order) into visual lines, rotated ones included.

    ``char_ids`` names each char (default: its index in ``chars``); lines keep them.
    Lines come in the content-stream order of their first char. ``memo`` shares the
    looks of runs met before (the same chars grouped again).
    """
    ids = range(len(chars)) if char_ids is None else char_ids
    # (rotated?, chars, ids) per run, in order of the run's first char. Horizontal and
    # rotated text are two separate streams, so a rotated label drawn mid-line does not
    # cut a line.
    runs: list[tuple[bool, list[dict], list[int]]] = []
    last: dict[bool, tuple[bool, list[dict], list[int]]] = {}
    for char, char_id in zip(chars, ids, strict=True):
        rotated = not is_horizontal(char, settings.orientation)
        run = last.get(rotated)
        continues = _continues_rotated if rotated else _continues
        if run is not None and continues(run[1], char, settings):
            run[1].append(char)
            run[2].append(char_id)
        else:
            last[rotated] = (rotated, [char], [char_id])
            runs.append(last[rotated])
    lines = [_make_line(run, run_ids, settings, rotated, memo) for rotated, run, run_ids in runs]
    return [line for line in lines if line.raw_text]


# A line that is only an item label: a footnote or list number, ※1, ①, (1), 1. — set at
# a tab stop before its text, further off than a word gap.
_LABEL_ONLY = re.compile(r"^(?:[※＊*]?[(（]?[0-9０-９]{1,3}[)）.．]?|[①-⑳❶-❿]|[※＊*])$")


def join_label_lines(
    lines: list[TextLine], settings: LineSettings = LineSettings(), max_tab: float = 4.0
) -> list[TextLine]:
    """Join each label-only line (``_LABEL_ONLY``) to the line its text is set on: the
    next line that starts right of it, within ``max_tab`` font sizes, on its baseline.

    Running text only: in a table the same geometry is a number column beside a text one.
    """
    out: list[TextLine] = []
    skip: set[int] = set()
    for k, line in enumerate(lines):
        if k in skip:
            continue
        if not line.rotated and _LABEL_ONLY.match(line.raw_text.strip()):
            partner = next(
                (
                    j
                    for j in range(k + 1, min(k + 4, len(lines)))
                    if j not in skip
                    and not lines[j].rotated
                    and 0 <= lines[j].x0 - line.x1 <= max_tab * lines[j].size
                    and abs(lines[j].bottom - line.bottom) <= settings.baseline_tolerance * lines[j].size
                ),
                None,
            )
            if partner is not None:
                text = lines[partner]
                chars, ids = line.chars + text.chars, line.char_ids + text.char_ids
                joined = _make_line(chars, ids, settings)
                # The tab is one printed gap: one space, however wide.
                joined.raw_text = line.raw_text.strip() + " " + text.raw_text.strip()
                out.append(joined)
                skip.add(partner)
                continue
        out.append(line)
    return out
