"""Unit ids: every text unit of a report gets an ``id`` unique in the report.

The ids are the keys the NLP Parquet files, the logical tables and consumers join on.
They are built from where a unit sits, so the same PDF gives the same ids:

    b12                block 12 (1-based, reading order over the whole report; figure
                       labels, blocks too, keep their figure's ids below)
    p9-t0              table (the page stage's id: page 9, first table)
    p9-t0.r2.c4        its cell at grid row 2, column 4 (0-based, the cell's top-left)
    p9-t0.caption      its caption text
    p9-t0.n1           its first ※ note
    p9-t0.k1           its first call-out (a text box drawn over the table)
    p3-f0              figure (the page stage's id: page 3, first figure)
    p3-f0.x4           its fourth label (a block of type "label": category, value, tick,
                       legend; top to bottom), kept from the page stage
    p3-f0.n1           its first note (the text of a note block printed under it)
    g1                 Q&A grid 1 (1-based, document order)
    g1.q3              its third question row
    g1.q3.a2           the answer of respondent 2 to it
    g1.q3.a2.i1        the first item of that answer

Each thing is stored once: ``raw_text`` is kept only where it differs from ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable

from docmodel.document import Block, Cell, SurveyReport, Table
from extractors.document.footnotes import link_footnotes
from extractors.document.sections import link_sections


def figure_text_id(figure_id: str, n: int) -> str:
    """Id of a figure's ``n``-th label (1-based), given where the figure is read: its
    chart values point at their labels by it."""
    return f"{figure_id}.x{n}"


def _drop_equal_raw_text(unit: Block | Cell) -> None:
    if unit.raw_text == unit.text:
        unit.raw_text = None


def number_table_units(tables: Iterable[Table]) -> None:
    """Ids of every cell, caption, note and call-out of the printed tables (in place)."""
    for table in tables:
        table.caption_unit_id = f"{table.id}.caption" if table.caption else None
        for n, note in enumerate(table.notes, start=1):
            note.id = f"{table.id}.n{n}"
        for k, callout in enumerate(table.callouts, start=1):
            callout.id = f"{table.id}.k{k}"
            _drop_equal_raw_text(callout)
        for row in table.rows:
            for cell in row:
                cell.id = f"{table.id}.r{cell.row}.c{cell.col}"
                _drop_equal_raw_text(cell)


def number_report_units(report: SurveyReport) -> SurveyReport:
    """Ids of blocks (and of the heading each falls under and the notes each cites) and
    of Q&A grids, questions, answers and items (in place); returns the report."""
    body = (block for block in report.blocks if block.figure_id is None)
    for n, block in enumerate(body, start=1):
        block.id = f"b{n}"
        _drop_equal_raw_text(block)
    link_sections(report.blocks)
    link_footnotes(report.blocks)
    for g, grid in enumerate(report.qa_grids, start=1):
        grid.id = f"g{g}"
        for q, question in enumerate(grid.questions, start=1):
            question.id = f"{grid.id}.q{q}"
            for a, answer in enumerate(question.answers, start=1):
                answer.id = f"{question.id}.a{a}"
                for i, item in enumerate(answer.items or [], start=1):
                    item.id = f"{answer.id}.i{i}"
    return report


def unit_ids(report: SurveyReport) -> list[str]:
    """Every unit id of a report, in document order (tables, then blocks, then grids)."""
    ids = []
    for table in report.tables:
        ids.append(table.id)
        if table.caption_unit_id:
            ids.append(table.caption_unit_id)
        ids += [n.id for n in table.notes] + [c.id for c in table.callouts]
        ids += [cell.id for row in table.rows for cell in row]
    ids += [b.id for b in report.blocks]
    for figure in report.figures:
        ids.append(figure.id)
        ids += [n.id for n in figure.notes]
    for grid in report.qa_grids:
        ids.append(grid.id)
        for question in grid.questions:
            ids.append(question.id)
            for answer in question.answers:
                ids.append(answer.id)
                ids += [item.id for item in answer.items or []]
    return ids
