"""Charts as data: the real chart truth (floors at what is achieved), the white paper's
22-label bar chart, and a generated chart through the pipeline to its exports (Parquet,
XLSX sheet, DataFrame, review page), unit ids and text conservation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pdfplumber
import pytest
from chart_habits import CHARTS, HABITS, Habit, habit_for, render
from helpers import no_nlp

from evaluation.charts import chart_truth_pdfs, score_file
from evaluation.conservation import conservation
from extractors.document.unit_ids import unit_ids
from extractors.page.chart_data import number_of
from extractors.page.extract import extract_page
from extractors.pipeline import extract_report

REAL = Path(__file__).parent / "corpus" / "real"


def test_real_chart_truth_floors():
    pdfs = chart_truth_pdfs(REAL)
    assert [p.name for p in pdfs] == ["mhlw-harassment-survey-r5-summary-slides.pdf"]
    score = score_file(pdfs[0])
    assert score.charts == 7 and score.values == 114
    assert score.found_share == 1.0
    assert score.values_share == 1.0
    assert score.categories_share == 1.0
    assert score.series_share == 1.0
    assert score.captions_exact >= 6
    assert score.false_positives == 0


def test_white_paper_bar_chart_is_one_figure_and_its_words_leave_the_blocks():
    with pdfplumber.open(REAL / "soumu-ict-whitepaper-r6-ch4s1.pdf") as pdf:
        extraction = extract_page(pdf.pages[2], 3)
    assert len(extraction.figures) == 1 and not extraction.tables
    figure = extraction.figures[0]
    assert (figure.kind, figure.orientation, figure.unit) == ("bar", "horizontal", "億")
    assert figure.caption_id == "図表I-4-1-2"
    assert len(figure.categories) == 20 and all(figure.categories)
    assert figure.categories[6] == "Preferred Elements（開発予定）"  # a label on two lines, Latin words spaced
    values = figure.series[0].values
    printed = [v.value for v in values if not v.measured]
    assert printed == [5400, 5300, 3500, 1750, 1600, 1000, 700, 700, 130, 130, 130, 130, 130, 100, 70, 70, 70, 70, 27]
    # The patterned first bar prints no value: it is measured against the axis, and says so.
    assert values[0].measured and values[0].unit_id is None
    labels = {b.id: b.text for b in extraction.blocks if b.figure_id == figure.id}
    assert all(b.type == "label" for b in extraction.blocks if b.figure_id)
    assert all(number_of(labels[v.unit_id])[0] == v.value for v in values if not v.measured)
    body = {b.text for b in extraction.blocks if b.figure_id is None}
    body_text = "\n".join(body)
    assert not body & {*figure.categories, *labels.values()}
    assert "5,400" not in body_text and "70" not in body
    # The caption and the source line stay in the body's flow; the figure repeats them.
    assert figure.caption in body_text and figure.notes[0].text in body_text
    # Labels are read where the figure stands: after its caption, before its source line.
    order = [b.figure_id is not None or b.text for b in extraction.blocks]
    first, last = order.index(True), len(order) - 1 - order[::-1].index(True)
    assert all(order[first : last + 1])
    assert any(figure.caption in b.text for b in extraction.blocks[:first])
    assert any(figure.notes[0].text in b.text for b in extraction.blocks[last + 1 :])


def _generated(tmp_path, chart: str = "grouped", habit: Habit = HABITS["across_end_labels"]) -> Path:
    path = tmp_path / f"{chart}.pdf"
    path.write_bytes(render(CHARTS[chart], habit_for(CHARTS[chart], habit)))
    return path


def test_a_chart_through_the_pipeline_to_its_exports(tmp_path):
    from openpyxl import load_workbook

    from exporters import write_outputs
    from exporters.review import review_html

    pdf = _generated(tmp_path)
    report = extract_report(pdf, no_nlp())
    chart = CHARTS["grouped"]
    (figure,) = report.figures
    assert figure.caption_id == "図表4"
    frame = report.figure("図表4").to_dataframe()
    assert list(frame.index) == list(chart.categories)
    assert list(frame.columns) == [name for name, _ in chart.series]
    assert frame.iloc[2, 1] is None or pd.isna(frame.iloc[2, 1])  # no bar drawn
    assert frame.iloc[0, 0] == 59.6

    out = tmp_path / "out"
    write_outputs(report, out, "r")
    rows = pd.read_parquet(out / "r.charts.parquet")
    assert len(rows) == len(chart.categories) * len(chart.series)
    assert set(rows["figure_id"]) == {figure.id} and set(rows["caption_id"]) == {"図表4"}
    assert set(rows["unit"]) == {"%"} and not rows["measured"].any()
    got = {(r.category, r.series): r.value for r in rows.itertuples()}
    for name, values in chart.series:
        for category, value in zip(chart.categories, values, strict=True):
            assert got[(category, name)] == value or (value is None and pd.isna(got[(category, name)]))
    sheet = load_workbook(out / "r.tables.xlsx")["図表4"]
    assert sheet["A1"].value == chart.caption
    assert [sheet.cell(4, c).value for c in (1, 2, 3)] == ["category", *(name for name, _ in chart.series)]
    assert sheet["A5"].value == chart.categories[0] and sheet["B5"].value == 59.6

    html = review_html(report, pdf)
    assert 'class="ov-figure"' in html and f'data-figure-id="{figure.id}"' in html and "59.6" in html


def test_figure_units_have_ids_and_values_point_at_them(tmp_path):
    report = extract_report(_generated(tmp_path, "stacked100"), no_nlp())
    ids = unit_ids(report)
    assert len(ids) == len(set(ids))
    (figure,) = report.figures
    labels = {b.id for b in report.blocks if b.figure_id == figure.id}
    assert labels <= set(ids) and all(t.startswith(f"{figure.id}.x") for t in labels)
    body = [b.id for b in report.blocks if b.figure_id is None]
    assert body == [f"b{n}" for n in range(1, len(body) + 1)]  # labels keep their figure's ids
    pointed = [v.unit_id for s in figure.series for v in s.values if not v.measured]
    assert pointed and set(pointed) <= labels
    assert [n.id for n in figure.notes] == [f"{figure.id}.n1"]


@pytest.mark.parametrize("habit", ["across_end_labels", "across_doubled_labels", "up_inside_labels_gridlines"])
def test_chart_text_is_conserved_once(tmp_path, habit):
    pdf = _generated(tmp_path, "stacked100", HABITS[habit])
    report = extract_report(pdf, no_nlp())
    assert len(report.figures) == 1 and not report.tables
    result = conservation(pdf, report)
    assert (result.recall, result.precision) == (1.0, 1.0)
