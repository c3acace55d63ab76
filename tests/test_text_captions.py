import pytest

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


# --- One id however a caption is printed: the forms are generated from the ways reports
# print captions (word, digits' width, separators, brackets), not copied from one file.

_WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _printed_numbers(number: str) -> list[str]:
    """「2-1」 as reports print it: half or full width, with a full-width dash, a long dash, spaces."""
    dashes = [number.replace("-", dash) for dash in ("－", "‐", " - ")]
    return [number, number.translate(_WIDE), *dashes]


@pytest.mark.parametrize("word", ["表", "図表", "付表", "図", "参考表", "付属統計表"])
@pytest.mark.parametrize("number", ["3", "2-1", "1-2-3", "12"])
def test_every_printed_form_of_a_caption_has_one_id(word, number):
    expected = f"{word}{number}"
    title = "研究費の推移"
    forms = []
    for printed in _printed_numbers(number):
        forms += [
            f"{word}{printed} {title}",
            f"{word} {printed}　{title}",
            f"{word}{printed}：{title}",
            f"{word}{printed}．{title}",
            f"＜{word}{printed}：{title}＞",
            f"<{word}{printed}:{title}>",
            f"【{word}{printed}】{title}",
            f"［{word}{printed}］ {title}",
            f"〔{word}{printed}〕{title}",
        ]
    for form in forms:
        parsed = parse_caption(form)
        assert (parsed.caption_id, parsed.title, parsed.part) == (expected, title, None), form
        assert parsed.caption == form  # the caption keeps its printed form


@pytest.mark.parametrize("open_, close", [("（", "）"), ("(", ")"), ("【", "】"), ("＜", "＞")])
@pytest.mark.parametrize("digits", ["1", "１", "12", "１２"])
def test_reference_annexes_have_an_id_but_are_no_table_or_figure_caption(open_, close, digits):
    number = digits.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    for form in (f"{open_}参考{digits}{close}自治体の例", f"参考{digits} 自治体の例", f"参考{digits}：自治体の例"):
        parsed = parse_caption(form)
        assert (parsed.caption_id, parsed.kind, parsed.title) == (f"参考{number}", "reference", "自治体の例"), form
        assert not is_caption(form) and not is_table_caption(form)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("第1-2-3表 内訳", "第1-2-3表"),
        ("第１－２－３表 内訳", "第1-2-3表"),
        ("第 3 表 内訳", "第3表"),
        ("図表Ⅰ-4-1-3 事例", "図表I-4-1-3"),  # a roman part number, NFKC: Ⅰ → I
        ("図表Ⅱ－１ 事例", "図表II-1"),
        ("表1.2 内訳", "表1-2"),  # a dot between numbers is a sub-number
        ("表１・２ 内訳", "表1-2"),
        ("図-1 概要", "図1"),  # a dash after the word
        ("図表１2：検討ステップ", "図表12"),  # mixed widths
    ],
)
def test_number_styles_normalise_to_one_id(printed, expected):
    assert parse_caption(printed).caption_id == expected


def test_a_dot_before_a_year_separates_the_title():
    parsed = parse_caption("図1．2020年の推移")
    assert (parsed.caption_id, parsed.title) == ("図1", "2020年の推移")


def test_parts_inside_brackets_and_the_title_without_the_closing_bracket():
    parsed = parse_caption("＜図表2（1）：回答の内訳＞")
    assert (parsed.caption_id, parsed.part, parsed.title) == ("図表2", 1, "回答の内訳")
    assert parse_caption("＜図表2（2）：回答の内訳＞").caption_id == parsed.caption_id


@pytest.mark.parametrize(
    "text",
    [
        "（図11、表17、統計表第２表）",  # cross-references in brackets
        "（表２、統計表第１表）",
        "（図表 11）。通",  # a reference ending a sentence
        "＜図表７と比べると＞",  # a bracket that holds words, not a caption
        "統計表第２表",
        "図表の見方",
        "参考資料",
        "表示された値",
    ],
)
def test_what_only_looks_like_a_caption(text):
    assert parse_caption(text).caption_id is None, text
