"""Bullet markers: one recogniser, with the body-text and cell rules named."""

import pytest

from extractors.text.markers import BODY, CELL, split_marker, starts_with_marker


@pytest.mark.parametrize("glyph", ["・", "●", "➢", "■", "－", "\uf0d8", "\ue123"])
def test_cell_items_open_with_any_bullet_glyph(glyph):
    assert split_marker(f"{glyph}回答。") == (glyph, "回答。")


def test_glyphs_that_also_start_words_need_a_space():
    assert split_marker("-5%の増加") == (None, "-5%の増加")
    assert split_marker("- 増加") == ("-", "増加")
    assert split_marker("※EUREKA とは") == (None, "※EUREKA とは")
    assert split_marker("※ 注記") == ("※", "注記")
    assert not starts_with_marker("※1")


def test_leading_indent_is_not_text():
    assert split_marker("\u3000・子項目") == ("・", "子項目")
    assert split_marker("  本文") == (None, "本文")


def test_body_text_needs_a_gap_after_a_glyph_that_joins_words():
    assert split_marker("・研究", BODY) == (None, "・研究")
    assert split_marker("・研究", BODY, gap_after=True) == ("・", "研究")
    assert split_marker("・ 研究", BODY) == ("・", "研究")
    assert split_marker("\uf0d8研究", BODY) == ("\uf0d8", "研究")  # a symbol-font glyph always marks


def test_enumerators_and_note_marks_differ_between_body_and_cells():
    assert split_marker("① 概要", BODY) == ("①", "概要")
    assert split_marker("① 概要", CELL) == (None, "① 概要")
    assert split_marker("※ 注記", BODY) == (None, "※ 注記")
    assert split_marker("＊注記", CELL) == ("＊", "注記")


@pytest.mark.parametrize("glyph", ["⚫", "◼", "⬛", "⇒", "✔", "⮚", "★", "‣"])
def test_shapes_arrows_and_dingbats_open_items(glyph):
    assert split_marker(f"{glyph} 過去3年間に", BODY) == (glyph, "過去3年間に")
    assert split_marker(f"{glyph}回答。") == (glyph, "回答。")


def test_a_shape_before_a_number_is_its_sign():
    assert split_marker("△１２３") == (None, "△１２３")
    assert split_marker("▲ 5.2", BODY) == (None, "▲ 5.2")
    assert split_marker("● 5 年後") == ("●", "5 年後")  # a listed bullet glyph stays one


def test_a_long_vowel_mark_opening_a_wrapped_line_is_text():
    # 「…データ、ル」/「ール、ツール…」: a katakana word wrapped before its ー.
    assert split_marker("ール、ツールなど") == (None, "ール、ツールなど")
    assert split_marker("ー 項目", BODY) == ("ー", "項目")
