"""One page cut from a real government PDF per table failure, named after the problem,
with the structure it must give (the held-out producers draw tables the same ways)."""

from __future__ import annotations

import pdfplumber
from helpers import REGRESSIONS, no_nlp

from evaluation.conservation import missing_and_extra
from extractors.page.lines import group_lines
from extractors.page.tables import extract_tables
from extractors.pipeline import extract_report


def _tables(name: str):
    with pdfplumber.open(REGRESSIONS / name) as pdf:
        page = pdf.pages[0]
        return extract_tables(page, group_lines(page.chars), 1).tables


def _texts(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_phantom_grid_columns():
    # JUST PDF draws some cells with an inset frame 5pt inside the column rules: those
    # slivers hold no text, so they are no columns, and no row spans them.
    (table,) = _tables("phantom-grid-columns.pdf")
    assert (table.n_rows, table.n_cols) == (32, 8)
    assert all(c.rowspan == 1 and c.colspan == 1 for row in table.rows for c in row)
    assert _texts(table)[0] == ["分野", "スキル", "AR", "AN", "DB", "DS", "AI", "GE"]
    assert _texts(table)[8][:3] == ["戦略", "戦略立案と管理", "○"]


def test_path_drawn_cell_fills():
    # Rules and heat-map cell fills drawn as rectangle paths (no rect operator): a filled
    # cell bounds its row where the rule stops short of it.
    (table,) = _tables("path-drawn-cell-fills.pdf")
    assert (table.n_rows, table.n_cols) == (18, 11)
    assert all(c.rowspan == 1 and c.colspan == 1 for row in table.rows for c in row)
    assert _texts(table)[2][:6] == ["建設業", "582", "62.0", "50.0", "73.0", "64.3"]
    assert [row[0].text for row in table.rows[1:4]] == ["全体", "建設業", "製造業"]


def test_vertical_header_text():
    # Tategaki header cells: each column of glyphs read top to bottom, columns right to left.
    (table,) = _tables("path-drawn-cell-fills.pdf")
    header = _texts(table)[0]
    assert header[1] == "該当数"
    assert header[2] == "事業主によるハラスメント対策への取組姿勢を明確に示す発信（トップメッセージの発信等）"
    assert header[6] == "相談窓口の設置と周知"


def test_bar_chart_gridlines():
    # Stacked bar charts: gridlines one way, bar edges the other, data labels in a few
    # gaps. No rules between the bars and mostly empty cells: a chart, not a table.
    assert _tables("bar-chart-gridlines.pdf") == []


def test_slide_bands_and_charts():
    # A title bar and a lead box (fills reaching the page edges) meet in a grid; four
    # bar charts below. None is a table.
    assert _tables("slide-bands-and-charts.pdf") == []


def test_slide_table_beside_charts():
    # The same deck's real table (rules between every row and column, text in every
    # cell) is still found, with its vertical header text read as one string.
    (table,) = _tables("slide-table-beside-charts.pdf")
    assert (table.n_rows, table.n_cols) == (18, 10)
    assert table.rows[0][1].text == "該当数"


def test_unruled_data_rows():
    # Rules only under the header and between row groups, no outer vertical rules: each
    # ruled band holds two data rows (入職者数 / 離職者数) aligned across the columns,
    # and the figures' columns are ruled only in the header.
    tables = _tables("unruled-data-rows.pdf")
    assert len(tables) == 3
    for table in tables:
        assert (table.n_rows, table.n_cols) == (8, 9)
        assert table.bbox.x0 < 60 and table.bbox.x1 > 535  # the open sides belong to the table
        label = table.rows[2][0]
        assert (label.rowspan, label.colspan) == (2, 1) and label.text.startswith("令和")
        assert [c.text for c in table.rows[3]][:1] == ["離職者数"]
    assert _texts(tables[0])[2][1:4] == ["入職者数", "7,798.0", "4,398.3"]
    assert _texts(tables[0])[6][0] == "前年差" and tables[0].rows[6][0].rowspan == 2


def test_unruled_rows_and_columns():
    # A statistics table whose body has no rules at all: rows from the text lines,
    # columns from the header's rules; the unit row (千人) is a row of its own.
    (table,) = _tables("unruled-rows-and-columns.pdf")
    assert (table.n_rows, table.n_cols) == (20, 7)
    assert _texts(table)[2] == ["", "（千人）", "（千人）", "（千人）", "（千人）", "（千人）", "（千人）"]
    assert _texts(table)[3] == ["産業計", "7,798.0", "7,656.7", "7,200.6", "7,172.5", "597.4", "484.2"]
    assert _texts(table)[-1][0] == "サービス業（他に分類されないもの）"


def test_group_ruled_cross_tab():
    # Cross-tabs ruled at group boundaries only, the group named down the band in
    # vertical type: the group label spans its rows, the rows come from aligned text.
    tables = _tables("group-ruled-cross-tab.pdf")
    assert len(tables) == 4
    first = tables[0]
    assert (first.n_rows, first.n_cols) == (12, 5)
    group = first.rows[2][0]
    assert (group.text, group.rowspan) == ("年代", 4)
    assert _texts(first)[2][1:] == ["20代", "1424", "92.6", "7.4"]
    assert _texts(first)[3] == ["30代", "1760", "93.1", "6.9"]
    assert first.rows[6][0].text == "性別" and first.rows[6][0].rowspan == 2
    # A two-glyph vertical header reads down too.
    assert _texts(tables[1])[0][2:] == ["一度だけ", "時々", "何度も繰り返し"]


def test_callout_box_drawn_first():
    # A filled text box drawn across the table's rules before the table, its text in the
    # table's colour (tools/gen_callout_regression.py): the box bounds no cell and its
    # text, running across the rules, is a call-out.
    (table,) = _tables("callout-box-drawn-first.pdf")
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert _texts(table) == [
        ["Item", "2022", "2023", "2024"],
        ["A", "1.0", "2.0", "3.0"],
        ["B", "", "", ""],
        ["C", "4.0", "5.0", "6.0"],
        ["D", "7.0", "8.0", "9.0"],
    ]
    assert [c.text for c in table.callouts] == ["Most firms say this"]


def test_printers_marks_in_bleed():
    # Crop and registration marks drawn outside the trimmed page meet in a grid: no table.
    assert _tables("printers-marks-in-bleed.pdf") == []


def test_framed_text_box():
    # A column box (title bar, lined-paper fill under each text line) has all its text
    # in one column: not a table. The term table above it on the page still is one.
    tables = _tables("framed-text-box.pdf")
    assert len(tables) == 1
    texts = [c.text for row in tables[0].rows for c in row]
    assert "機械学習" in texts and "深層学習" in texts
    assert not any("ＡＩやＡＩシステムについては" in t for t in texts)


def test_table_title_band():
    # White papers print 「■第1-3-5表／…」 in a band that is the first row of the table's
    # frame: it is the caption, not a row (nor is the empty spacer row under it).
    (table,) = _tables("table-title-band.pdf")
    assert table.caption_id == "第1-3-5表"
    assert table.caption.startswith("第１-３-５表／博士トレーニングセンター採択拠点")
    assert not any("第１-３-５表" in c.text for row in table.rows for c in row)
    assert any(c.text.strip() for c in table.rows[0])


def test_figure_frame_title_band():
    # The same band naming a figure (「■第1-3-4図」): the frame holds a figure, not a table.
    assert _tables("figure-frame-title-band.pdf") == []


def test_half_width_digits_not_vertical():
    # Half-width digits side by side sit closer than the column tolerance, and their tops
    # differ by float noise: that is no step down a tategaki column, so 「19.4」 reads as
    # printed (it read 「.491」), and every figure keeps its own row.
    tables = _tables("half-width-digits-not-vertical.pdf")
    assert [(t.n_rows, t.n_cols) for t in tables] == [(12, 15), (12, 13), (12, 10)]
    texts = _texts(tables[0])
    assert texts[1] == [
        "全体",
        "36",
        "19.4",
        "16.7",
        "16.7",
        "19.4",
        "16.7",
        "11.1",
        "2.8",
        "11.1",
        "8.3",
        "11.1",
        "8.3",
        "16.7",
    ]
    assert texts[-1][:4] == ["派遣社員", "7", "28.6", "0.0"]
    body = [c for row in tables[0].rows[1:] for c in row if c.col >= 2]
    assert all(c.rowspan == 1 for c in body)


def test_placeholder_dots_column():
    # A ruled band of figure rows whose last column prints 「…」 (no figure) one a row:
    # glyphs stacked one per sub-row are the rows' data, not a label written down the
    # band, so that column splits into rows like the others instead of spanning them all.
    (table,) = _tables("placeholder-dots-column.pdf")
    assert (table.n_rows, table.n_cols) == (55, 9)
    assert all(c.rowspan == 1 and c.colspan == 1 for row in table.rows for c in row)
    texts = _texts(table)
    assert texts[2] == ["産業計", "51,198.9", "7,798.0", "4,969.9", "7,656.7", "15.2", "9.7", "15.0", "0.2"]
    assert texts[-1] == ["サービス業（他に分類されないもの）", "76.9", "57.5", "39.6", "41.8", "1.0", "0.6", "0.7", "…"]


def test_header_bracket_rules():
    # Statistics tables bracket a header group with a rule that stops short of the top
    # border: the merged header region is an L or a U, not a rectangle. Cut into its
    # rectangles, it keeps the column rules its bounding box would swallow, and the
    # unruled body splits at them (it read as one 3 x 3 grid of run-together figures).
    (table,) = _tables("header-bracket-rules.pdf")
    assert (table.n_rows, table.n_cols) == (26, 12)
    texts = _texts(table)
    assert texts[3] == ["非自発的な離職", "定年又は雇用契約の満了", "勤め先や事業の都合"]
    assert texts[4] == ["実数", "2012年", "285", "203", "102", "32", "70", "101", "78", "16", "37", "24"]
    assert texts[-1] == ["2022", "-16", "-12", "-10", "-2", "-7", "-2", "-4", "0", "-2", "-2"]


def test_callout_bubble_past_table_edge():
    # A filled speech bubble (one closed path of curves with a tail) drawn over a fully
    # ruled table after it and out past its side: its text is a call-out, not text of the
    # cells it covers, and those cells keep the ○ marks printed under it.
    (table,) = _tables("callout-bubble-past-table-edge.pdf")
    assert (table.n_rows, table.n_cols) == (12, 3)
    assert all(c.rowspan == 1 and c.colspan == 1 for row in table.rows for c in row)
    assert [c.text for c in table.callouts] == [
        "類縁物質等の安全性／薬効関係データは必要に応じて承認申請本体に記載することとなる。"
    ]
    texts = _texts(table)
    assert texts[0] == ["", "申請者（開示）パ－トの例", "制限パートの例"]
    assert texts[7] == ["3.2.S.2.5プロセスバリデーション／プロセス評価", "", "○"]
    assert texts[8] == ["3.2.S.2.4製造工程の開発の経緯", "", "○"]
    assert texts[10] == ["3.2.S.3.1構造及びその他の特性の解明", "○", ""]


def test_outlined_note_boxes_over_table():
    # Unfilled outlined boxes, each with a bracket curve pointing at a row, drawn over a
    # fully ruled table's value column across its row rules (the first across the top
    # two rows): their text is call-outs, and the cells under them keep only their own.
    first, second = _tables("outlined-note-boxes-over-table.pdf")
    assert (first.n_rows, first.n_cols) == (5, 5) and first.callouts == []
    assert (second.n_rows, second.n_cols) == (15, 3)
    assert [c.text for c in second.callouts] == [
        "管理元で別途付番するため、記載不要です。",
        "分類が必須(◎)でなく、未定または不明な項目は空欄可です。",
        "指定された形式で記述してください。",
        "指定された選択肢から選択してください。",
    ]
    texts = _texts(second)
    assert [(c.text, c.colspan) for c in second.rows[0]] == [("記載例", 3)]
    assert [(c.text, c.colspan) for c in second.rows[1]] == [("カタログ", 3)]
    # The shaded margin column is one cell down the rows (shading-across-borderless-seams).
    assert texts[2] == ["", "管理ID", "CA00001"] and second.rows[2][0].rowspan == 13
    assert texts[3] == ["タイトル", "文字情報基盤"]
    assert texts[8] == ["対象地域", "全国"]
    assert texts[9] == ["提供者", "文字情報技術促進協議会"]
    assert texts[12] == ["更新頻度", "不定期"]
    assert texts[13] == ["言語", "ja"]


def test_horizontal_rules_only_spreadsheet():
    # A spreadsheet printed with rules across only (no vertical segment anywhere, grey
    # header fill): each stack of rules is a table whose columns are the text gaps that
    # run through every band. (The rows under the last rule, 合計, are not read yet.)
    tables = _tables("horizontal-rules-only-spreadsheet.pdf")
    assert len(tables) >= 2
    ages, places = tables[0], tables[1]
    assert ages.n_cols == 6 and ages.n_rows >= 13
    assert all(c.rowspan == 1 and c.colspan == 1 for row in ages.rows for c in row)
    texts = _texts(ages)
    assert texts[0] == ["年代", "男性", "女性", "非公表", "合計", "うち当日分"]
    assert texts[1] == ["90歳以上", "161", "424", "", "585", "0"]
    assert texts[3] == ["70代", "985", "918", "1", "1904", "7"]
    assert texts[12] == ["確認中", "18", "19", "", "37", "0"]
    assert places.n_cols == 4 and places.n_rows >= 50
    texts = _texts(places)
    assert texts[0] == ["居住地", "", "", "うち解除"]
    assert texts[1] == ["那覇市", "13014", "26%", "12662"]
    assert texts[26] == ["東京都", "118", "0%", "116"]
    assert texts[49] == ["確認中", "75", "0%", "69"]


def test_tables_side_by_side_one_baseline():
    # Two spreadsheet blocks printed side by side, their rows on shared baselines: one text
    # line runs from the left block's total row (under its last rule, so outside the
    # table) into the right block's 「※」 marks (just left of its ruled area). Cells take
    # chars by their centre, so such a line's chars outside every table stay page text:
    # every printed char reaches the report once (「61」 was lost).
    path = REGRESSIONS / "tables-side-by-side-one-baseline.pdf"
    left, right = _tables(path.name)[:2]
    assert left.bbox.x1 < right.bbox.x0
    assert left.bbox.top < right.bbox.bottom and right.bbox.top < left.bbox.bottom
    assert (left.n_cols, right.n_cols) == (6, 4)
    report = extract_report(path, no_nlp())
    lost, extra = missing_and_extra(path, report, 1)
    assert not lost and not extra


def test_title_bar_on_ruled_top():
    # A filled colour bar with a darker edge strip, sitting flush on a fully ruled table's
    # top rule and as wide as it: the bar is the table's title, not its row 0 (read as a
    # row spanning every column, it pushed each row of the 44-row matrix down one).
    # (Cut by tools/cut_regression_page.py: the page without its font programs.)
    (table,) = _tables("title-bar-on-ruled-top.pdf")
    assert (table.n_rows, table.n_cols) == (44, 19)
    assert table.caption == "参考１ 自治体からの通知物と現行の連絡手段例"
    assert [(c.text, c.rowspan, c.colspan) for c in table.rows[0]] == [
        ("分\u3000類", 3, 1),
        ("通知物", 3, 1),
        ("内容（通知項目）", 3, 1),
        ("対象者", 1, 4),
        ("現行連絡手段", 1, 12),
    ]
    texts = _texts(table)
    assert texts[3][:5] == ["広\u3000報", "広報誌", "イベント（概要、日時、場所）等", "", "●"]
    assert table.rows[3][0].rowspan == 3
    assert texts[7][:4] == ["公共料金", "水道料金", "検針、料金通知、口振通知", "●"]
    assert table.rows[7][0].rowspan == 2
    assert (table.rows[9][0].text, table.rows[9][0].rowspan) == ("税", 5)
    assert texts[-1][:2] == ["アンケート", "各種アンケート"]
    assert [k for k, text in enumerate(texts[-1]) if text == "●"] == [5, 9, 14, 15]


def test_vertical_label_jutting_past_table():
    # A header label set in vertical mode (Identity-V glyphs) just outside the table's left
    # side, on the header's lines; the table's cells are filled boxes each outlined in
    # white. Cells take chars by their centre, so the label is in no cell: it stays page
    # text (it was lost), and every printed char reaches the report once.
    # (Cut by tools/cut_regression_page.py: the page without its font programs.)
    path = REGRESSIONS / "vertical-label-jutting-past-table.pdf"
    (table,) = _tables(path.name)
    assert (table.n_rows, table.n_cols) == (4, 5)
    assert all(c.rowspan == 1 and c.colspan == 1 for row in table.rows for c in row)
    assert table.caption == "＜図表３：自治体からの通知物と連絡手段の整理＞"
    texts = _texts(table)
    assert texts[0][0] == "" and texts[0][1:3] == ["通知物例", "通知対象"]
    assert [row[0] for row in texts] == ["", "全戸", "一部", "個別"]
    assert texts[1][1:4] == ["•広報誌\n•観光案内\n•防災情報\n•安全情報", "全戸/一般", "同一"]
    assert texts[3][2:4] == ["一部～全戸", "個別"]
    report = extract_report(path, no_nlp())
    lost, extra = missing_and_extra(path, report, 1)
    assert not lost and not extra


def test_rows_outside_outer_rules():
    # An Excel sheet printed with borders between rows only: each block's total row lies
    # under its last rule, and a grey header fill with no rule on top stands on the first
    # rule. Both are rows of their table; the date line over the first block is not.
    tables = _tables("rows-outside-outer-rules.pdf")
    first = _texts(tables[0])
    assert first[0] == ["年代", "男性", "女性", "非公表", "合計", "うち当日分"]
    assert first[-1] == ["合計", "26388", "22784", "27", "49199", "61"]
    headed = [t for t in tables if _texts(t)[0][0] in ("新規陽性者数", "行政検査件数")]
    assert [_texts(t)[-1] for t in headed] == [["合計", "61名"], ["合計", "96919件"]]


def test_shading_across_borderless_seams():
    # Word shades each cell inside its borders and paints a border slot that has no border
    # in the shading too: a yellow margin column, row by row, with yellow slots between
    # the rows. Nothing shows there, so the column is one merged cell per group of rows.
    (table,) = _tables("shading-across-borderless-seams.pdf")
    assert (table.n_rows, table.n_cols) == (29, 3)
    margin = [(c.row, c.rowspan) for row in table.rows for c in row if c.col == 0 and c.colspan == 1]
    assert margin == [(1, 4), (6, 5), (12, 17)]
    assert _texts(table)[5] == ["カタログレコード"] and _texts(table)[6] == ["", "トピックス", "文字"]


def test_rules_broken_at_gutters():
    # A white paper's table set in DTP with column spacing: each rule across is drawn per
    # column, broken by a 5pt gutter, and nothing is drawn down. The pieces are one rule,
    # the gutter is the column border, and the risks and their examples are two columns.
    tables = _tables("rules-broken-at-gutters.pdf")
    assert [(t.n_rows, t.n_cols) for t in tables] == [(9, 2), (7, 2)]
    first = _texts(tables[0])
    assert first[0] == ["リスク", "事例"]
    assert first[3][0] == "多様性の喪失" and first[3][1].startswith("●")
    assert _texts(tables[1])[2][0] == "ハルシネーション"
