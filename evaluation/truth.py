"""Ground-truth YAML → printed-table form.

Every ``table`` slide is already a printed table. A ``qa_grid`` slide is one too: a
header row (question header, then respondent names) and one row per question
(label, "\\n", question text | each respondent's items joined by "\\n", or the
no-answer text the cell prints).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class TruthCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class TruthTable:
    page: int  # 1-based: slide i is page i
    kind: str  # "table" | "qa_grid"
    caption: str | None
    caption_id: str | None
    part: int | None
    header_rows: int
    rows: list[list[TruthCell]]
    heading: str | None = None
    notes: list[str] = field(default_factory=list)
    note_position: str | None = None
    callouts: list[str] = field(default_factory=list)


def load_truth(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _cell(value) -> TruthCell:
    if isinstance(value, dict):
        return TruthCell(str(value.get("text") or ""), int(value.get("rowspan", 1)), int(value.get("colspan", 1)))
    return TruthCell("" if value is None else str(value))


def qa_grid_rows(slide: dict) -> list[list[TruthCell]]:
    """A Q&A grid slide as the table it prints."""
    respondents = list(slide.get("respondents") or [])
    rows = [[TruthCell(str(slide.get("question_header") or ""))] + [TruthCell(str(r)) for r in respondents]]
    for question in slide.get("questions") or []:
        label = str(question.get("label") or "")
        text = str(question.get("text") or "")
        row = [TruthCell(f"{label}\n{text}" if text else label)]
        answers = question.get("answers") or {}
        no_answer = question.get("no_answer_text") or {}
        for respondent in respondents:
            items = answers.get(respondent)
            row.append(TruthCell("\n".join(items) if items else str(no_answer.get(respondent) or "")))
        rows.append(row)
    return rows


def truth_tables(truth: dict) -> list[TruthTable]:
    """Every printed table of a truth file, in page order."""
    out: list[TruthTable] = []
    for page, slide in enumerate(truth.get("slides") or [], start=1):
        kind = slide.get("kind")
        if kind == "table":
            out.append(
                TruthTable(
                    page=page,
                    kind=kind,
                    caption=slide.get("caption"),
                    caption_id=slide.get("caption_id"),
                    part=slide.get("part"),
                    header_rows=int(slide.get("header_rows") or 0),
                    rows=[[_cell(v) for v in row] for row in slide.get("rows") or []],
                    heading=slide.get("heading"),
                    notes=list(slide.get("notes") or []),
                    note_position=slide.get("note_position"),
                    callouts=[c["text"] for c in slide.get("callouts") or []],
                )
            )
        elif kind == "qa_grid":
            out.append(
                TruthTable(
                    page=page,
                    kind=kind,
                    caption=slide.get("caption"),
                    caption_id=slide.get("caption_id"),
                    part=slide.get("part"),
                    header_rows=1,
                    rows=qa_grid_rows(slide),
                )
            )
    return out
