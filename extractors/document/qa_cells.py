"""Q&A grid cell text → question labels, question text, answer items, references.

Pure functions over a cell's logical lines (the table stage already joined wraps and
put "\\n" between logical lines). An answer cell is a list of bullet items, an item
per logical line; a no-answer cell prints 回答なし / 該当なし / ― instead (possibly
followed by a remark on the next line, which stays part of the no-answer text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractors.text.lexicon import NO_ANSWER, QUESTION_LABEL, QUESTION_REFERENCE
from extractors.text.linebreak import wrap_joiner
from extractors.text.markers import split_marker as split_text_marker
from extractors.text.normalize import normalize_chars

# Separators printed between a label and question text on the same line.
_LABEL_SEPARATORS = " \u3000.．:：)）"
# Leading characters that print an indent (Office writes sub-items after an em space).
_INDENT_CHARS = " \u3000\u2002\u2003\u2009\t"


@dataclass(frozen=True)
class CellLine:
    """One logical line of a cell; ``indent`` is points right of the cell's text edge, when known."""

    text: str
    indent: float | None = None


@dataclass(frozen=True)
class ItemSettings:
    # A line starting this many points right of the cell's leftmost line is a sub-item.
    sub_item_indent: float = 3.0
    # Join an unmarked line to the item above when that item stops mid-sentence: an
    # author starts an unmarked item only after a finished sentence, so such a line is a
    # wrap the table stage could not tell from a break (autofit text is laid out at one
    # size and painted at another, so line ends do not always measure true).
    join_unfinished: bool = True


# Characters that finish a sentence (or a bracketed remark) at the end of a line.
SENTENCE_END = frozenset("。．.！？!?」』）)】")


@dataclass(frozen=True)
class ParsedItem:
    text: str
    marker: str | None
    level: int


def to_int(digits: str) -> int:
    return int(unicodedata.normalize("NFKC", digits))


def match_label(text: str) -> re.Match | None:
    return QUESTION_LABEL.match(text or "")


def split_question_cell(text: str) -> tuple[str, int, str] | None:
    """(label, number, question text) of a question cell, or None when it has no label."""
    match = match_label(text)
    if not match:
        return None
    rest = text[match.end():].lstrip(_LABEL_SEPARATORS)
    lines = [line.strip() for line in rest.split("\n")]
    return match.group(1), to_int(match.group(2)), "\n".join(line for line in lines if line)


def split_marker(text: str) -> tuple[str | None, str]:
    """(marker, text after it) of one logical line; marker None when the line is unmarked."""
    marker, rest = split_text_marker(text)
    return (normalize_chars(marker) if marker else None), rest


def cell_lines(text: str) -> list[CellLine]:
    """Logical lines of a cell from its text (no geometry: indent unknown)."""
    return [CellLine(line) for line in (text or "").split("\n") if line.strip()]


def is_no_answer(lines: list[CellLine]) -> bool:
    return bool(lines) and bool(NO_ANSWER.match(lines[0].text.strip()))


def parse_items(lines: list[CellLine], settings: ItemSettings = ItemSettings()) -> list[ParsedItem]:
    """Answer items of a cell, one per logical line, with marker and nesting level."""
    indents = [line.indent for line in lines if line.indent is not None]
    left = min(indents) if indents else 0.0
    items = []
    for line in lines:
        marker, body = split_marker(line.text)
        if not body and marker is None:
            continue
        if (settings.join_unfinished and marker is None and items
                and items[-1].text.rstrip()[-1:] not in SENTENCE_END):
            last = items[-1]
            items[-1] = ParsedItem(join_continued_item(last.text, body), last.marker, last.level)
            continue
        if line.indent is not None:
            nested = line.indent - left >= settings.sub_item_indent
        else:
            # Office prints a sub-item's indent as a leading em space; an unmarked line with
            # a leading space is a sentence cut by a slide break, not a sub-item.
            nested = marker is not None and line.text[:1] in _INDENT_CHARS
        # Without geometry the glyph tells: a run of another marker under the cell's
        # first one (「・」 items, then 「･」 items) is one level deeper.
        top_marker = next((item.marker for item in items if item.marker), None)
        nested = nested or (marker is not None and top_marker is not None and marker != top_marker)
        items.append(ParsedItem(text=body.strip(), marker=marker, level=1 if nested else 0))
    return items


def find_references(text: str) -> list[int]:
    """Question numbers a text points to, in order, without repeats."""
    numbers: list[int] = []
    for match in QUESTION_REFERENCE.finditer(text or ""):
        number = to_int(match.group(1))
        if number not in numbers:
            numbers.append(number)
    return numbers


def join_continued_item(previous: str, continued: str, continued_raw: str | None = None) -> str:
    """One item cut by a slide break: the halves joined as a wrap (a space if the break was one)."""
    cut_at_space = bool(continued_raw) and continued_raw[0] in _INDENT_CHARS
    return previous.rstrip() + wrap_joiner(previous, continued, printed_space=cut_at_space or None) + continued.strip()
