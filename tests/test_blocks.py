import pytest
from helpers import chars_of

from evaluation.blocks import leaked_chars, normalize_for_compare
from extractors.page.blocks import build_blocks, split_marker
from extractors.page.lines import group_lines

BLUE = (0.122, 0.22, 0.392)


def lines_of(*specs) -> list:
    chars = []
    for spec in specs:
        chars += chars_of(*spec[:3], **(spec[3] if len(spec) > 3 else {}))
    return group_lines(chars)


# --- the scorer ----------------------------------------------------------------------


def test_compare_normalisation_folds_radicals_and_whitespace():
    assert normalize_for_compare("意⾒と ⼤学\n  等") == "意見と 大学 等"


def test_leak_check_flags_radicals_and_private_use_only():
    assert leaked_chars("⼤学\uf0d8⻑") == ["⼤", "\uf0d8", "⻑"]
    assert leaked_chars("大学➢長①Ａ") == []


# --- markers -------------------------------------------------------------------------


def test_private_use_glyph_is_a_marker_even_without_a_gap():
    (line,) = lines_of(("\uf0d8研究開発", 30, 80))
    assert split_marker(line) == ("\uf0d8", "研究開発")


def test_nakaguro_is_a_marker_only_when_set_apart():
    bullet, joined = lines_of(("・平成27年度", 30, 80, {"gap_after_first": 7.0}), ("・イノベーション", 30, 120))
    assert split_marker(bullet) == ("・", "平成27年度")
    assert split_marker(joined) == (None, "・イノベーション")


def test_circled_number_item_becomes_marker_not_text():
    (line,) = lines_of(("①文献調査", 30, 80, {"gap_after_first": 7.0}))
    assert split_marker(line) == ("①", "文献調査")


def test_blocks_from_bullets_paragraph_heading_and_note():
    lines = lines_of(
        ("＜調査内容＞", 31.6, 60, {"size": 15.0, "font": "Sans-Bold", "color": BLUE}),
        ("\uf0d8国際共同研究の推進に関する調査を実施す", 31.6, 84),
        ("る。", 43.6, 100.8),  # hanging continuation, 0.2 em below
        ("●研究機関", 31.6, 124, {"gap_after_first": 7.0}),
        ("国外の研究機関に対して調査する。", 31.6, 147),
        ("※敬称略", 31.6, 170, {"size": 11.0}),
    )
    blocks = build_blocks(lines, page_number=4)
    assert [(b.type, b.marker, b.text) for b in blocks] == [
        ("heading", None, "＜調査内容＞"),
        ("bullet", "➢", "国際共同研究の推進に関する調査を実施する。"),
        ("bullet", "●", "研究機関"),
        ("paragraph", None, "国外の研究機関に対して調査する。"),
        ("note", None, "※敬称略"),
    ]
    assert blocks[1].raw_text == "\uf0d8国際共同研究の推進に関する調査を実施す\nる。"
    assert all(b.page == 4 for b in blocks)
    assert blocks[1].bbox.top == pytest.approx(84) and blocks[1].bbox.bottom == pytest.approx(114.8)


def test_coloured_body_size_line_is_a_heading():
    lines = lines_of(("（１）文献調査", 31.6, 60, {"color": BLUE}), ("国内外の研究機関を調べる。", 31.6, 84))
    assert [b.type for b in build_blocks(lines, 1)] == ["heading", "paragraph"]


def test_radicals_unified_in_text_kept_in_raw_text():
    (block,) = build_blocks(lines_of(("意⾒と⼤学", 30, 80)), 1)
    assert block.text == "意見と大学"
    assert block.raw_text == "意⾒と⼤学"


def test_latin_wrap_joins_with_one_space_japanese_with_none():
    lines = lines_of(
        ("国際研究センター MIT Center for", 31.6, 80),
        ("International Studies は研究を支", 31.6, 96.8),
        ("援する。", 31.6, 113.6),
    )
    # The first line stops because "International" did not fit: a wrap, not a break.
    (block,) = build_blocks(lines, 1)
    assert block.text == "国際研究センター MIT Center for International Studies は研究を支援する。"


def test_short_line_followed_by_more_of_the_block_is_a_new_logical_line():
    lines = lines_of(
        ("\uf0d8本調査は文献調査とヒアリング調査からなる調査である", 31.6, 80),
        ("その結果。", 43.6, 96.8),  # ends far short of the edge
        ("次の行の文章がここに続いていきます。", 43.6, 113.6),
    )
    (block,) = build_blocks(lines, 1)
    assert (
        block.text
        == "本調査は文献調査とヒアリング調査からなる調査であるその結果。\n次の行の文章がここに続いていきます。"
    )


def test_gap_between_lines_separates_paragraphs():
    lines = lines_of(("池谷 知彦 特任役員", 31.6, 80), ("金 範埈 教授", 31.6, 103.1))
    assert [b.text for b in build_blocks(lines, 1)] == ["池谷 知彦 特任役員", "金 範埈 教授"]


def test_bullet_levels_by_indent_and_by_glyph_change():
    lines = lines_of(
        ("\uf0d8議題", 31.6, 80),
        ("・調査概要", 31.6, 103, {"gap_after_first": 7.0}),
        ("－詳細", 60.0, 126, {"gap_after_first": 7.0}),
        ("\uf0d8委員意見", 31.6, 149),
    )
    blocks = build_blocks(lines, 1)
    assert [(b.marker, b.level) for b in blocks] == [("➢", 0), ("・", 1), ("－", 2), ("➢", 0)]


def test_empty_page_gives_no_blocks():
    assert build_blocks([], 1) == []


def test_coloured_bullet_glyph_does_not_make_its_line_a_heading():
    chars = chars_of("\uf0d8", 31.6, 80, color=BLUE) + chars_of("研究開発の推進", 45.6, 80)
    chars += chars_of("国内外の研究機関を調べる。", 31.6, 103)
    (bullet, paragraph) = build_blocks(group_lines(chars), 1)
    assert (bullet.type, bullet.marker, bullet.text) == ("bullet", "➢", "研究開発の推進")
    assert paragraph.type == "paragraph"


def test_table_or_figure_number_line_is_a_caption_but_a_sentence_is_not():
    lines = lines_of(
        ("表3-1 海外ヒアリング対象機関一覧", 200, 42, {"size": 12.0}),
        ("表3-1に対象機関を示す。", 31.6, 80),
        ("以上の結果を整理した。", 31.6, 103),
    )
    assert [b.type for b in build_blocks(lines, 1)] == ["caption", "paragraph", "paragraph"]


# --- visual lines (extractors/lines.py) ------------------------------------------------


def test_punctuation_drawn_over_its_neighbour_stays_on_the_line():
    chars = chars_of("文献調査結果を示す", 43.7, 84.7)
    chars += chars_of("。各機関", chars[-1]["x1"] - 1.4, 84.7)  # proportional 。 starts 1.4 pt back
    (line,) = group_lines(chars)
    assert line.raw_text == "文献調査結果を示す。各機関"


def test_superscript_note_number_stays_in_its_line():
    chars = chars_of("汎用ＡＩ", 120, 95.5, size=10.5)
    chars += chars_of("3", chars[-1]["x1"], 92.8, size=9.0)
    chars += chars_of("です。", chars[-1]["x1"], 95.5, size=10.5)
    (line,) = group_lines(chars)
    assert line.raw_text == "汎用ＡＩ3です。"


def test_next_line_of_a_text_box_is_a_new_line():
    chars = chars_of("一行目の文章", 30, 80) + chars_of("二行目", 30, 96.8)
    assert [ln.raw_text for ln in group_lines(chars)] == ["一行目の文章", "二行目"]
