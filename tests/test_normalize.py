import pytest

from extractors.text.normalize import (
    collapse_spaces,
    is_private_use,
    is_radical,
    map_private_use,
    normalize_chars,
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
    assert normalize_chars("\uf0d8") == "➢"
    assert normalize_chars("\uf0a7") == "▪"
    assert normalize_chars("\uf0b7") == "•"
    assert normalize_chars("・") == "・"
    assert normalize_chars("●") == "●"
    assert normalize_chars("－") == "－"


def test_unknown_private_use_glyph_still_leaves_no_private_use():
    mapped = map_private_use("a\ue123b")
    assert mapped == "a•b"
    assert not any(is_private_use(c) for c in mapped)


def test_collapse_spaces():
    assert collapse_spaces("  池谷 \t 知彦  ") == "池谷 知彦"
