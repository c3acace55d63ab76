"""Captions: 「表5-4（1） …」 → a table, id 表5-4, part 1, title 「…」.

The one caption grammar: a number word (表, 付表, 別表, 参考表, 図 … see ``lexicon``)
and a number, or 「第1-1-2図」, or 「Table 3」/「Figure 2」; then, for a table printed
over several slides, a part number in brackets. The id is what joins the parts, so
digits and dashes are normalised (「表５－４」 and 「表5-4」 are one table) while the
caption keeps its printed form. A caption is parsed once, where it is found; the
``Caption`` travels with its table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from extractors.text.lexicon import (
    DASH,
    DIGIT,
    FIGURE_CAPTION_WORDS,
    LATIN_FIGURE_WORDS,
    LATIN_TABLE_WORDS,
    NUMBER,
    ORDINAL_FIGURE_WORDS,
    ORDINAL_TABLE_WORDS,
    TABLE_CAPTION_WORDS,
)

CaptionKind = Literal["table", "figure"]


def _kinds(tables: tuple[str, ...], figures: tuple[str, ...]) -> dict[str, CaptionKind]:
    kinds: dict[str, CaptionKind] = dict.fromkeys(tables, "table")
    kinds.update(dict.fromkeys(figures, "figure"))
    return kinds


_WORD_KIND = _kinds(TABLE_CAPTION_WORDS, FIGURE_CAPTION_WORDS)
_ORDINAL_KIND = _kinds(ORDINAL_TABLE_WORDS, ORDINAL_FIGURE_WORDS)
_LATIN_KIND = _kinds(LATIN_TABLE_WORDS, LATIN_FIGURE_WORDS)
_WORDS = sorted(_WORD_KIND, key=len, reverse=True)  # longest first: 付表 before 表
_LATIN = sorted(_LATIN_KIND, key=len, reverse=True)
# A chapter's Roman numeral before the number (「図表Ⅰ-4-1-2」), and an opening bracket
# before the word (「＜図表7：…＞」).
_ROMAN = f"[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\\s*{DASH}\\s*"
_OPEN = "[＜<〈《【［\\[]?"
_CAPTION_ID = re.compile(
    rf"^\s*{_OPEN}\s*(?:(?P<word>{'|'.join(_WORDS)})\s*(?P<number>(?:{_ROMAN})?{NUMBER})"
    rf"|第\s*(?P<ordinal>{NUMBER})\s*(?P<suffix>{'|'.join(_ORDINAL_KIND)})"
    rf"|(?P<latin>{'|'.join(re.escape(w) for w in _LATIN)})\s*(?P<latin_number>[0-9]+(?:[-.][0-9]+)*))"
)
# A part number right after the id: （1） (1) （１）.
_PART = re.compile(rf"^\s*[（(]\s*({DIGIT}+)\s*[）)]")
_DASHES = re.compile(rf"\s*{DASH}\s*")


@dataclass(frozen=True)
class Caption:
    caption: str
    caption_id: str | None
    part: int | None
    kind: CaptionKind | None = field(default=None, compare=False)
    # Offsets into ``caption``: where the printed id ends, where the words after id and part begin.
    id_end: int = field(default=0, compare=False, repr=False)
    title_start: int = field(default=0, compare=False, repr=False)

    @property
    def title(self) -> str:
        """The caption's words after its id and part (「ヒアリング結果一覧表 …」)."""
        return self.caption[self.title_start :].strip()

    def without_part(self) -> str:
        """「表5-4（1） …」 → 「表5-4 …」: what the parts of one table share."""
        if self.part is None:
            return self.caption
        return f"{self.caption[: self.id_end]} {self.title}".strip()


def _number(digits: str) -> str:
    return _DASHES.sub("-", unicodedata.normalize("NFKC", digits))


def parse_caption(text: str) -> Caption:
    caption = text.strip()
    match = _CAPTION_ID.match(caption)
    if not match:
        return Caption(caption, None, None)
    if match.group("word"):
        kind, caption_id = _WORD_KIND[match.group("word")], match.group("word") + _number(match.group("number"))
    elif match.group("ordinal"):
        suffix = match.group("suffix")
        kind, caption_id = _ORDINAL_KIND[suffix], f"第{_number(match.group('ordinal'))}{suffix}"
    else:
        latin = match.group("latin")
        kind, caption_id = _LATIN_KIND[latin], f"{latin.rstrip('.')} {match.group('latin_number')}"
    part_match = _PART.match(caption[match.end() :])
    part = int(unicodedata.normalize("NFKC", part_match.group(1))) if part_match else None
    title_start = match.end() + (part_match.end() if part_match else 0)
    return Caption(caption, caption_id, part, kind, id_end=match.end(), title_start=title_start)


def is_table_caption(text: str) -> bool:
    """Whether a line opens with a table number (表…/付表…/第…表/Table …)."""
    return parse_caption(text).kind == "table"


def is_caption(text: str) -> bool:
    """Whether a line opens with a table or figure number."""
    return parse_caption(text).kind is not None


def caption_of(table) -> Caption | None:
    """A table's caption as the table stage parsed it; a table built elsewhere (from truth
    data, in a test) carries only the text, which is parsed here."""
    if table.parsed_caption is not None:
        return table.parsed_caption
    return parse_caption(table.caption) if table.caption else None
