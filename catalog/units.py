"""Every text unit of a report, as search sees it: blocks, table cells, captions, notes,
call-outs, Q&A questions and answer items, figure texts and notes.

Read from the report's JSON data (a dict of the current schema), in document order. Each unit keeps
its id from the JSON (``b12``, ``p9-t0.r2.c4``, ``g1.q3.a2.i1`` …), so a hit joins to the
catalog's tables and to the NLP files. Q&A grid slides are left out as cells: their
text is in the questions and answer items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class TextUnit:
    unit_id: str
    unit_kind: str  # block, callout, caption, note, cell, question, answer_item, figure_text, figure_note
    page: int | None
    parent_id: str | None  # the table, figure, question or answer it belongs to
    text: str


def grid_table_ids(data: dict) -> dict[str, str]:
    """Printed table id → id of the Q&A grid the slide is part of."""
    return {table_id: grid["id"] for grid in data.get("qa_grids", []) for table_id in grid.get("table_ids", [])}


def text_units(data: dict) -> Iterator[TextUnit]:
    for block in data.get("blocks", []):
        if block.get("figure_id"):
            yield TextUnit(block["id"], "figure_text", block["page"], block["figure_id"], block["text"])
        else:
            yield TextUnit(block["id"], "block", block["page"], None, block["text"])
    grid_slides = grid_table_ids(data)
    for table in data.get("tables", []):
        table_id, page = table["id"], table["page"]
        if table.get("caption") and table.get("caption_unit_id"):
            yield TextUnit(table["caption_unit_id"], "caption", page, table_id, table["caption"])
        for note in table.get("notes", []):
            yield TextUnit(note["id"], "note", page, table_id, note["text"])
        for callout in table.get("callouts", []):
            yield TextUnit(callout["id"], "callout", callout.get("page", page), table_id, callout["text"])
        if table_id in grid_slides:
            continue
        for row in table.get("rows", []):
            for cell in row:
                if cell["text"]:
                    yield TextUnit(cell["id"], "cell", page, table_id, cell["text"])
    for grid in data.get("qa_grids", []):
        for question in grid.get("questions", []):
            sources = question.get("sources") or []
            page = sources[0]["page"] if sources else (grid.get("pages") or [None])[0]
            yield TextUnit(question["id"], "question", page, grid["id"], question["text"])
            for answer in question.get("answers", []):
                for item in answer.get("items") or []:
                    yield TextUnit(item["id"], "answer_item", item.get("page") or page, answer["id"], item["text"])
    for figure in data.get("figures", []):
        for note in figure.get("notes", []):
            yield TextUnit(note["id"], "figure_note", figure["page"], figure["id"], note["text"])
