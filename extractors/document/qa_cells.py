"""Q&A grid cells → question labels, question text, answer items, references.

Pure functions over a cell's logical lines (``CellLine``: the table stage already joined
wraps, cut the bullet marker off and noted where each line is printed). An answer cell
is a list of bullet items, an item per logical line; a no-answer cell prints 回答なし /
該当なし / ― instead (possibly followed by a remark on the next line, which stays part
of the no-answer text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docmodel.document import Cell
from extractors.page.table_text import CellLine, lines_from_text
from extractors.text.lexicon import NO_ANSWER, QUESTION_LABEL, QUESTION_REFERENCE
from extractors.text.linebreak import wrap_joiner

# Separators printed between a label and question text on the same line.
_LABEL_SEPARATORS = " \u3000.．:：)）"


@dataclass(frozen=True)
class ItemSettings:
    # A line starting this many points right of the cell's item lines is a sub-item
    # (Office indents a sub-item by a tab stop or an em; a marker glyph's own side
    # bearing moves a line by well under this).
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
    rest = text[match.end() :].lstrip(_LABEL_SEPARATORS)
    lines = [line.strip() for line in rest.split("\n")]
    return match.group(1), to_int(match.group(2)), "\n".join(line for line in lines if line)


def logical_lines(cell: Cell) -> list[CellLine]:
    """A cell's logical lines as the table stage recorded them; a cell that never went
    through it (a table built from truth data or in a test) has only its text."""
    return cell.lines if cell.lines is not None else lines_from_text(cell.text)


def is_no_answer(lines: list[CellLine]) -> bool:
    return bool(lines) and bool(NO_ANSWER.match(lines[0].text.strip()))


def _item_edge(lines: list[CellLine]) -> float | None:
    """Where the cell's items start: the leftmost marked line (else any line), when printed."""
    placed = [(line.bbox.x0, line.marker) for line in lines if line.bbox is not None]
    marked = [x0 for x0, marker in placed if marker is not None] or [x0 for x0, _ in placed]
    return min(marked, default=None)


def parse_items(lines: list[CellLine], settings: ItemSettings = ItemSettings()) -> list[ParsedItem]:
    """Answer items of a cell, one per logical line, with marker and nesting level.

    A line printed indented from the cell's items is a sub-item (level 1); so is a run
    of another marker under the cell's first one (「・」 items, then 「･」 items), as
    outliners nest a new glyph.
    """
    edge = _item_edge(lines)
    items: list[ParsedItem] = []
    for line in lines:
        marker, body = line.marker, line.body
        if not body and marker is None:
            continue
        if settings.join_unfinished and marker is None and items and items[-1].text.rstrip()[-1:] not in SENTENCE_END:
            last = items[-1]
            items[-1] = ParsedItem(join_continued_item(last.text, body), last.marker, last.level)
            continue
        indented = edge is not None and line.bbox is not None and line.bbox.x0 - edge >= settings.sub_item_indent
        top_marker = next((item.marker for item in items if item.marker), None)
        switched = marker is not None and top_marker is not None and marker != top_marker
        items.append(ParsedItem(text=body.strip(), marker=marker, level=1 if indented or switched else 0))
    return items


def find_references(text: str) -> list[int]:
    """Question numbers a text points to, in order, without repeats."""
    numbers: list[int] = []
    for match in QUESTION_REFERENCE.finditer(text or ""):
        number = to_int(match.group(1))
        if number not in numbers:
            numbers.append(number)
    return numbers


def join_continued_item(previous: str, continued: str, cut_at_space: bool = False) -> str:
    """One item cut by a slide break: the halves joined as a wrap (a space if the break was one)."""
    return previous.rstrip() + wrap_joiner(previous, continued, printed_space=cut_at_space or None) + continued.strip()
