"""Numbering patterns and table-of-contents entries, as Japanese government reports print them."""

import pytest

from extractors.text.captions import is_caption
from extractors.text.numbering import (
    Numbering,
    TocEntry,
    is_title_bracket,
    numbering_level,
    outline_families,
    read_numbering,
    read_toc_entry,
)


@pytest.mark.parametrize(
    ("text", "marker", "family", "depth", "value", "rest"),
    [
        # 第N + unit: laws, guidelines, white papers
        ("第１章 総則", "第１章", "chapter", 1, 1, "総則"),
        ("第２節", "第２節", "section", 1, 2, ""),
        (
            "第３節 生成ＡＩ技術の飛躍的な進展をもたらした技術的な要因",
            "第３節",
            "section",
            1,
            3,
            "生成ＡＩ技術の飛躍的な進展をもたらした技術的な要因",
        ),
        ("第３条（目的）", "第３条", "article", 1, 3, "（目的）"),
        (
            "第十二条 この法律は、公布の日から施行する。",
            "第十二条",
            "article",
            1,
            12,
            "この法律は、公布の日から施行する。",
        ),
        ("第二章　調査の方法", "第二章", "chapter", 1, 2, "調査の方法"),
        ("第１条の２ 定義", "第１条の２", "article", 1, 1, "定義"),
        ("第1章 総論", "第1章", "chapter", 1, 1, "総論"),
        ("第２項", "第２項", "paragraph", 1, 2, ""),
        ("第２ 調査の概要", "第２", "ordinal", 1, 2, "調査の概要"),
        # bracketed and circled numbers carry their own delimiters
        ("（１）地域", "（１）", "paren_number", 1, 1, "地域"),
        ("（２）産業", "（２）", "paren_number", 1, 2, "産業"),
        ("(3) 事業所", "(3)", "paren_number", 1, 3, "事業所"),
        ("⑴ 調査の対象", "⑴", "paren_number", 1, 1, "調査の対象"),
        ("① 安全性を考慮した適正利用", "①", "circled", 1, 1, "安全性を考慮した適正利用"),
        ("③個人情報やプライバシー、著作権の保護", "③", "circled", 1, 3, "個人情報やプライバシー、著作権の保護"),
        ("（１）はじめに", "（１）", "paren_number", 1, 1, "はじめに"),
        ("1) データ量の増加", "1)", "number_paren", 1, 1, "データ量の増加"),
        ("2)データのグローバル性", "2)", "number_paren", 1, 2, "データのグローバル性"),
        ("（一）用語の定義", "（一）", "paren_kanji", 1, 1, "用語の定義"),
        # bare numbers: a space or a stop separates them from their text
        ("１ 調査の目的", "１", "number", 1, 1, "調査の目的"),
        ("８ 調査対象数、有効回答数及び有効回答率", "８", "number", 1, 8, "調査対象数、有効回答数及び有効回答率"),
        ("1 主要なLLMの概要", "1", "number", 1, 1, "主要なLLMの概要"),
        ("２\u3000調査の範囲", "２", "number", 1, 2, "調査の範囲"),
        ("１、目的", "１、", "number", 1, 1, "目的"),
        ("一 総則", "一", "kanji", 1, 1, "総則"),
        # dotted and dashed numbers
        ("１．", "１．", "dotted", 1, 1, ""),
        (
            "３．学校現場において押さえておくべきポイント",
            "３．",
            "dotted",
            1,
            3,
            "学校現場において押さえておくべきポイント",
        ),
        ("1.2 背景", "1.2", "dotted", 2, 2, "背景"),
        ("２.１ DCATの概要", "２.１", "dotted", 2, 1, "DCATの概要"),
        ("１.１ 個人によるデータの2次利用", "１.１", "dotted", 2, 1, "個人によるデータの2次利用"),
        ("１－３．", "１－３．", "dotted", 2, 3, ""),
        ("３－１．教職員が校務で利活用する場面", "３－１．", "dotted", 2, 1, "教職員が校務で利活用する場面"),
        ("2.3.1 Scope", "2.3.1", "dotted", 3, 1, "Scope"),
        # kana: gojūon (ア イ ウ) and iroha (イ ロ ハ)
        ("ア 事業所の属性", "ア", "katakana", 1, 1, "事業所の属性"),
        ("エ 未充足求人の状況", "エ", "katakana", 1, 4, "未充足求人の状況"),
        ("(ア) 入職者", "(ア)", "paren_katakana", 1, 1, "入職者"),
        ("（ウ）離職者", "（ウ）", "paren_katakana", 1, 3, "離職者"),
        ("ロ 離職に関する事項", "ロ", "iroha", 1, 2, "離職に関する事項"),
        ("ハ その他", "ハ", "iroha", 1, 3, "その他"),
        # letters and roman numerals
        ("a. 調査票の配布", "a.", "alpha", 1, 1, "調査票の配布"),
        ("(a) 調査票の回収", "(a)", "paren_alpha", 1, 1, "調査票の回収"),
        ("Ｂ．集計方法", "Ｂ．", "alpha_upper", 1, 2, "集計方法"),
        ("Ⅰ．総論", "Ⅰ．", "roman", 1, 1, "総論"),
        ("II. 調査の方法", "II.", "roman", 1, 2, "調査の方法"),
        ("Ⅲ 調査結果", "Ⅲ", "roman", 1, 3, "調査結果"),
        ("(iv) 留意事項", "(iv)", "paren_roman_lower", 1, 4, "留意事項"),
    ],
)
def test_numbered_lines(text, marker, family, depth, value, rest):
    assert read_numbering(text) == Numbering(marker, family, depth, value, rest)


@pytest.mark.parametrize(
    "text",
    [
        "2020年",
        "2020年6月",
        "2021 年８月",  # a year split by a printed gap
        "12日までの",
        "12 日までの届出",
        "3.5倍",
        "1.00",
        "1,400 ３",
        "100 200",  # a row of figures
        "03-5253-6111 通話",
        "１人１台端末の標準仕様である",
        "①だけでなく",
        "①の規定により",
        "（１）と（２）を比較すると",
        "③から⑤までの",
        "第２章で述べたとおり",
        "第１条の規定により",
        "第一回 リソース",
        "A 社の事例",
        "e.g. 次のとおり",
        "アンケート調査",
        "ア ン ケ ー ト",  # letter-spaced word, not ア + text
        "一 般 会 計",
        "一方で",
        "（目的）",
        "【第１条 目的】",
        "(HIGH RISK)",
        "(1600B) (1600B)",
        "1",
        "ア",
        "",
    ],
)
def test_unnumbered_lines(text):
    assert read_numbering(text) is None


@pytest.mark.parametrize(
    "text", ["■第１-２-４図 ＩＣＴ市場規模の推移", "第１-２-４図 ＩＣＴ市場規模の推移", "表２ 調査対象数"]
)
def test_captions_are_not_numbering_and_not_titles(text):
    # Captions are read by extractors.text.captions, once the glyph before them is stripped.
    assert read_numbering(text) is None
    assert not is_title_bracket(text)
    assert is_caption(text.lstrip("■"))


@pytest.mark.parametrize(
    "text",
    [
        "（目的）",
        "（生成AIの普及と論点）",
        "（資質・能力の育成に向けた生成AIの利活用）",
        "【第１条 目的】",
        "＜調査結果のポイント＞",
        "〔参考〕",
        "■調査の概要",
        "◆ 結果のポイント",
        "[Scope]",
    ],
)
def test_title_brackets(text):
    assert is_title_bracket(text)


@pytest.mark.parametrize(
    "text",
    [
        "（１）",  # a number alone
        "（注）",
        "（注１）",
        "（単位：人）",
        "（％）",
        "(万人)",
        "(％、ポイント)",
        "（出典：総務省「通信利用動向調査」）",
        "（他に分類されないものを除く。）",
        "（目的）第１条 この法律は",  # the bracket does not make the whole line
        "【イベント名】親子スマホ健康相談",
        "■ 本調査は、全国の事業所を対象として実施したものである。",
        "（" + "長" * 50 + "）",
        "目的",
    ],
)
def test_not_title_brackets(text):
    assert not is_title_bracket(text)


def test_levels_follow_the_order_families_first_appear_in():
    lines = ["１ 調査の目的", "（１）地域", "ア 属性に関する事項", "（２）産業", "２ 調査の範囲", "（１）事業所調査"]
    families = outline_families([read_numbering(line) for line in lines])
    assert families == ["number", "paren_number", "katakana", "paren_number", "number", "paren_number"]
    assert numbering_level(families) == [0, 1, 2, 1, 0, 1]


def test_a_closed_level_opens_again_one_below_the_previous_line():
    # Section 1 goes 1 → (1) → ア; section 2 puts ア straight under its number.
    assert numbering_level(["number", "paren_number", "katakana", "number", "katakana", "paren_number"]) == [
        0,
        1,
        2,
        0,
        1,
        2,
    ]


def test_dotted_numbers_nest_by_depth():
    lines = ["１ はじめに", "１.１ 背景", "１.２ 目的", "２ 自治体で取り組むメリット", "２.１ 通知物のデジタル化"]
    assert numbering_level(outline_families([read_numbering(line) for line in lines])) == [0, 1, 1, 0, 1]
    assert numbering_level(outline_families([read_numbering(x) for x in ["１．総論", "1.1 背景"]])) == [0, 1]


def test_chapters_articles_and_items_of_a_law():
    lines = [
        "第１章 総則",
        "第１条（目的）",
        "第２条（定義）",
        "一 事業所",
        "二 事業者",
        "第２章 調査",
        "第３条（調査）",
    ]
    assert numbering_level(outline_families([read_numbering(line) for line in lines])) == [0, 1, 1, 2, 2, 0, 1]


def test_i_is_iroha_when_ro_follows():
    iroha = [read_numbering(x) for x in ["イ 届出", "ロ 報告", "ハ 記録"]]
    gojuon = [read_numbering(x) for x in ["ア 属性", "イ 入職", "ウ 前職"]]
    assert outline_families(iroha) == ["iroha", "iroha", "iroha"]
    assert outline_families(gojuon) == ["katakana", "katakana", "katakana"]


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("調査の概要 ‥‥‥‥‥‥‥‥‥‥ １ページ", TocEntry("調査の概要", None, "１ページ", "‥‥‥‥‥‥‥‥‥‥")),
        ("１ 入職と離職の推移 ‥‥‥‥‥ ６ページ", TocEntry("入職と離職の推移", "１", "６ページ", "‥‥‥‥‥")),
        ("離職理由別離職率の推移‥‥‥‥‥ 16ページ", TocEntry("離職理由別離職率の推移", None, "16ページ", "‥‥‥‥‥")),
        ("付属統計表 ‥‥‥ 17ページ", TocEntry("付属統計表", None, "17ページ", "‥‥‥")),
        ("第1章 総論 ........ 3", TocEntry("総論", "第1章", "3", "........")),
        ("はじめに・・・・・・・・・・1", TocEntry("はじめに", None, "1", "・・・・・・・・・・")),
        ("Ⅲ 調査結果 …… ⅲ", TocEntry("調査結果", "Ⅲ", "ⅲ", "……")),
        ("目 次 .................... i", TocEntry("目 次", None, "i", "....................")),
        ("１.１ 個人によるデータの2次利用 ........ 2", TocEntry("個人によるデータの2次利用", "１.１", "2", "........")),
        ("1) データ・アーキテクト（AR） ......... 6", TocEntry("データ・アーキテクト（AR）", "1)", "6", ".........")),
        (
            "（１）学校現場における人間中心の生成AIの利活用 ______________ 7",
            TocEntry("学校現場における人間中心の生成AIの利活用", "（１）", "7", "______________"),
        ),
        (
            "３－１．教職員が校務で利活用する場面 ______ 13",
            TocEntry("教職員が校務で利活用する場面", "３－１．", "13", "______"),
        ),
        (
            "参考１ 自治体からの通知物と現行の連絡手段例 ..... 14",
            TocEntry("参考１ 自治体からの通知物と現行の連絡手段例", None, "14", "....."),
        ),
        ("第２章 調査結果 －－－ 3-5", TocEntry("調査結果", "第２章", "3-5", "－－－")),
        ("調査の概要 . . . . . . 5", TocEntry("調査の概要", None, "5", ". . . . . .")),
        ("研究・開発・・・・3", TocEntry("研究・開発", None, "3", "・・・・")),
        ("調査の概要\u3000１ページ", TocEntry("調査の概要", None, "１ページ", "")),  # a gap, no leaders
    ],
)
def test_toc_entries(text, entry):
    assert read_toc_entry(text) == entry


@pytest.mark.parametrize(
    "text",
    [
        "・・・",
        "・・・ ・・・",
        "など…。",
        "検討する…3",  # one ellipsis is no leader
        "1.2.3",
        "1,234",
        "結果の概要",  # a group entry without a page
        "建設業 － － － 5",  # empty cells of a table row
        "男性 … … 12",
        "男性  12",  # a gap before a bare number is a table row, not a TOC line
        "利用者は ... 2020年",
        "概要 ‥ 3",
    ],
)
def test_not_toc_entries(text):
    assert read_toc_entry(text) is None
