"""Ruled tables: span recovery, cell text, captions/notes/call-outs, multi-part join,
and the corpus floors (TEDS, exact cells) scored against the truth YAML."""

from __future__ import annotations

import pdfplumber
import pytest
from helpers import CORPUS, REAL_PDFS, no_nlp

from docmodel.document import BBox, Cell, Table
from docmodel.table_view import logical_table_view
from evaluation.tables import TruthCell, cells_right, levenshtein, teds
from evaluation.truth import load_truth, qa_grid_rows, truth_tables
from extractors.document.table_join import join_logical_tables
from extractors.document.unit_ids import number_table_units
from extractors.page.lines import group_lines
from extractors.page.table_grid import Segment, recover_spans
from extractors.page.tables import extract_tables

# --- span recovery -----------------------------------------------------------------


def _full(pos, start, end):
    return Segment(pos, start, end)


def test_spans_come_from_missing_borders():
    # 3×3 grid: row 0 col 0 spans 2 rows (no border under it), row 0 cols 1-2 merged.
    xs, ys = [0, 10, 20, 30], [0, 10, 20, 30]
    horizontals = [
        _full(0, 0, 30),
        _full(30, 0, 30),
        _full(10, 10, 30),  # no border under (0,0): it spans rows 0-1
        _full(20, 0, 30),
    ]
    verticals = [
        _full(0, 0, 30),
        _full(30, 0, 30),
        _full(10, 0, 30),
        _full(20, 10, 30),  # no border between (0,1) and (0,2): they merge
    ]
    cells = {(c.row, c.col): (c.rowspan, c.colspan) for c in recover_spans(xs, ys, horizontals, verticals)}
    assert cells == {
        (0, 0): (2, 1),
        (0, 1): (1, 2),
        (1, 1): (1, 1),
        (1, 2): (1, 1),
        (2, 0): (1, 1),
        (2, 1): (1, 1),
        (2, 2): (1, 1),
    }


def test_border_drawn_in_pieces_still_separates():
    xs, ys = [0, 10, 20], [0, 10, 20]
    horizontals = [_full(0, 0, 20), _full(20, 0, 20), _full(10, 0, 10), _full(10, 10, 20)]
    verticals = [_full(0, 0, 20), _full(20, 0, 20), _full(10, 0, 10.5), _full(10, 10.5, 20)]
    cells = recover_spans(xs, ys, horizontals, verticals)
    assert [(c.rowspan, c.colspan) for c in cells] == [(1, 1)] * 4


def test_merged_header_on_a_real_page():
    with pdfplumber.open(CORPUS / "variant-2.pdf") as pdf:  # no header fill: spans from rules only
        page = pdf.pages[8]
        table = extract_tables(page, group_lines(page.chars), 9).tables[0]
    first = table.rows[0]
    assert [(c.rowspan, c.colspan) for c in first] == [(2, 1)] * 6 + [(1, 4)]
    assert [c.col for c in table.rows[1]] == [6, 7, 8, 9]  # covered positions omitted
    assert table.header_rows == 2
    assert table.caption_id == "表2-1" and table.part == 1
    # The caption is parsed once, here; the parse travels with the table (not serialised).
    assert (table.parsed_caption.caption_id, table.parsed_caption.part) == ("表2-1", 1)
    assert "parsed_caption" not in table.model_dump()
    assert table.note_position == "above" and table.notes[0].text.startswith("※1")
    assert len(table.callouts) == 3 and all(c.type == "callout" for c in table.callouts)


# --- cell text -----------------------------------------------------------------------


def test_callout_cells_stay_empty_and_wraps_are_joined():
    with pdfplumber.open(CORPUS / "source-report.pdf") as pdf:
        page = pdf.pages[9]
        lines = group_lines(page.chars)
        result = extract_tables(page, lines, 10)
    table = result.tables[0]
    texts = [c.text for row in table.rows for c in row]
    # Two call-outs sit inside single cells and one straddles columns; none leaks into cells.
    assert not any("企業と共同研究可能" in t or "安全保障が懸念事項" in t or "している例が多い" in t for t in texts)
    assert {c.text for c in table.callouts} >= {
        "世界のほとんど全ての企業と共同研究可能",
        "技術流出、安全保障が懸念事項",
    }
    assert "FhG（フラウンホーファー研究機構）" in texts
    # The caption and every line inside the table are consumed.
    caption_line = next(i for i, line in enumerate(lines) if line.text.startswith("表2-1"))
    assert caption_line in result.consumed_lines


def test_radicals_unified_in_text_but_kept_in_raw_text():
    with pdfplumber.open(CORPUS / "source-report.pdf") as pdf:
        page = pdf.pages[19]
        table = extract_tables(page, group_lines(page.chars), 20).tables[0]
    raw = "".join(c.raw_text for row in table.rows for c in row)
    text = "".join(c.text for row in table.rows for c in row)
    assert "\u2f45" in raw or "\u2f64" in raw  # ⽅ / ⽤ as printed
    assert "\u2f45" not in text and "\u2f64" not in text
    assert table.header_rows == 0 and table.caption_id is None
    assert table.note_position == "below"


@pytest.mark.slow  # the real corpus holds a 385-page report
def test_real_pdfs_do_not_crash():
    for path in REAL_PDFS:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                result = extract_tables(page, group_lines(page.chars), number)
                for table in result.tables:
                    assert table.n_rows >= 2 and all(c.rowspan >= 1 and c.colspan >= 1 for r in table.rows for c in r)
                page.flush_cache()


# --- join --------------------------------------------------------------------------


def _cell(row, col, text, rowspan=1, colspan=1):
    return Cell(
        row=row,
        col=col,
        rowspan=rowspan,
        colspan=colspan,
        text=text,
        raw_text=text,
        bbox=BBox(x0=0, top=0, x1=1, bottom=1),
    )


def _table(page, part, body):
    rows = [[_cell(0, 0, "質問内容"), _cell(0, 1, "A")]] + [
        [_cell(i + 1, 0, q), _cell(i + 1, 1, a)] for i, (q, a) in enumerate(body)
    ]
    return Table(
        id=f"p{page}-t0",
        page=page,
        bbox=BBox(x0=0, top=0, x1=1, bottom=1),
        caption=f"付表1（{part}）一覧",
        caption_id="付表1",
        part=part,
        n_rows=len(rows),
        n_cols=2,
        header_rows=1,
        rows=rows,
    )


def test_parts_join_with_header_once():
    parts = [_table(5, 2, [("q3", "c")]), _table(4, 1, [("q1", "a"), ("q2", "b")])]
    number_table_units(parts)
    joined = join_logical_tables(parts)
    assert len(joined) == 1
    logical = joined[0]
    assert [p.page for p in logical.parts] == [4, 5]
    # The logical table points at the printed cells (stored once), header once.
    assert logical.rows == [
        ["p4-t0.r0.c0", "p4-t0.r0.c1"],
        ["p4-t0.r1.c0", "p4-t0.r1.c1"],
        ["p4-t0.r2.c0", "p4-t0.r2.c1"],
        ["p5-t0.r1.c0", "p5-t0.r1.c1"],
    ]
    view = logical_table_view(logical, {t.id: t for t in parts})
    assert view.grid() == [["質問内容", "A"], ["q1", "a"], ["q2", "b"], ["q3", "c"]]
    assert [(c.row, c.page) for c in view.cells if c.col == 0] == [(0, 4), (1, 4), (2, 4), (3, 5)]
    assert logical.caption == "付表1 一覧"


# --- scorer ------------------------------------------------------------------------


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("研究機関", "研究機関") == 0


def test_teds_sees_spans_and_text():
    truth = [[TruthCell("a", colspan=2)], [TruthCell("b"), TruthCell("c")]]
    assert teds(truth, truth) == 1.0
    split = [[TruthCell("a"), TruthCell("")], [TruthCell("b"), TruthCell("c")]]
    assert teds(split, truth) < 1.0 and teds(split, truth, structure_only=True) < 1.0
    typo = [[TruthCell("a", colspan=2)], [TruthCell("b"), TruthCell("x")]]
    assert teds(typo, truth) < 1.0 and teds(typo, truth, structure_only=True) == 1.0
    assert cells_right(typo, truth) == (2, 3)


def test_qa_grid_slide_is_a_printed_table():
    slide = {
        "question_header": "質問内容",
        "respondents": ["X", "Y"],
        "questions": [
            {
                "label": "質問1",
                "text": "方針",
                "answers": {"X": ["・a", "・b"], "Y": None},
                "no_answer_text": {"Y": "回答なし"},
            }
        ],
    }
    rows = qa_grid_rows(slide)
    assert [[c.text for c in row] for row in rows] == [["質問内容", "X", "Y"], ["質問1\n方針", "・a\n・b", "回答なし"]]
    kinds = {t.kind for t in truth_tables(load_truth(CORPUS / "source-report.yaml"))}
    assert kinds == {"table", "qa_grid"}


def _title_lines(x0: float, text: str = "質問項目（研究機関）", size: float = 12.0):
    chars = []
    for k, ch in enumerate(text):
        chars.append(
            {
                "text": ch,
                "x0": x0 + k * size,
                "x1": x0 + (k + 1) * size,
                "top": 40.0,
                "bottom": 40.0 + size,
                "size": size,
                "fontname": "Sans-Bold",
                "upright": True,
                "non_stroking_color": (0, 0, 0),
            }
        )
    return group_lines(chars)


def test_uncaptioned_table_title_centred_or_flush_left_is_its_caption():
    from extractors.page.tables import TableSettings, _surroundings

    box = {"x0": 30.0, "top": 60.0, "x1": 750.0, "bottom": 400.0}
    centred = _title_lines(390.0 - 60.0)
    flush_left = _title_lines(31.0)
    for lines in (centred, flush_left):
        around = _surroundings(lines, [0], box, table_size=9.0, settings=TableSettings())
        assert around["caption"] == 0
    # Body-size text, or a sentence, right above the table is not a title.
    small = _title_lines(31.0, size=9.0)
    sentence = _title_lines(31.0, text="以下の表に示す。")
    for lines in (small, sentence):
        assert _surroundings(lines, [0], box, table_size=9.0, settings=TableSettings())["caption"] is None


def test_uncaptioned_list_continued_over_pages_is_one_logical_table():
    from extractors.pipeline import extract_report

    report = extract_report(CORPUS / "real" / "mhlw-ec-clinics-aichi.pdf", no_nlp())
    (logical,) = join_logical_tables(report.tables)
    assert [p.page for p in logical.parts] == [1, 2, 3, 4, 5, 6, 7]
    parts = [t for t in report.tables if t.page in {p.page for p in logical.parts}]
    repeated = sum(2 for _ in parts[1:])  # each later page repeats the two header rows
    assert len(logical.rows) == sum(t.n_rows for t in parts) - repeated
    view = logical_table_view(logical, {t.id: t for t in parts})
    assert view.grid()[1][:3] == ["施設名", "郵便番号", "住所"]
    assert sorted({c.page for c in view.cells}) == [1, 2, 3, 4, 5, 6, 7]
    # The same columns on the next page without the header repeated: not a continuation.
    headless = parts[-1].model_copy(update={"page": 8, "id": "p8-t0", "rows": parts[-1].rows[2:]})
    assert join_logical_tables([parts[-1], headless]) == []
