from extractors.text.captions import Caption, looks_like_caption, parse_caption


def test_caption_with_part_in_full_width_brackets():
    assert parse_caption("表2-1（1） 国際共同研究推進のための組織的な対応") == Caption(
        "表2-1（1） 国際共同研究推進のための組織的な対応", "表2-1", 1)


def test_appendix_caption_without_space_before_title():
    parsed = parse_caption("付表1（2）ヒアリング結果一覧表 研究機関・大学等（管理部門）")
    assert (parsed.caption_id, parsed.part) == ("付表1", 2)


def test_full_width_digits_and_dash_normalise_the_id():
    parsed = parse_caption("表２－１（１） 組織的な対応")
    assert (parsed.caption_id, parsed.part) == ("表2-1", 1)
    assert parsed.caption == "表２－１（１） 組織的な対応"  # the caption keeps its printed form


def test_half_width_brackets_and_spaces():
    parsed = parse_caption("表 3-3 (2) ヒアリングから得られた組織的な取り組み")
    assert (parsed.caption_id, parsed.part) == ("表3-3", 2)


def test_one_part_caption_has_no_part():
    parsed = parse_caption("表3-2 ヒアリング結果総括（機関別）一覧")
    assert (parsed.caption_id, parsed.part) == ("表3-2", None)


def test_bracket_later_in_the_title_is_not_a_part():
    assert parse_caption("表3-1 海外ヒアリング対象機関一覧（1）").part is None


def test_caption_without_number():
    assert parse_caption("質問項目（研究機関・大学等）") == Caption("質問項目（研究機関・大学等）", None, None)
    assert not looks_like_caption("質問項目（研究機関・大学等）")
    assert not looks_like_caption("表示されたデータ")


def test_title_and_part_free_caption():
    caption = parse_caption("付表１（２）ヒアリング結果一覧表 研究機関（管理部門）")
    assert (caption.caption_id, caption.part) == ("付表1", 2)
    assert caption.title == "ヒアリング結果一覧表 研究機関（管理部門）"
    assert caption.without_part() == "付表１ ヒアリング結果一覧表 研究機関（管理部門）"
    assert parse_caption("別表3 対象機関").caption_id == "別表3"
    assert parse_caption("対象機関の一覧").title == "対象機関の一覧"
