"""Visual text lines: chars grouped into runs that share a baseline.

Office exports write text box by text box and line by line, so the content-stream order
of ``page.chars`` is already the reading order inside a text box; we cut a line where the
baseline moves or the pen jumps far ahead (another text box at the same height).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from extractors.geometry import BBox
from extractors.page.colour import RGB, char_rgb
from extractors.text.linebreak import can_break
from extractors.text.normalize import normalize_chars


# A char smaller than this share of its line's size may be a superscript/subscript.
SCRIPT_SIZE_RATIO = 0.9


@dataclass(frozen=True)
class LineSettings:
    # Same line while baselines differ by less than this share of the font size.
    baseline_tolerance: float = 0.35
    # A forward jump wider than this many font sizes starts a new line (another box).
    max_gap: float = 2.0
    # A backward step of more than this many font sizes starts a new line. Proportional
    # CJK punctuation (。、「」) is drawn overlapping its neighbour by up to ~0.25 em.
    backstep_tolerance: float = 0.5
    # A gap wider than this share of the font size, with no space char, prints a space.
    space_gap: float = 0.3


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
    chars = [c for c in line.chars if c["text"] and not c["text"].isspace()]
    if not chars:
        return 0.0
    end = 0
    while end + 1 < len(chars) and not can_break(chars[end]["text"], chars[end + 1]["text"]):
        if chars[end + 1]["x0"] - chars[end]["x1"] > settings.space_gap * chars[end]["size"]:
            break  # a printed gap is a space
        end += 1
    return chars[end]["x1"] - chars[0]["x0"]


def _same_baseline(ref: dict, char: dict, settings: LineSettings) -> bool:
    size = max(ref["size"], char["size"], 1.0)
    if abs(char["bottom"] - ref["bottom"]) <= settings.baseline_tolerance * size:
        return True
    # A superscript/subscript (note number) is smaller and sits inside the line's box.
    small = char["size"] < SCRIPT_SIZE_RATIO * ref["size"]
    return small and char["top"] >= ref["top"] - 0.5 * char["size"] and char["bottom"] <= ref["bottom"] + 0.5 * char["size"]


def _continues(run: list[dict], char: dict, settings: LineSettings) -> bool:
    prev = run[-1]
    # Compare baselines with the run's largest char so a superscript does not drag it.
    ref = max(run[-8:], key=lambda c: c["size"])
    if not _same_baseline(ref, char, settings):
        return False
    size = max(prev["size"], char["size"], 1.0)
    if char["x0"] < prev["x1"] - settings.backstep_tolerance * size:
        return False
    return char["x0"] - prev["x1"] <= settings.max_gap * size


def _make_line(chars: list[dict], char_ids: list[int], settings: LineSettings) -> TextLine:
    parts: list[str] = []
    prev = None
    for char in chars:
        if prev is not None and char["text"] != " " and prev["text"] != " ":
            if char["x0"] - prev["x1"] > settings.space_gap * char["size"]:
                parts.append(" ")
        parts.append(char["text"])
        prev = char
    fonts = Counter(c["fontname"] for c in chars if c["text"].strip())
    visible = [c for c in chars if c["text"].strip()] or chars
    return TextLine(
        chars=chars,
        char_ids=char_ids,
        raw_text="".join(parts).strip(),
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        top=min(c["top"] for c in visible),
        bottom=max(c["bottom"] for c in visible),
        size=median(c["size"] for c in visible),
        fontname=fonts.most_common(1)[0][0] if fonts else chars[0]["fontname"],
        # The colour most chars are set in: a coloured bullet glyph does not colour its line.
        color=Counter(char_rgb(c) for c in visible).most_common(1)[0][0],
    )


def group_lines(chars: list[dict], settings: LineSettings = LineSettings(),
                char_ids: list[int] | None = None) -> list[TextLine]:
    """Group chars (in content-stream order) into visual lines.

    ``char_ids`` names each char (default: its index in ``chars``); lines keep them.
    """
    ids = range(len(chars)) if char_ids is None else char_ids
    runs: list[list[dict]] = []
    run_ids: list[list[int]] = []
    for char, char_id in zip(chars, ids, strict=True):
        if not char.get("upright", True):
            continue
        if runs and _continues(runs[-1], char, settings):
            runs[-1].append(char)
            run_ids[-1].append(char_id)
        else:
            runs.append([char])
            run_ids.append([char_id])
    lines = [_make_line(run, run_id, settings) for run, run_id in zip(runs, run_ids, strict=True)]
    return [line for line in lines if line.raw_text]
