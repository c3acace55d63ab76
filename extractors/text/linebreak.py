"""Line breaking: where a line breaker may wrap, and what a hard wrap stood for.

Japanese has no spaces between words: a line may break between almost any two
characters, except that some may not start a line (closing brackets, small kana, 。、)
and some may not end one (opening brackets, ※) — kinsoku. A Latin word is never split;
the office line breakers these reports come from also keep it with whatever follows it
up to a space (「2,300名）」, 「Finlandの」).

Joining the wrapped lines back is the one rule every stage uses: no space between
Japanese characters, one space between Latin words.
"""

from __future__ import annotations

import re

# Characters a line may not start with: they travel with the char before them.
NO_LINE_START = frozenset(
    "、。，．,.)）]］｝}」』】〕〉》”’:;：；!?！？%％ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・･"
)
# Characters a line may not end with: they travel with the char after them (※ sticks to its number).
NO_LINE_END = frozenset("(（[［｛{「『【〔〈《“‘※")
# Japanese stops: a Latin word right after one sticks to it (「る。EUREKA」).
FULLWIDTH_STOPS = frozenset("、。，．")
# ASCII punctuation that belongs to a word or a number (「2,300」, 「3.5」, 「R&D」, 「e-mail」,
# 「10:30」, and a URL's 「https://…?a=1~b」, which line breakers keep whole).
LATIN_WORD_PUNCTUATION = frozenset("-_/@#&+=.,'\"*%:?~")


def is_latin(ch: str) -> bool:
    """Whether ``ch`` is part of a Latin word or number (never split by a wrap)."""
    if ch.isascii():
        return ch.isalnum() or ch in LATIN_WORD_PUNCTUATION
    # Accented Latin letters; full-width digits and letters (０-９, Ａ-ｚ) set as words too.
    return "\u00c0" <= ch <= "\u024f" or "\uff10" <= ch <= "\uff5a"


def can_break(left: str, right: str) -> bool:
    """Whether a line breaker may wrap between two adjacent characters.

    Kinsoku pairs never split; a Latin word sticks to whatever follows it up to a
    space, and a Japanese full stop or comma sticks to a Latin word after it.
    """
    if right.isspace():
        return False  # the space hangs at the line end; the break comes after it
    if left.isspace():
        return True
    if right in NO_LINE_START or left in NO_LINE_END:
        return False
    if is_latin(left):
        return False
    if left in FULLWIDTH_STOPS and is_latin(right):
        return False
    return True


_LATIN_END = re.compile(r"[A-Za-z0-9\u00C0-\u024F,.;:!?)\]%&'\"]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9\u00C0-\u024F(\[&'\"]")


def _splits_a_word(left: str, right: str) -> bool:
    # Two ASCII word characters either side of the wrap.
    a, b = left.rstrip()[-1:], right.lstrip()[:1]
    return bool(a and b) and a.isascii() and a.isalnum() and b.isascii() and b.isalnum()


def wrap_joiner(left: str, right: str, printed_space: bool | None = None) -> str:
    """What a hard wrap between ``left`` and ``right`` stood for: " " or "".

    Between two Latin words it was a space, between Japanese characters nothing.
    ``printed_space``: whether a space char was printed at the wrap, when the layout
    tells. Office exports print the space at a word wrap, so a wrap between two word
    characters with none printed cut inside a word (「T|SMC」): no space.
    """
    if printed_space:
        return " "
    left, right = left.rstrip(), right.lstrip()
    latin_pair = bool(left and right and _LATIN_END.search(left) and _LATIN_START.match(right))
    if latin_pair and printed_space is False and _splits_a_word(left, right):
        return ""
    return " " if latin_pair else ""


def join_wrapped_lines(lines: list[str]) -> str:
    """Join visual lines that are one logical line (a hard wrap inside a paragraph)."""
    out = ""
    for line in lines:
        out = line.strip() if not out else out.rstrip() + wrap_joiner(out, line) + line.strip()
    return out
