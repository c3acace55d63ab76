"""Ruby (furigana) found by size and position, and kept out of the base lines.

Each case is a one-page PDF written at test time with ``table_habits``' fonts and text
writer (Japanese in a non-embedded Adobe-Japan1 font, 1 em a glyph): readings drawn over
their bases as producers draw them (right after each base char, or in a pass after the
whole line), and small type that is not ruby. ``find_ruby`` must name the readings, and
once their chars are dropped, ``group_lines`` must give each printed line whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import pdfplumber
import pytest
from helpers import CORPUS, SOURCE_REPORT
from table_habits import PAGE_H, SIMPLE, render, text_line

from extractors.page.lines import anchor_char_boxes, group_lines
from extractors.page.ruby import Ruby, find_ruby

BODY = 10.5  # body type size
PITCH = 1.7 * BODY  # baseline to baseline of body lines with room for ruby
LEFT = 72.0
TOP = 120.0  # first baseline
# The font's box: from 0.12 em below the baseline to 0.88 em above it.
ASCENT, DESCENT = 0.88, 0.12


@dataclass(frozen=True)
class Piece:
    """Printed text with its reading: a str over the whole text (group-ruby), a tuple
    with one reading per char (mono-ruby), or none."""

    text: str
    reading: str | tuple[str, ...] = ""


def _ruby_line(
    pieces: list[Piece],
    baseline: float,
    *,
    x: float = LEFT,
    ratio: float = 0.5,
    after_line: bool = False,
    spread: float = 0.0,
) -> list[str]:
    """Operators printing one line of CJK ``pieces`` at ``baseline`` (top-down), each reading
    centred over its base, its box's bottom on the base's box top. Readings are drawn right
    after their base, or after the whole line (``after_line``). ``spread`` (in ems) is the
    room a typesetter opens between the kanji of a mono-ruby word to fit its readings."""
    ruby_size = ratio * BODY
    ruby_baseline = baseline - ASCENT * BODY - DESCENT * ruby_size
    line_ops: list[str] = []
    ruby_ops: list[str] = []
    for piece in pieces:
        parts = list(zip(piece.text, piece.reading, strict=True)) if isinstance(piece.reading, tuple) else []
        for k, (base, reading) in enumerate(parts or [(piece.text, piece.reading)]):
            x += spread * BODY if k else 0.0
            line_ops += text_line(base, x, baseline, BODY)
            if reading:
                ruby_x = x + (len(base) * BODY - len(reading) * ruby_size) / 2
                (ruby_ops if after_line else line_ops).extend(text_line(reading, ruby_x, ruby_baseline, ruby_size))
            x += len(base) * BODY
    return line_ops + ruby_ops


def _chars(tmp_path, ops: list[str]) -> list[dict]:
    path = tmp_path / "page.pdf"
    path.write_bytes(render(SIMPLE, lambda _table: ops))  # a "habit" drawing exactly these operators
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    anchor_char_boxes(chars)  # as the page stage does before any other
    return chars


def _readings(rubies: list[Ruby]) -> list[tuple[str, str]]:
    return [(ruby.text, ruby.base) for ruby in rubies]


def _lines_without_ruby(chars: list[dict], rubies: list[Ruby]) -> list[str]:
    ruby_ids = {k for ruby in rubies for k in ruby.char_ids}
    kept = [k for k in range(len(chars)) if k not in ruby_ids]
    lines = group_lines([chars[k] for k in kept], char_ids=kept)
    # A typesetter's spread between mono-ruby kanji may print as a space: not what is checked here.
    return [line.text.replace(" ", "") for line in lines]


def _check_bases(chars: list[dict], rubies: list[Ruby]) -> None:
    """Every reading's ids name its chars, and it sits above its base chars."""
    for ruby in rubies:
        assert "".join(chars[k]["text"] for k in ruby.char_ids) == ruby.text
        assert "".join(chars[k]["text"] for k in ruby.base_char_ids) == ruby.base
        assert ruby.bbox.bottom <= min(chars[k]["top"] for k in ruby.base_char_ids) + 0.25 * BODY


FUGAKU = [Piece("「"), Piece("富岳", ("ふ", "がく")), Piece("」に代表される計算機")]


@pytest.mark.parametrize("after_line", [False, True], ids=["after-each-base", "after-the-line"])
def test_readings_drawn_after_their_base_or_after_the_line(tmp_path, after_line):
    ops = _ruby_line(FUGAKU, TOP, after_line=after_line) + _ruby_line(
        [Piece("計算能力の"), Piece("牽引", "けんいん"), Piece("役を担う")], TOP + PITCH, after_line=after_line
    )
    chars = _chars(tmp_path, ops)
    rubies = find_ruby(chars)
    # ふ over 富 and がく over 岳, set solid, cannot be told from group-ruby: one reading.
    assert _readings(rubies) == [("ふがく", "富岳"), ("けんいん", "牽引")]
    _check_bases(chars, rubies)
    assert _lines_without_ruby(chars, rubies) == ["「富岳」に代表される計算機", "計算能力の牽引役を担う"]
    if not after_line:  # what ruby did before it was recognised: the line cut at each reading
        assert len(group_lines(chars)) > 2


def test_group_ruby_over_a_two_kanji_word(tmp_path):
    chars = _chars(tmp_path, _ruby_line([Piece("全体を"), Piece("俯瞰", "ふかん"), Piece("した図")], TOP))
    rubies = find_ruby(chars)
    assert _readings(rubies) == [("ふかん", "俯瞰")]
    _check_bases(chars, rubies)
    assert _lines_without_ruby(chars, rubies) == ["全体を俯瞰した図"]


def test_mono_ruby_per_kanji(tmp_path):
    # The kanji of 流暢 spread apart to fit a reading each (as the white paper sets it),
    # and two kanji of a sentence with a reading each.
    ops = _ruby_line([Piece("自然で"), Piece("流暢", ("りゅう", "ちょう")), Piece("な文章")], TOP, spread=0.45)
    ops += _ruby_line([Piece("僅", "わず"), Piece("かに"), Piece("稀", "まれ"), Piece("な例")], TOP + PITCH)
    chars = _chars(tmp_path, ops)
    rubies = find_ruby(chars)
    assert _readings(rubies) == [("りゅう", "流"), ("ちょう", "暢"), ("わず", "僅"), ("まれ", "稀")]
    _check_bases(chars, rubies)
    assert _lines_without_ruby(chars, rubies) == ["自然で流暢な文章", "僅かに稀な例"]


def test_readings_overhanging_neighbouring_kana(tmp_path):
    # A reading longer than its base hangs over the kana beside it, by half a ruby char
    # (ちょう over 蝶) or a whole one (りゅうちょう over 流暢, set solid).
    ops = _ruby_line([Piece("青い"), Piece("蝶", "ちょう"), Piece("が舞う")], TOP)
    ops += _ruby_line([Piece("自然で"), Piece("流暢", "りゅうちょう"), Piece("な文章")], TOP + PITCH, after_line=True)
    chars = _chars(tmp_path, ops)
    rubies = find_ruby(chars)
    assert _readings(rubies) == [("ちょう", "蝶"), ("りゅうちょう", "流暢")]
    _check_bases(chars, rubies)
    assert _lines_without_ruby(chars, rubies) == ["青い蝶が舞う", "自然で流暢な文章"]


@pytest.mark.parametrize("ratio", [0.5, 0.6])
def test_ruby_at_half_and_six_tenths_of_the_base_size(tmp_path, ratio):
    ops = _ruby_line([Piece("技術を"), Piece("牽引", "けんいん"), Piece("する")], TOP, ratio=ratio)
    ops += _ruby_line(
        [Piece("研究の"), Piece("演繹", "えんえき"), Piece("型")], TOP + PITCH, ratio=ratio, after_line=True
    )
    chars = _chars(tmp_path, ops)
    rubies = find_ruby(chars)
    assert _readings(rubies) == [("けんいん", "牽引"), ("えんえき", "演繹")]
    assert all(abs(chars[k]["size"] - ratio * BODY) < 0.01 for ruby in rubies for k in ruby.char_ids)
    assert _lines_without_ruby(chars, rubies) == ["技術を牽引する", "研究の演繹型"]


def test_ruby_in_a_two_column_page(tmp_path):
    right = LEFT + 22 * BODY  # the right column, its lines at the left column's baselines
    left_lines = [
        [Piece("第３次ブームが"), Piece("牽引", "けんいん"), Piece("された")],
        [Piece("自然で"), Piece("流暢", ("りゅう", "ちょう")), Piece("な文章")],
    ]
    right_lines = [
        [Piece("全体を"), Piece("俯瞰", "ふかん"), Piece("した図")],
        [Piece("計算機の性能が向上した")],
    ]
    ops: list[str] = []
    for row, (left_pieces, right_pieces) in enumerate(zip(left_lines, right_lines, strict=True)):
        baseline = TOP + row * PITCH
        ops += _ruby_line(left_pieces, baseline, spread=0.45) + _ruby_line(right_pieces, baseline, x=right)
    chars = _chars(tmp_path, ops)
    rubies = find_ruby(chars)
    assert sorted(_readings(rubies)) == sorted(
        [("けんいん", "牽引"), ("ふかん", "俯瞰"), ("りゅう", "流"), ("ちょう", "暢")]
    )
    _check_bases(chars, rubies)
    assert sorted(_lines_without_ruby(chars, rubies)) == sorted(
        ["第３次ブームが牽引された", "全体を俯瞰した図", "自然で流暢な文章", "計算機の性能が向上した"]
    )


def test_emphasis_ruby_over_a_latin_word_of_running_text(tmp_path):
    # The weak case: no kanji below, so the base must be a whole word (a run of one script).
    chars = _chars(tmp_path, _ruby_line([Piece("生成"), Piece("ＡＩ", "エーアイ"), Piece("の技術")], TOP))
    rubies = find_ruby(chars)
    assert _readings(rubies) == [("エーアイ", "ＡＩ")]
    assert _lines_without_ruby(chars, rubies) == ["生成ＡＩの技術"]


# --- small type that is not ruby


def _width(text: str, size: float) -> float:
    return len(text) * size  # CJK only: 1 em a glyph


def test_superscript_note_references_are_not_ruby(tmp_path):
    ops: list[str] = []
    # "あります1が": a Helvetica digit at 0.6 size, raised on the text line.
    x = LEFT + _width("学習法があります", BODY)
    ops += text_line("学習法があります", LEFT, TOP, BODY)
    ops += text_line("1", x, TOP - 0.4 * BODY, 0.6 * BODY)
    ops += text_line("が、特に", x + 0.6 * BODY * 0.556, TOP, BODY)
    # "※1" and a katakana note mark (ア) raised the same way after kanji: small, but on
    # the line itself, not above it.
    baseline = TOP + PITCH
    ops += text_line("強化学習", LEFT, baseline, BODY)
    x = LEFT + _width("強化学習", BODY)
    ops += text_line("※1", x, baseline - 0.4 * BODY, 0.6 * BODY)
    x += 0.6 * BODY * (1 + 0.556)
    ops += text_line("と教師", x, baseline, BODY)
    x += _width("と教師", BODY)
    ops += text_line("ア", x, baseline - 0.45 * BODY, 0.5 * BODY)
    ops += text_line("がある", x + 0.5 * BODY, baseline, BODY)
    chars = _chars(tmp_path, ops)
    assert find_ruby(chars) == []
    assert _lines_without_ruby(chars, []) == ["学習法があります1が、特に", "強化学習※1と教師アがある"]


def test_a_small_footnote_below_a_rule_is_not_ruby(tmp_path):
    note = 0.6 * BODY
    rule_top = TOP + PITCH
    ops = text_line("本文の最後の行である", LEFT, TOP, BODY)
    ops.append(f"0.5 w {LEFT} {PAGE_H - rule_top} m {LEFT + 120} {PAGE_H - rule_top} l S")
    ops += text_line("１　杉山将（２０２４）「教養としての機械学習」", LEFT, rule_top + 1.5 * note, note)
    ops += text_line("ここではかんりゃくかしている", LEFT, rule_top + 2.8 * note, note)  # all kana
    assert find_ruby(_chars(tmp_path, ops)) == []


def test_a_small_chart_label_above_a_larger_label_is_not_ruby(tmp_path):
    label = 0.55 * BODY
    # A unit over an axis title, tight; a small kana label over a larger kana label, alone.
    ops = text_line("（単位：千人）", LEFT, TOP - ASCENT * BODY - DESCENT * label, label)
    ops += text_line("就業者数", LEFT, TOP, BODY)
    x = LEFT + 200
    ops += text_line("うち", x + (_width("パート", BODY) - _width("うち", label)) / 2, TOP - ASCENT * BODY, label)
    ops += text_line("パート", x, TOP, BODY)
    assert find_ruby(_chars(tmp_path, ops)) == []


def test_a_small_line_of_its_own_over_body_text_is_not_ruby(tmp_path):
    # All kana, over kanji, but one body line pitch above them (1.5 em): a line of its own.
    small = 0.5 * BODY
    ops = text_line("さんこうしりょう", LEFT, TOP, small)
    ops += text_line("機械学習技術の概要", LEFT, TOP + 1.5 * BODY, BODY)
    assert find_ruby(_chars(tmp_path, ops)) == []


# --- real reports

MEXT = CORPUS / "real" / "mext_r6_st_whitepaper_ch1.pdf"


def _page_rubies(page) -> tuple[list[dict], list[Ruby]]:
    chars = page.chars
    anchor_char_boxes(chars)
    return chars, find_ruby(chars)


def test_white_paper_readings():
    with pdfplumber.open(MEXT) as pdf:
        chars2, page2 = _page_rubies(pdf.pages[1])
        chars4, page4 = _page_rubies(pdf.pages[3])
    # The truth (mext_r6_st_whitepaper_ch1.blocks.yaml): "けんいん" over 牽引, "りゅう" / "ちょう"
    # over 流暢 (its kanji spread apart, a reading each); "ふかん" over 俯瞰.
    assert _readings(page2) == [("けんいん", "牽引"), ("りゅう", "流"), ("ちょう", "暢")]
    assert _readings(page4) == [("ふかん", "俯瞰")]
    for chars, rubies in ((chars2, page2), (chars4, page4)):
        ruby_ids = {k for ruby in rubies for k in ruby.char_ids}
        kept = [k for k in range(len(chars)) if k not in ruby_ids]
        line_of = {
            k: n for n, line in enumerate(group_lines([chars[k] for k in kept], char_ids=kept)) for k in line.char_ids
        }
        for ruby in rubies:  # the base's line is whole: it holds the chars drawn just before and after the base
            before = max(k for k in kept if k < min(ruby.base_char_ids))
            after = min(k for k in kept if k > max(ruby.base_char_ids))
            assert {line_of[k] for k in (before, *ruby.base_char_ids, after)} == {line_of[before]}


@pytest.mark.parametrize("path", [SOURCE_REPORT, CORPUS / "variant-2.pdf"], ids=lambda p: p.stem)
def test_no_readings_in_slide_decks(path):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:20]:
            assert _page_rubies(page)[1] == [], page.page_number
