"""Captions: 「表5-4（1） …」 → a table, id 表5-4, part 1, title 「…」.

The one caption grammar: a number word (表, 図表, 付表, 統計表, 図, 参考 … see
``lexicon``) and a number (digits or a roman numeral, dash- or dot-separated
sub-numbers: 「図表Ⅰ-4-1」「表1.2」, maybe after a dash: 「図-1」), or 「第1-1-2図」,
or 「Table 3」/「Figure 2」; then, for a table printed over several slides, a part
number in brackets; then the title, after a space or a separator (「：」「．」).

The whole may be printed in brackets: 「＜図表7：…＞」 (the title inside, the line ends
with the closing bracket) or 「（参考1）…」「【表1】…」 (the id alone inside). A bracket
that holds anything else is no caption: 「（図11、表17）」 is a cross-reference.

The id is what joins the parts and matches a table from one year's report to the next,
so it is normalised (digits and roman numerals NFKC, every separator "-", brackets and
spaces dropped: 「＜図表３：…＞」「図表 3 …」「図表３．…」 are all 図表3; 「表５－４」 and
「表5・4」 are 表5-4) while the caption keeps its printed form. A caption is parsed once,
where it is found; the ``Caption`` travels with its table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from extractors.text.lexicon import (
    CAPTION_BRACKETS,
    CAPTION_NUMBER,
    CAPTION_SEPARATORS,
    DASH,
    DIGIT,
    FIGURE_CAPTION_WORDS,
    FIGURE_OR_TABLE_CAPTION_WORDS,
    LATIN_FIGURE_WORDS,
    LATIN_TABLE_WORDS,
    NUMBER,
    ORDINAL_FIGURE_WORDS,
    ORDINAL_TABLE_WORDS,
    REFERENCE_CAPTION_WORDS,
    TABLE_CAPTION_WORDS,
)

# "reference": a numbered annex (参考1): it has an id, but is neither a table nor a figure caption.
CaptionKind = Literal["table", "figure", "reference"]


def _kinds(tables: tuple[str, ...], figures: tuple[str, ...]) -> dict[str, CaptionKind]:
    kinds: dict[str, CaptionKind] = dict.fromkeys(tables, "table")
    kinds.update(dict.fromkeys(figures, "figure"))
    return kinds


_WORD_KIND = _kinds(TABLE_CAPTION_WORDS, FIGURE_CAPTION_WORDS)
_WORD_KIND.update(dict.fromkeys(REFERENCE_CAPTION_WORDS, "reference"))
_ORDINAL_KIND = _kinds(ORDINAL_TABLE_WORDS, ORDINAL_FIGURE_WORDS)
_LATIN_KIND = _kinds(LATIN_TABLE_WORDS, LATIN_FIGURE_WORDS)
_WORDS = sorted(_WORD_KIND, key=len, reverse=True)  # longest first: 付表 before 表
_LATIN = sorted(_LATIN_KIND, key=len, reverse=True)
_OPENING = "".join(re.escape(b) for b in CAPTION_BRACKETS)
_CAPTION_ID = re.compile(
    rf"^\s*(?P<open>[{_OPENING}])?\s*"
    rf"(?:(?P<word>{'|'.join(_WORDS)})\s*(?:{DASH}\s*)?(?P<number>{CAPTION_NUMBER})"
    rf"|第\s*(?P<ordinal>{NUMBER})\s*(?P<suffix>{'|'.join(_ORDINAL_KIND)})"
    rf"|(?P<latin>{'|'.join(re.escape(w) for w in _LATIN)})\s*(?P<latin_number>[0-9]+(?:[-.][0-9]+)*))"
)
# A part number right after the id: （1） (1) （１）.
_PART = re.compile(rf"^\s*[（(]\s*({DIGIT}+)\s*[）)]")
_SENTENCE_MARKS = tuple("。、，,．")
_SEPARATORS = re.compile(rf"\s*(?:{DASH}|[.．・])\s*")


@dataclass(frozen=True)
class Caption:
    caption: str
    caption_id: str | None
    part: int | None
    kind: CaptionKind | None = field(default=None, compare=False)
    # Offsets into ``caption``: where the printed id ends, where the part number is printed,
    # where the title begins and ends (before a closing bracket).
    id_end: int = field(default=0, compare=False, repr=False)
    title_start: int = field(default=0, compare=False, repr=False)
    title_end: int | None = field(default=None, compare=False, repr=False)
    part_span: tuple[int, int] | None = field(default=None, compare=False, repr=False)

    @property
    def title(self) -> str:
        """The caption's words after its id and part (「ヒアリング結果一覧表 …」)."""
        return self.caption[self.title_start : self.title_end].strip()

    def without_part(self) -> str:
        """「表5-4（1） …」 → 「表5-4 …」: what the parts of one table share."""
        if self.part_span is None:
            return self.caption
        start, end = self.part_span
        return f"{self.caption[:start].rstrip()} {self.caption[end:].strip()}".strip()


def _number(digits: str) -> str:
    return _SEPARATORS.sub("-", unicodedata.normalize("NFKC", digits)).replace(" ", "")


def _bracket_close(caption: str, match: re.Match) -> tuple[int, int | None] | None:
    """For a caption printed in brackets: where its id part ends and where its title ends
    (before the closing bracket); None when the brackets hold something else."""
    close = CAPTION_BRACKETS[match.group("open")]
    rest = caption[match.end() :]
    part = _PART.match(rest)
    after = match.end() + (part.end() if part else 0)
    if caption[after:].lstrip().startswith(close):  # 「（参考1）…」「【表1】…」: the id alone inside
        id_end = caption.index(close, after) + 1
        # 「（図表11）。」 ends a sentence that points at a figure: a reference, not a caption.
        return None if caption[id_end:].lstrip()[:1] in _SENTENCE_MARKS else (id_end, None)
    if caption[after : after + 1] in CAPTION_SEPARATORS and caption.endswith(close):  # 「＜図表7：…＞」
        return match.end(), len(caption) - len(close)
    return None


def parse_caption(text: str) -> Caption:
    caption = text.strip()
    match = _CAPTION_ID.match(caption)
    if not match:
        return Caption(caption, None, None)
    id_end, title_end = match.end(), None
    if match.group("open"):
        closing = _bracket_close(caption, match)
        if closing is None:
            return Caption(caption, None, None)
        id_end, title_end = closing
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
    part_span = (match.end(), match.end() + part_match.end()) if part_match else None
    title_start = max(id_end, part_span[1] if part_span else 0)
    while title_start < len(caption) and caption[title_start] in CAPTION_SEPARATORS:
        title_start += 1
    return Caption(
        caption,
        caption_id,
        part,
        kind,
        id_end=id_end,
        title_start=title_start,
        title_end=title_end,
        part_span=part_span,
    )


def is_table_caption(text: str) -> bool:
    """Whether a line opens with a table number (表…/付表…/第…表/Table …)."""
    return parse_caption(text).kind == "table"


def is_caption(text: str) -> bool:
    """Whether a line opens with a table or figure number (a reference annex's 「参考1」 is neither)."""
    return parse_caption(text).kind in ("table", "figure")


def numbers_a_figure(caption: Caption) -> bool:
    """Whether the caption may number a figure: a figure word, or a word white papers
    number charts and tables alike with (図表)."""
    return caption.kind == "figure" or (
        caption.kind == "table" and (caption.caption_id or "").startswith(FIGURE_OR_TABLE_CAPTION_WORDS)
    )


def caption_of(table) -> Caption | None:
    """A table's caption as the table stage parsed it; a table built elsewhere (from truth
    data, in a test) carries only the text, which is parsed here."""
    if table.parsed_caption is not None:
        return table.parsed_caption
    return parse_caption(table.caption) if table.caption else None
