"""One page cut from a real government PDF per table failure, named after the problem,
with the structure it must give (the held-out producers draw tables the same ways)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from extractors.page.lines import group_lines
from extractors.page.tables import extract_tables

REGRESSIONS = Path(__file__).parent / "regressions"


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
