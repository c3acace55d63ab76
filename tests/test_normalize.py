import pytest

from extractors.text.normalize import (
    collapse_spaces,
    is_private_use,
    is_radical,
    join_wrapped_lines,
    map_private_use,
    needs_space,
    normalize_chars,
    normalize_marker,
    unify_radicals,
)


@pytest.mark.parametrize(
    ("printed", "unified"),
    [
        ("⼤", "大"),  # U+2F24 Kangxi radical
        ("⻑", "長"),  # U+2ED1 CJK Radicals Supplement, which NFKC leaves alone
        ("⺠", "民"),  # U+2EA0
        ("意⾒と課題の両⽅", "意見と課題の両方"),
    ],
)
def test_radicals_become_unified_ideographs(printed, unified):
    assert unify_radicals(printed) == unified
    assert not any(is_radical(c) for c in unify_radicals(printed))


@pytest.mark.parametrize("kept", ["①", "Ａ", "（１）", "〜", "・", "大"])
def test_other_characters_are_not_folded(kept):
    # NFKC would turn ① into 1 and Ａ into A; the printed forms are kept.
    assert normalize_chars(kept) == kept


def test_private_use_bullet_glyphs_map_to_visible_bullets():
    assert normalize_marker("\uf0d8") == "➢"
    assert normalize_marker("\uf0a7") == "▪"
    assert normalize_marker("\uf0b7") == "•"
    assert normalize_marker("・") == "・"
    assert normalize_marker("●") == "●"
    assert normalize_marker("－") == "－"


def test_unknown_private_use_glyph_still_leaves_no_private_use():
    mapped = map_private_use("a\ue123b")
    assert mapped == "a•b"
    assert not any(is_private_use(c) for c in mapped)


@pytest.mark.parametrize(
    ("left", "right", "space"),
    [
        ("研究", "開発", False),
        ("International Engagement", "Office", True),
        ("MIT Center for", "International Studies", True),
        ("R&D", "プロジェクト", False),
        ("の研究者", "MIT", False),
        ("(CIS)", "is", True),
        ("2021年", "8月", False),
        ("", "abc", False),
    ],
)
def test_needs_space(left, right, space):
    assert needs_space(left, right) is space


def test_join_wrapped_lines_joins_japanese_without_space_and_latin_with_one():
    assert join_wrapped_lines(["国際共同研究の推", "進のための調査"]) == "国際共同研究の推進のための調査"
    assert join_wrapped_lines(["Scientific  ", "  Council は"]) == "Scientific Council は"
    assert join_wrapped_lines(["UKRIは日本との協力に熱心。R&Dプロ", "ジェクト"]) == "UKRIは日本との協力に熱心。R&Dプロジェクト"
    assert join_wrapped_lines(["one line"]) == "one line"
    assert join_wrapped_lines([]) == ""


def test_collapse_spaces():
    assert collapse_spaces("  池谷 \t 知彦  ") == "池谷 知彦"
