"""Numbering: 「第１章」「（１）」「ア」「1.2」 at a line start, and table-of-contents lines.

Reports number their headings and items in a handful of styles. ``read_numbering``
names the style of one line's number (its *family*) and its value; ``numbering_level``
turns the families of a document's numbered lines, in reading order, into nesting
levels the way outliners do. Whether a numbered line is a heading or a list item is
the block builder's call (size, weight, standing alone); this module reads text only.

A bare number is a marker only when something separates it from its text (a space, an
ideographic space, a printed gap written as a space, or ． 、): 「１ 調査の目的」 is
numbered, 「12日までの」「2020年」「3.5倍」 are not. Bracketed and circled numbers carry
their own delimiters, so 「①安全性」 is numbered, but not when a particle follows and the
number is only referred to (「①の規定」「(1)と(2)」「①だけ」).

Captions (「第１-２-４図」「表２」) are not numbering; ``extractors.text.captions`` reads
them. A glyph-led caption (「■第１-２-４図」) is not a title bracket either: strip the
glyph (``markers.split_marker``) and ask ``is_caption``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.text.captions import is_caption
from extractors.text.lexicon import DASH, DIGIT, NUMBER

# Kanji numerals as laws and old reports print them (第十二条, （二）, 一 総則).
KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI = f"[{KANJI_DIGITS}十百]"
# The kana orders items are counted in. A letter from ア to ソ is read in gojūon order (ア イ
# ウ …: lists rarely run longer), any other letter in iroha order (イ ロ ハ …, as laws count);
# イ is first in one and second in the other, see outline_families.
GOJUON = "アイウエオカキクケコサシスセソ"
IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"

# What can be counted: up to three digits (more is a year or a figure), a kanji numeral,
# a roman numeral, one letter or one katakana. Full-width forms read as their half-width ones.
_COUNTER = (
    rf"(?:{DIGIT}{{1,3}}(?!{DIGIT})|{_KANJI}{{1,4}}|[ivx]{{1,4}}|[IVX]{{1,4}}|[ⅰ-ⅻⅠ-Ⅻ]|[A-Za-zＡ-Ｚａ-ｚ]|[{IROHA}])"
)
# 第１章 第十二条 第１条の２ 第２: an ordinal, its unit, branch numbers (の２).
_ORDINAL = re.compile(
    rf"第\s*(?P<n>{DIGIT}{{1,3}}|{_KANJI}{{1,4}})(?:\s*(?P<unit>[編部章節款条項号]))?"
    rf"(?:の(?:{DIGIT}{{1,3}}|{_KANJI}{{1,3}}))*"
)
# The unit after 第N names the family; no unit (「第２ 調査の概要」) is a plain ordinal.
ORDINAL_FAMILIES = {
    "編": "part",
    "部": "part",
    "章": "chapter",
    "節": "section",
    "款": "subsection",
    "条": "article",
    "項": "paragraph",
    "号": "item",
    None: "ordinal",
}
# (1) （１） (ア) （一） (a): a counter in round brackets.
_PAREN = re.compile(rf"[(（]\s*(?P<n>{_COUNTER})\s*[)）]")
# 1) ア) a): a counter and a closing bracket only.
_CLOSING_PAREN = re.compile(rf"(?P<n>{_COUNTER})[)）]")
# What joins the components of a dotted number.
_JOINER = re.compile(rf"[.．]|{DASH}")
# 1.2 １－３． 1.: numbers joined by dots or dashes, or one number and a period.
_DOTTED = re.compile(rf"(?P<n>{DIGIT}{{1,3}}(?:(?:[.．]|{DASH}){DIGIT}{{1,3}})*)(?!{DIGIT})(?P<stop>[.．])?")
# １ ア 一 Ⅲ a.: a counter with at most a period or comma after it.
_BARE = re.compile(rf"(?P<n>{_COUNTER})(?P<stop>[.．、，]?)")
# One glyph that prints a whole number: ① ❶ ⑴ ⒈.
_GLYPH_RANGES = (
    (0x2460, 1, 20, "circled"),  # ①-⑳
    (0x3251, 21, 15, "circled"),  # ㉑-㉟
    (0x32B1, 36, 15, "circled"),  # ㊱-㊿
    (0x2780, 1, 10, "circled"),  # ➀-➉
    (0x2776, 1, 10, "circled_black"),  # ❶-❿
    (0x278A, 1, 10, "circled_black"),  # ➊-➓
    (0x2474, 1, 20, "paren_number"),  # ⑴-⒇
    (0x2488, 1, 20, "dotted"),  # ⒈-⒛
)
NUMBER_GLYPHS = {
    chr(start + i): (family, first + i) for start, first, count, family in _GLYPH_RANGES for i in range(count)
}

# Words that continue a sentence about a number (「①の規定」「(1)と(2)」「①だけ」): the number
# is referred to, not printed as a marker. A one-kana particle counts only when no hiragana
# follows it, since headings start with hiragana words too (「（１）はじめに」「（２）ものづくり」).
_REFERENCE = re.compile(
    r"(?:について|において|のうち|により|による|のとおり|から|まで|だけ|及び|又は|並びに|など"
    r"|[のとやはがをにもでへ](?![ぁ-ゖ])|[、，,・～〜])"
)
# A quantity, not a heading: 「12 日までの」「1.5 倍」「3 件」 (a unit, then kana, a digit or the end).
_QUANTITY = re.compile(rf"[年月日時分秒件人名社円倍歳回個点割%％](?:$|[ぁ-ゖ、。，）)]|{DIGIT})")
# A letter-spaced word (「一 般 会 計」「ア ン ケ ー ト」): its first letter is not a marker.
_LETTER_SPACED = re.compile(r"\S(?:\s\S){2,}\s*")
# A number right after a marker makes it part of a figure (「(1)2」「1. 5」), not a marker.
_DIGIT_START = re.compile(DIGIT)


@dataclass(frozen=True)
class Numbering:
    marker: str  # as printed: 「第１条」「（１）」「１．」「ア」「①」
    family: str  # the numbering style: "chapter", "paren_number", "katakana", "dotted" …
    depth: int  # number of components of a dotted number (1.2.3 → 3); 1 otherwise
    value: int | None  # the counted value (第十二条 → 12, ア → 1); a dotted number's last component
    rest: str  # the text after the marker and its separating space

    @property
    def key(self) -> str:
        """The family, told apart by depth for dotted numbers: what ``numbering_level`` compares."""
        return self.family if self.depth == 1 else f"{self.family}:{self.depth}"


def _kanji_value(text: str) -> int:
    total = current = 0
    for ch in text:
        if ch in KANJI_DIGITS:
            current = current * 10 + KANJI_DIGITS.index(ch)
        else:  # 十, 百 multiply what precedes them (二十 = 20, 十二 = 12)
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
    return total + current


def _roman_value(text: str) -> int:
    values = [{"i": 1, "v": 5, "x": 10}[c] for c in text.lower()]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def _counter(token: str) -> tuple[str, int]:
    """(base family, value) of a counter: "number" 12, "kanji" 12, "roman" 3, "katakana" 1 …"""
    text = unicodedata.normalize("NFKC", token)  # １２ → 12, Ⅲ → III, ａ → a
    if text.isdigit():
        return "number", int(text)
    if re.fullmatch(_KANJI + "+", text):
        return "kanji", _kanji_value(text)
    if re.fullmatch("[IVX]+", text):
        return "roman", _roman_value(text)
    if re.fullmatch("[ivx]+", text):
        return "roman_lower", _roman_value(text)
    if text.isascii():
        return ("alpha" if text.islower() else "alpha_upper"), ord(text.lower()) - ord("a") + 1
    if text in GOJUON:
        return "katakana", GOJUON.index(text) + 1
    return "iroha", IROHA.index(text) + 1


def _numbering(marker: str, family: str, value: int | None, rest: str, depth: int = 1) -> Numbering:
    return Numbering(marker, family, depth, value, rest.lstrip())


def _self_delimited(line: str, end: int, family: str, value: int | None) -> Numbering | None:
    """A marker with its own delimiters (①, （１）, 1)): text may follow without a space."""
    rest = line[end:]
    if _DIGIT_START.match(rest) or (rest[:1] and not rest[0].isspace() and _REFERENCE.match(rest)):
        return None
    return _numbering(line[:end], family, value, rest)


def _separated(line: str, end: int, stop: str) -> bool:
    """An open marker (１, ア, 1.2) ends where a space or a stop (． 、) separates it from text;
    one ending in a period (「１．」「ア．」) may stand alone on its line."""
    rest = line[end:]
    if not rest:
        return stop in (".", "．")
    if not (stop or rest[0].isspace()):
        return False
    if stop == "." and rest[0].isascii() and rest[0].isalnum():  # 「e.g.」「1.5」
        return False
    text = rest.lstrip()
    return not (_DIGIT_START.match(text) or _QUANTITY.match(text))


def read_numbering(text: str) -> Numbering | None:
    """The number a line opens with, or None when the line is not numbered."""
    line = text.strip()
    if not line:
        return None
    if line[0] in NUMBER_GLYPHS:
        family, value = NUMBER_GLYPHS[line[0]]
        return _self_delimited(line, 1, family, value)
    if m := _ORDINAL.match(line):
        rest = line[m.end() :]
        if rest and not (rest[0].isspace() or rest[0] in "（(【「〔［"):
            return None  # 「第２章で」「第１条の規定」「第一回」「第1-1-2図」
        value = _counter(m["n"])[1]
        return _numbering(m[0], ORDINAL_FAMILIES[m["unit"]], value, rest)
    if m := _PAREN.match(line):
        base, value = _counter(m["n"])
        return _self_delimited(line, m.end(), f"paren_{base}", value)
    if m := _CLOSING_PAREN.match(line):
        base, value = _counter(m["n"])
        return _self_delimited(line, m.end(), f"{base}_paren", value)
    return _read_open(line)


def _read_open(line: str) -> Numbering | None:
    """Numbers that need a separator: 1.2 / １． (dotted), then １ ア 一 Ⅲ a. (bare)."""
    if (m := _DOTTED.match(line)) and (m["stop"] or _JOINER.search(m["n"])):
        if not _separated(line, m.end(), m["stop"] or ""):
            return None
        parts = _JOINER.split(m["n"])
        return _numbering(m[0], "dotted", _counter(parts[-1])[1], line[m.end() :], depth=len(parts))
    if not (m := _BARE.match(line)):
        return None
    base, value = _counter(m["n"])
    if base.startswith("alpha") and m["stop"] not in (".", "．"):
        return None  # a letter needs a period: 「a. 概要」, never 「A 社」
    if base.startswith("roman") and m["n"].isascii() and not m["stop"]:
        return None  # 「I think」; the glyph 「Ⅲ 調査結果」 may go with a space
    if not _separated(line, m.end(), m["stop"]):
        return None
    rest = line[m.end() :]
    if base in ("kanji", "katakana", "iroha") and not m["stop"] and _LETTER_SPACED.fullmatch(rest.lstrip()):
        return None
    return _numbering(m[0], base, value, rest)


def outline_families(items: Sequence[Numbering]) -> list[str]:
    """The ``key`` of each item, with イ read as iroha where the next kana item of its style is ロ."""
    keys = [n.key for n in items]
    for i, n in enumerate(items):
        if "katakana" not in n.family or n.value != GOJUON.index("イ") + 1:
            continue
        iroha = n.family.replace("katakana", "iroha")
        following = next((m for m in items[i + 1 :] if m.family in (n.family, iroha)), None)
        if following is not None and following.family == iroha:
            keys[i] = iroha
    return keys


def numbering_level(families_in_order: Sequence[str]) -> list[int]:
    """Nesting levels of numbered lines from their families, in reading order, as outliners
    assign them: the first family is level 0; a new family goes one level below the line
    before it; a family met before returns to its level and closes the deeper ones."""
    open_families: list[str] = []  # one a level; the last is the previous line's family
    levels = []
    for family in families_in_order:
        if family in open_families:
            del open_families[open_families.index(family) + 1 :]
        else:
            open_families.append(family)
        levels.append(len(open_families) - 1)
    return levels


# Brackets a title stands in on its own line: （目的） 【第１条 目的】 ＜概要＞ 〔…〕 [...].
TITLE_BRACKETS = dict(zip("（(【＜<〈《〔［[", "）)】＞>〉》〕］]", strict=True))
# Glyphs that set off a title line: 「■調査の概要」 「◆ 結果」.
TITLE_GLYPHS = frozenset("■□◆◇")
# A title is short; a longer bracketed line is a remark or a sentence.
TITLE_MAX_CHARS = 40
# Not titles though bracketed: a sentence (。), a label or source (「（単位：人）」「（出典：…）」),
# a note mark (「（注）」「（注１）」).
_NOT_TITLE = re.compile(rf"。$|[：:]|^注{DIGIT}*$|^※")
# A unit label over a chart or a table column: 「（％）」「(万人)」「(％、ポイント)」「（年）」.
_UNIT_LABEL = re.compile(
    r"(?:[万千百億兆]?(?:人|円|件|世帯|社|所|回|時間|日|月|年|歳|倍|ポイント|[％%])[、,・／/\s]*)+"
)


def is_title_bracket(text: str) -> bool:
    """Whether a whole line is a bracketed or glyph-led title: 「（目的）」「【第１条 目的】」「■概要」.

    The shape only; that the line stands alone is the layout's to say.
    """
    line = text.strip()
    if not 2 < len(line) <= TITLE_MAX_CHARS:
        return False
    if line[0] in TITLE_GLYPHS:
        inner = line[1:].strip()
        return bool(inner) and not inner.endswith("。") and not is_caption(inner)
    close = TITLE_BRACKETS.get(line[0])
    if close is None or not line.endswith(close) or close in line[1:-1]:
        return False
    inner = line[1:-1].strip()
    if not inner or _NOT_TITLE.search(inner) or _UNIT_LABEL.fullmatch(inner):
        return False
    numbered = read_numbering(line)
    return numbered is None or numbered.rest != ""  # 「（１）」 alone is a number, not a title


@dataclass(frozen=True)
class TocEntry:
    title: str  # the text before the leaders, without its number
    marker: str | None  # the number as printed, when the title has one
    page: str  # the page reference as printed: 「１ページ」「12」「ⅲ」「3-5」
    leader: str  # the leader run as printed; "" when only a gap precedes a 「…ページ」 reference


# Characters a leader run is drawn with (dots, middle dots, rules, underscores).
LEADER_CHARS = "‥…・.．·･─━―－\\-_＿"
# A leader run has at least three characters, or two of those that draw several dots each
# (「……」「‥‥」): a lone 「…」 or 「・」 in prose is no leader.
LEADER_WEIGHT = {"…": 2, "‥": 2}
MIN_LEADER_WEIGHT = 3
# Single dots may be spaced out (「. . . .」); single dashes or ellipses spaced out are the
# empty cells of a table row (「－ － －」「… …」), not a leader.
SPACED_LEADER_DOTS = frozenset(".．・·･")
# A page reference: 「12」「１ページ」「p. 3」「3-5」「ⅲ」「iv」.
_PAGE = rf"(?:[pPＰ]\.?\s*)?(?:{NUMBER}|[ⅰ-ⅻⅠ-Ⅻ]|[ivx]{{1,5}}|[IVX]{{1,5}})(?:\s*(?:ページ|頁))?"
# Title, a leader run (spaces may sit between its characters), the page reference at the end.
_LEADER = f"[{LEADER_CHARS}]"
_TOC_LEADERS = re.compile(rf"(?P<title>.*?\S)\s*(?P<leader>{_LEADER}(?:\s*{_LEADER})*)\s*(?P<page>{_PAGE})")
# Without leaders, a gap before a page reference that says it is one (「調査の概要　１ページ」).
_TOC_GAP = re.compile(rf"(?P<title>.*?\S)\s+(?P<leader>)(?P<page>(?:{NUMBER}|[ⅰ-ⅻⅠ-Ⅻ])\s*(?:ページ|頁))")


def _is_leader(run: str) -> bool:
    pieces = run.split()
    if len(pieces) > 1 and any(len(p) == 1 and p not in SPACED_LEADER_DOTS for p in pieces):
        return False
    return sum(LEADER_WEIGHT.get(c, 1) for p in pieces for c in p) >= MIN_LEADER_WEIGHT


def read_toc_entry(text: str) -> TocEntry | None:
    """A table-of-contents line: its title (and number), leader run and page reference."""
    line = text.strip()
    m = _TOC_LEADERS.fullmatch(line) or _TOC_GAP.fullmatch(line)
    if m is None:
        return None
    leader = m["leader"]
    if leader and not _is_leader(leader):
        return None
    title = m["title"]
    numbered = read_numbering(title)
    if numbered is not None and numbered.rest:
        return TocEntry(numbered.rest, numbered.marker, m["page"], leader)
    return TocEntry(title, None, m["page"], leader)
