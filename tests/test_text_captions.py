from extractors.text.captions import Caption, is_caption, is_table_caption, parse_caption


def test_caption_with_part_in_full_width_brackets():
    assert parse_caption("表2-1（1） 国際共同研究推進のための組織的な対応") == Caption(
        "表2-1（1） 国際共同研究推進のための組織的な対応", "表2-1", 1
    )


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
    assert not is_table_caption("質問項目（研究機関・大学等）")
    assert not is_table_caption("表示されたデータ")


def test_title_and_part_free_caption():
    caption = parse_caption("付表１（２）ヒアリング結果一覧表 研究機関（管理部門）")
    assert (caption.caption_id, caption.part) == ("付表1", 2)
    assert caption.title == "ヒアリング結果一覧表 研究機関（管理部門）"
    assert caption.without_part() == "付表１ ヒアリング結果一覧表 研究機関（管理部門）"
    assert parse_caption("別表3 対象機関").caption_id == "別表3"
    assert parse_caption("対象機関の一覧").title == "対象機関の一覧"


def test_one_grammar_for_every_caption_word():
    assert [parse_caption(t).caption_id for t in ("参考表2 内訳", "附表1 一覧", "別表3 対象", "付表１ 一覧")] == [
        "参考表2",
        "附表1",
        "別表3",
        "付表1",
    ]
    assert parse_caption("参考表2 内訳").kind == "table"
    figure = parse_caption("図3-1 回答の分布")
    assert (figure.kind, figure.caption_id, figure.title) == ("figure", "図3-1", "回答の分布")
    ordinal = parse_caption("第１-１-２図 研究開発費の推移")
    assert (ordinal.kind, ordinal.caption_id) == ("figure", "第1-1-2図")
    assert parse_caption("第3表 内訳").kind == "table"
    assert (parse_caption("Table 2 Budget").kind, parse_caption("Fig. 4 Trend").caption_id) == ("table", "Fig 4")


def test_tables_and_figures_are_told_apart():
    assert is_table_caption("別表3 対象機関") and is_caption("別表3 対象機関")
    assert not is_table_caption("図2 推移") and is_caption("図2 推移")
    assert not is_caption("図書館の利用")
