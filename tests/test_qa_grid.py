"""Q&A grids: recognition by structure, parts joined, items, no-answers, references."""

from __future__ import annotations

import pdfplumber
import pytest
import yaml
from helpers import CORPUS, chars_of

from docmodel.document import BBox, Cell, Table
from evaluation.qa import score_grids, truth_tables
from extractors.document.qa_cells import find_references, parse_items, split_question_cell
from extractors.document.qa_grid import extract_qa_grids, recognise_part, split_caption
from extractors.page.extract import extract_page
from extractors.page.table_text import CellLine, cell_lines, cell_visual_lines, lines_from_text
from extractors.text.captions import parse_caption
from extractors.text.normalize import normalize_chars

CORPUS_FILES = ["source-report", "variant-1", "variant-2", "variant-3", "variant-4"]


def make_table(
    rows: list[list[str]],
    page: int = 1,
    caption: str | None = None,
    caption_id: str | None = None,
    part: int | None = None,
    header_rows: int = 1,
) -> Table:
    cells = [
        [
            Cell(
                row=r,
                col=c,
                text=text,
                raw_text=text,
                bbox=BBox(x0=100.0 * c, top=20.0 * r, x1=100.0 * (c + 1), bottom=20.0 * (r + 1)),
            )
            for c, text in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    return Table(
        id=f"p{page}-t0",
        page=page,
        bbox=BBox(x0=0, top=0, x1=100.0 * len(rows[0]), bottom=20.0 * len(rows)),
        caption=caption,
        caption_id=caption_id,
        part=part,
        n_rows=len(rows),
        n_cols=len(rows[0]),
        header_rows=header_rows,
        rows=cells,
    )


# A grid of another survey: 3 respondents, Ｑ labels with full-width digits, ● and － bullets.
OTHER_SURVEY = [
    ["設問", "Agency A", "Agency B", "Agency C"],
    ["Ｑ１\n予算の規模\n有の場合、その内訳\n－国費\n－民間", "●国費が中心。\n●民間は少ない。", "―", "－年次で変動。"],
    ["Ｑ２ 評価の方法", "●外部評価。\n ･年1回\n ･公開", "該当なし", "●Ｑ１の回答を参照。"],
]


def test_recognises_grid_by_structure_not_names():
    grids = extract_qa_grids(
        [make_table(OTHER_SURVEY, caption="付表5（1） 調査結果 大学等（本部）", caption_id="付表5", part=1)]
    )
    assert len(grids) == 1
    grid = grids[0]
    assert grid.respondents == ["Agency A", "Agency B", "Agency C"]
    assert grid.question_header == "設問"
    assert (grid.title, grid.respondent_group) == ("調査結果", "大学等（本部）")
    q1, q2 = grid.questions
    assert (q1.number, q1.label) == (1, "Ｑ１")
    assert q1.text == "予算の規模\n有の場合、その内訳\n－国費\n－民間"
    assert (q2.number, q2.text) == (2, "評価の方法")
    a, b, c = q1.answers
    assert [(i.marker, i.text) for i in a.items] == [("●", "国費が中心。"), ("●", "民間は少ない。")]
    assert b.items is None and b.no_answer_text == "―"
    assert [(i.marker, i.text) for i in c.items] == [("－", "年次で変動。")]
    a2 = q2.answers[0]
    assert [(i.marker, i.level, i.text) for i in a2.items] == [
        ("●", 0, "外部評価。"),
        ("･", 1, "年1回"),
        ("･", 1, "公開"),
    ]
    assert q2.answers[1].no_answer_text == "該当なし"
    assert [r.number for r in q2.answers[2].referenced_questions] == [1]
    assert q1.sources[0].page == 1 and q1.sources[0].bbox.x0 == 0.0


def test_ordinary_tables_are_not_grids():
    ordinary = make_table([["所在国", "機関", "体制"], ["日本", "AIST", "・部署あり"], ["米国", "NSF", "・なし"]])
    assert recognise_part(ordinary) is None
    # Labels but no header row naming respondents.
    headless = make_table([["質問1\nテキスト", "・回答"], ["質問2\nテキスト", "・回答"]], header_rows=0)
    assert recognise_part(headless) is None


def test_parts_join_and_answers_continue_over_slide_break():
    part1 = make_table(
        [
            ["質問内容", "X", "Y"],
            ["質問1\n方針の有無", "・方針あり。", "回答なし"],
            ["質問2\n課題", "・一つ目。\n・二つ目は長く、", "・Yの回答。"],
        ],
        page=10,
        caption="付表1（1）一覧表 大学等（研究者）",
        caption_id="付表1",
        part=1,
    )
    part2 = make_table(
        [
            ["質問内容", "X", "Y"],
            ["質問2\n課題", "次のスライドへ続く。\n・三つ目。", ""],
            ["", "・空欄の行も続き。", "・Yの続き。"],
            ["質問３\n影響", "・質問１の回答を参照。", "・質問2の回答も参照。\n・質問9の回答参照。"],
        ],
        page=11,
        caption="付表1（2）一覧表 大学等（研究者）",
        caption_id="付表1",
        part=2,
    )
    other = make_table(OTHER_SURVEY, page=12, caption="付表2 調査結果 企業", caption_id="付表2")
    grids = extract_qa_grids([other, part2, part1])
    assert [g.caption_id for g in grids] == ["付表1", "付表2"]
    grid = grids[0]
    assert grid.pages == [10, 11] and grid.table_ids == ["p10-t0", "p11-t0"]
    assert [q.number for q in grid.questions] == [1, 2, 3]
    q2 = grid.questions[1]
    x, y = q2.answers
    assert [i.text for i in x.items] == [
        "一つ目。",
        "二つ目は長く、次のスライドへ続く。",
        "三つ目。",
        "空欄の行も続き。",
    ]
    assert [i.page for i in x.items] == [10, 10, 11, 11]
    assert [i.text for i in y.items] == ["Yの回答。", "Yの続き。"]
    assert {s.page for s in q2.sources} == {10, 11}
    assert grid.questions[0].answers[1].items is None
    assert grid.questions[0].answers[1].no_answer_text == "回答なし"


def test_cross_references_resolve_within_grid():
    table = make_table(
        [
            ["質問内容", "A", "B"],
            ["質問1\n方針", "・方針は公開。", "・質問３の回答を参照。"],
            ["質問2\n体制", "・質問１の回答参照。", "回答なし\n（ただし、質問1の回答より、体制は小さい。）"],
            ["質問3\n効果", "・質問10の回答も参照。", "・（質問2の回答参照）のとおり。"],
        ],
        caption_id="付表9",
        caption="付表9 一覧 機関",
    )
    grid = extract_qa_grids([table])[0]
    refs = {
        (q.number, a.respondent): [(r.number, r.resolved) for r in a.referenced_questions]
        for q in grid.questions
        for a in q.answers
    }
    assert refs[(1, "B")] == [(3, True)]
    assert refs[(2, "A")] == [(1, True)]
    assert refs[(2, "B")] == [(1, True)]  # a no-answer remark still points somewhere
    assert refs[(3, "A")] == [(10, False)]  # no question 10 in this grid
    assert refs[(3, "B")] == [(2, True)]
    assert refs[(1, "A")] == []
    b2 = grid.questions[1].answers[1]
    assert b2.items is None and b2.no_answer_text == "回答なし\n（ただし、質問1の回答より、体制は小さい。）"
    assert grid.questions[0].answers[1].items[0].referenced_questions == [3]


def test_cell_helpers():
    assert split_question_cell("質問１\n国際連携ポリシーの\n有の場合") == ("質問１", 1, "国際連携ポリシーの\n有の場合")
    assert split_question_cell("Q12. 評価") == ("Q12", 12, "評価")
    assert split_question_cell("質問内容") is None
    assert (CellLine.of("\uf0d8回答").marker, CellLine.of("\uf0d8回答").body) == ("➢", "回答")
    assert (CellLine.of("※EUREKA とは").marker, CellLine.of("※EUREKA とは").body) == (None, "※EUREKA とは")
    assert (CellLine.of("※ 注記").marker, CellLine.of("※ 注記").body) == ("※", "注記")
    assert find_references("質問３の回答を参照。質問１０の回答も参照。質問3の回答参照") == [3, 10]
    assert find_references("2017戦略レポート参照。") == []

    # Geometry beats glyphs: an indented line is a sub-item whatever its marker.
    def at(text: str, x0: float) -> CellLine:
        return CellLine.of(text, BBox(x0=x0, top=0, x1=x0 + 50, bottom=10))

    items = parse_items([at("・親。", 10.0), at("・子。", 16.5), at("（注）補足。", 10.0)])
    assert [(i.marker, i.level, i.text) for i in items] == [
        ("・", 0, "親。"),
        ("・", 1, "子。"),
        (None, 0, "（注）補足。"),
    ]
    # An unmarked line after an unfinished sentence is a wrap the table stage missed.
    items = parse_items(lines_from_text("・研究を支援し促\n進する。\n・次の項目。\n※注記。"))
    assert [i.text for i in items] == ["研究を支援し促進する。", "次の項目。", "※注記。"]


def test_split_caption():
    assert split_caption(parse_caption("付表1（1）ヒアリング結果一覧表 研究機関・大学等（管理部門）")) == (
        "ヒアリング結果一覧表",
        "研究機関・大学等（管理部門）",
    )
    assert split_caption(parse_caption("付表３ 一覧表")) == ("一覧表", None)
    assert split_caption(None) == (None, None)


@pytest.mark.parametrize("stem", CORPUS_FILES)
def test_truth_tables_round_trip(stem):
    """Given the tables a perfect table stage would print, every cell and question is right."""
    truth = yaml.safe_load((CORPUS / f"{stem}.yaml").read_text(encoding="utf-8"))
    score = score_grids(extract_qa_grids(truth_tables(truth)), truth)
    assert score.grids_found == score.grids_expected
    assert score.answer_cell_accuracy == 1.0, score.misses[:3]
    assert score.question_text_accuracy == 1.0, score.misses[:3]
    assert score.respondents_all_in_order


@pytest.mark.parametrize("glyph", ["●", "－", "\uf0d8", "■", "◆", "-"])
def test_other_bullet_glyphs_parse_the_same(glyph):
    """Future surveys print answers with other bullets: the grid reads the same items."""
    truth = yaml.safe_load((CORPUS / "source-report.yaml").read_text(encoding="utf-8"))
    for slide in truth["slides"]:
        for question in slide.get("questions") or []:
            for name, items in question["answers"].items():
                if items:
                    question["answers"][name] = [glyph + item[1:] if item.startswith("・") else item for item in items]
    score = score_grids(extract_qa_grids(truth_tables(truth)), truth)
    assert score.cells_right == score.cells == 124
    assert score.question_text_accuracy == 1.0
    grids = extract_qa_grids(truth_tables(truth))
    markers = {item.marker for g in grids for q in g.questions for a in q.answers for item in a.items or []}
    assert normalize_chars(glyph) in markers


def test_sub_items_with_the_same_glyph_take_their_level_from_indentation():
    """No glyph switch to go by: the sub-items are printed indented under the item."""
    chars = []
    for k, (text, x0) in enumerate(
        [
            ("・次のネットワークに参加している。", 100.0),
            ("・Belmont Forum", 110.0),
            ("・JPI", 110.0),
            ("・その他の連携。", 100.0),
        ]
    ):
        chars += chars_of(text, x0, 20.0 * k, size=10.0)
    box = {"x0": 96.0, "top": 0.0, "x1": 400.0, "bottom": 80.0}
    lines = cell_lines(cell_visual_lines(chars), box, padding=4.0)
    assert [(line.marker, line.body) for line in lines] == [
        ("・", "次のネットワークに参加している。"),
        ("・", "Belmont Forum"),
        ("・", "JPI"),
        ("・", "その他の連携。"),
    ]
    items = parse_items(lines)
    assert [(i.marker, i.level) for i in items] == [("・", 0), ("・", 1), ("・", 1), ("・", 0)]


def test_indented_sub_items_of_a_printed_grid_are_level_one():
    """source-report p.44: member networks listed indented under 「…メンバーである。」, same ・ glyph."""
    with pdfplumber.open(CORPUS / "source-report.pdf") as pdf:
        tables = extract_page(pdf.pages[43], 44).tables
    cells = [cell for table in tables for row in table.rows for cell in row if cell.lines]
    cell = next(c for c in cells if any(line.body == "Belmont Forum" for line in c.lines))
    items = parse_items(cell.lines)
    assert {i.marker for i in items} == {"・"}
    assert set(cell.model_dump()) == set(Cell.model_fields)  # the lines stay internal
    # ...and the grid built from those tables reports the levels.
    answers = [a for g in extract_qa_grids(tables) for q in g.questions for a in q.answers if a.items]
    items = next(a.items for a in answers if any(i.text == "Belmont Forum" for i in a.items))
    assert [i.level for i in items] == [0, 1, 1, 0, 1]
    assert [i.level for i in items] == [0, 1, 1, 0, 1]
