"""One logical table, many drawing habits: every habit must give the same cells.

Each case draws a shape of ``table_habits.SHAPES`` in a habit of ``table_habits.HABITS``
(a one-page PDF written at test time) and extracts it as the pipeline does; the grid
(rows, columns, every cell's position and spans) and every cell's text must be the
logical table's. A habit the extractor cannot read yet is listed in ``NOT_YET_READ``
with the reason, and a test keeps it failing there until it is read (then it moves
into the cases).
"""

from __future__ import annotations

import pdfplumber
import pytest
from table_habits import HABITS, SHAPES, Table, render

from extractors.page.lines import anchor_char_boxes, group_lines
from extractors.page.tables import extract_tables

# (habit, shape) → why the extractor does not read it yet.
NOT_YET_READ: dict[tuple[str, str], str] = {
    **{
        ("no_rules", s): "no rule at all: an unruled table is not found from text alignment alone"
        for s in ("simple", "grouped", "vertical", "multiline")
    },
    **{
        (habit, "grouped"): (
            "no vertical rule: a header spanning columns hides the column gap under it, "
            "and a label spanning two columns reads as one column beside an empty one"
        )
        for habit in ("rules_across", "rules_between_rows", "shaded_header_rules_across")
    },
    ("rules_across_gutters", "grouped"): (
        "rules broken at every column: a header spanning columns is cut at the gutter under it, "
        "and a label spanning two columns reads as one column beside an empty one"
    ),
}

CASES = [(h, s) for h in HABITS for s in SHAPES if (h, s) not in NOT_YET_READ]

Grid = tuple[int, int, list[tuple[int, int, int, int, str]]]


def _expected(table: Table) -> Grid:
    cells = sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells)
    return table.n_rows, table.n_cols, cells


def _extracted(path) -> list[Grid]:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        anchor_char_boxes(page.chars)  # as extract_page does before any stage
        tables = extract_tables(page, group_lines(page.chars), 1).tables
        return [
            (t.n_rows, t.n_cols, sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for row in t.rows for c in row))
            for t in tables
        ]


def _draw(tmp_path, habit: str, shape: str):
    path = tmp_path / f"{habit}-{shape}.pdf"
    path.write_bytes(render(SHAPES[shape], HABITS[habit]))
    return path


@pytest.mark.parametrize(("habit", "shape"), CASES)
def test_every_habit_gives_the_logical_table(tmp_path, habit, shape):
    assert _extracted(_draw(tmp_path, habit, shape)) == [_expected(SHAPES[shape])]


@pytest.mark.parametrize(("habit", "shape"), sorted(NOT_YET_READ))
def test_not_yet_read_is_still_misread(tmp_path, habit, shape):
    # Read now? Take it out of NOT_YET_READ: it joins the cases above.
    assert _extracted(_draw(tmp_path, habit, shape)) != [_expected(SHAPES[shape])]


def test_coverage():
    assert len(SHAPES) >= 4
    assert len({h for h, _ in CASES}) >= 12
    assert set(NOT_YET_READ) <= {(h, s) for h in HABITS for s in SHAPES}
