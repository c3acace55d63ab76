"""One chart's data, many drawing habits: every habit must give the same data.

Each case draws a chart of ``chart_habits.CHARTS`` in a habit of ``chart_habits.HABITS``
(a one-page PDF written at test time) and runs the page stage: one figure, of the
chart's kind and orientation, its caption, categories, series names, unit and notes as
drawn, every printed value read exactly from its label (and pointing at its label
block), every unlabelled bar measured against the axis within a hundredth of its
range, a missing bar null; and every other word of the chart in its label blocks.
"""

from __future__ import annotations

import pdfplumber
import pytest
from chart_habits import CHARTS, HABITS, Chart, Habit, habit_for, render

from extractors.page.chart_data import number_of
from extractors.page.extract import PageExtraction, extract_page

# (habit, chart) → why it is not read yet (none so far: a test keeps each one failing).
NOT_YET_READ: dict[tuple[str, str], str] = {}

CASES = [(h, c) for h in HABITS for c in CHARTS if (h, c) not in NOT_YET_READ]


def _extract(tmp_path, habit_name: str, chart_name: str) -> tuple[PageExtraction, Chart, Habit]:
    chart = CHARTS[chart_name]
    habit = habit_for(chart, HABITS[habit_name])
    path = tmp_path / f"{habit_name}-{chart_name}.pdf"
    path.write_bytes(render(chart, habit))
    with pdfplumber.open(path) as pdf:
        return extract_page(pdf.pages[0], 1), chart, habit


def _printed(chart: Chart, habit: Habit, value: float) -> bool:
    return habit.labels != "none" and value >= habit.min_label


@pytest.mark.parametrize(("habit_name", "chart_name"), CASES)
def test_every_habit_gives_the_chart_data(tmp_path, habit_name, chart_name):
    extraction, chart, habit = _extract(tmp_path, habit_name, chart_name)
    assert len(extraction.figures) == 1
    figure = extraction.figures[0]
    assert (figure.kind, figure.orientation) == (chart.kind, "horizontal" if habit.horizontal else "vertical")
    assert figure.caption == chart.caption
    assert figure.categories == list(chart.categories)
    assert [s.name for s in figure.series] == [name for name, _ in chart.series]
    assert figure.unit == chart.unit
    assert [n.text for n in figure.notes] == [chart.note]
    labels = {b.id: b.text for b in extraction.blocks if b.figure_id == figure.id}
    for (_, values), series in zip(chart.series, figure.series, strict=True):
        for want, got in zip(values, series.values, strict=True):
            if want is None:
                assert got.value is None
            elif _printed(chart, habit, want):
                assert (got.value, got.measured) == (want, False)
                assert number_of(labels[got.unit_id])[0] == want
            else:
                assert got.measured and abs(got.value - want) <= chart.axis_max / 100
    assert figure.data_note is None
    body = {b.text for b in extraction.blocks if b.figure_id is None}
    assert chart.note in body and body <= {chart.caption, chart.note}  # the chart's words are its labels
    assert all(b.type == "label" and b.figure_id == figure.id for b in extraction.blocks if b.text not in body)


def test_coverage():
    assert len(CHARTS) >= 4
    assert len(HABITS) >= 12
    assert {h.horizontal for h in HABITS.values()} == {True, False}
    assert {h.labels for h in HABITS.values()} == {"end", "inside", "none"}
