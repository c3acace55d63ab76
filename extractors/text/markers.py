"""Bullet markers: which glyphs open a list item, and the one rule that cuts them off.

Reports mark items with a bullet glyph at the line start (・ ● ➢ ■ …, or a Wingdings
glyph left in the Private Use Area), sometimes a circled number (①). Some of these
glyphs also occur as text: ・ joins words (「研究・開発」), - and * start words, ※ opens
a remark. Where they count as markers differs between running text and table cells,
so the differences are named rules (``BODY``, ``CELL``), not separate recognisers.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.text.normalize import PRIVATE_USE_GLYPHS, is_private_use

# Characters that open a bullet item when they start a line (printed or normalised).
BULLET_GLYPHS = (
    frozenset("・･•●○◦▪■□◆◇❖➢➤►▶✓－ー-‐−–—※＊*")
    | frozenset(PRIVATE_USE_GLYPHS)
    | frozenset(PRIVATE_USE_GLYPHS.values())
)
# Unicode blocks of shapes, arrows and dingbats: producers print many more of these as
# bullets (⚫ ◼ ⬛ ⇒ ✔ ⮚ …) than any list names.
BULLET_BLOCKS = (
    (0x2022, 0x2023),  # • ‣
    (0x2043, 0x2043),  # ⁃
    (0x2190, 0x21FF),  # arrows
    (0x25A0, 0x25FF),  # geometric shapes
    (0x2605, 0x2606),  # ★ ☆
    (0x26AA, 0x26AB),  # ⚪ ⚫
    (0x2700, 0x27BF),  # dingbats
    (0x2B00, 0x2BFF),  # misc symbols and arrows (⬛ ⬤ ⮚)
    (0x1F780, 0x1F7FF),  # geometric shapes extended
)
# Markers that only count as bullets when a space follows (they also start words; ー
# also goes on a katakana word wrapped before its long vowel: 「ル」/「ール」).
GLYPHS_NEEDING_SPACE = frozenset("-*※ー")
# Circled and parenthesised numbers (①, ⑴, ❶ …) enumerate list items like a bullet.
ENUMERATORS = frozenset(
    chr(cp)
    for lo, hi in ((0x2460, 0x2473), (0x2474, 0x2487), (0x2776, 0x277F), (0x2780, 0x2793))
    for cp in range(lo, hi + 1)
)
# A line opening with these is a note (legend, remark) in running text.
NOTE_MARKS = frozenset("※＊*")


@dataclass(frozen=True)
class MarkerRules:
    # ① … open items: in running text they enumerate; in cells they are part of the text.
    enumerators: bool
    # ※ ＊ open an item: in cells a remark is one more item; in running text it is a note.
    note_marks: bool
    # A glyph that can also be text (・ ①) needs a gap or a space after it; a symbol-font
    # glyph never does. Cells break items by layout already, so there ・ always marks.
    needs_separation: bool


BODY = MarkerRules(enumerators=True, note_marks=False, needs_separation=True)
CELL = MarkerRules(enumerators=False, note_marks=True, needs_separation=False)


def is_shape_glyph(ch: str) -> bool:
    """A shape, arrow or dingbat: printed as a bullet when it opens a line."""
    return len(ch) == 1 and any(lo <= ord(ch) <= hi for lo, hi in BULLET_BLOCKS)


def is_marker_glyph(ch: str, rules: MarkerRules = CELL) -> bool:
    if ch in NOTE_MARKS and not rules.note_marks:
        return False
    if rules.enumerators and ch in ENUMERATORS:
        return True
    return ch in BULLET_GLYPHS or is_private_use(ch) or (is_shape_glyph(ch) and ch not in ENUMERATORS)


def split_marker(text: str, rules: MarkerRules = CELL, gap_after: bool = False) -> tuple[str | None, str]:
    """(marker as printed, text after it) of one line; (None, text) when the line is unmarked.

    ``gap_after``: the layout shows a gap after the first glyph (counts like a space).
    """
    stripped = text.lstrip()
    glyph = stripped[:1]
    if not glyph or not is_marker_glyph(glyph, rules):
        return None, stripped
    spaced = stripped[1:2].isspace()
    if glyph in GLYPHS_NEEDING_SPACE and not (spaced or gap_after):
        return None, stripped
    # A shape before a number is its sign (△１２３ is −123 in Japanese accounts), not a bullet.
    if glyph not in BULLET_GLYPHS and stripped[1:].lstrip()[:1].isdigit():
        return None, stripped
    if rules.needs_separation and not is_private_use(glyph) and not (spaced or gap_after):
        return None, stripped
    return glyph, stripped[1:].lstrip()


def starts_with_marker(text: str, rules: MarkerRules = CELL) -> bool:
    return split_marker(text, rules)[0] is not None
