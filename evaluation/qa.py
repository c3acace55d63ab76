"""Score Q&A grids against the corpus truth (``slides[*].kind == "qa_grid"``).

Truth lists a grid slide by slide; we join it the way a reader would (and the way
``extractors.document.qa_grid`` does): parts by caption id, a question printed again after a
slide break continues (its items appended; an unmarked first item finishes the item
the break cut). Comparison is after NFKC and whitespace collapse, bullet markers
stripped.

Run over the corpus with ``python -m evaluation tests/corpus``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from docmodel.document import Table
from docmodel.qa import QAGrid
from evaluation.truth import truth_tables as printed_tables
from extractors.text.markers import split_marker
from extractors.text.normalize import normalize_chars

_SPACES = re.compile(r"\s+")


def norm_text(text: str) -> str:
    """One logical line for comparison: NFKC, whitespace runs collapsed to one space."""
    text = unicodedata.normalize("NFKC", normalize_chars(text or ""))
    return _SPACES.sub(" ", text).strip()


def norm_lines(text: str) -> str:
    return "\n".join(line for line in (norm_text(part) for part in (text or "").split("\n")) if line)


def strip_marker(item: str) -> str:
    """An item as printed → its text without the leading bullet glyph."""
    marker, rest = split_marker(normalize_chars(item or ""))
    return rest if marker else normalize_chars(item or "").lstrip()


def norm_items(items: list[str] | None) -> list[str] | None:
    return None if items is None else [norm_text(strip_marker(item)) for item in items]


def _marked(item: str) -> bool:
    return strip_marker(item) != normalize_chars(item).lstrip()


# ---------------------------------------------------------------------------
# Truth


@dataclass
class TruthGrid:
    caption_id: str | None
    respondents: list[str]
    questions: dict[int, dict] = field(default_factory=dict)  # number → {text, answers{name: items|None}}


def truth_grids(truth: dict) -> list[TruthGrid]:
    """The truth's qa_grid slides joined into logical grids, in print order."""
    grids: list[TruthGrid] = []
    by_id: dict[str, TruthGrid] = {}
    for slide in truth.get("slides", []):
        if slide.get("kind") != "qa_grid":
            continue
        cid = slide.get("caption_id")
        grid = by_id.get(cid) if cid is not None else None
        if grid is None:
            grid = TruthGrid(cid, list(slide["respondents"]))
            grids.append(grid)
            if cid is not None:
                by_id[cid] = grid
        for q in slide.get("questions", []):
            number = q["number"]
            answers = {name: (None if items is None else list(items)) for name, items in q["answers"].items()}
            if number not in grid.questions:
                grid.questions[number] = {"text": q["text"], "answers": answers}
                continue
            joined = grid.questions[number]["answers"]
            for name, items in answers.items():
                before = joined.get(name)
                if items is None:
                    joined.setdefault(name, None)
                    continue
                if before is None:
                    joined[name] = items
                    continue
                items = list(items)
                if items and before and not _marked(items[0]):
                    before[-1] = before[-1] + items.pop(0)
                before += items
    return grids


# ---------------------------------------------------------------------------
# Scores


@dataclass
class QAScore:
    grids_expected: int = 0
    grids_found: int = 0
    cells: int = 0
    cells_right: int = 0
    questions: int = 0
    questions_right: int = 0
    respondents_in_order: int = 0  # grids whose respondents equal the truth's, in order
    misses: list[str] = field(default_factory=list)

    @property
    def answer_cell_accuracy(self) -> float:
        return self.cells_right / self.cells if self.cells else 1.0

    @property
    def question_text_accuracy(self) -> float:
        return self.questions_right / self.questions if self.questions else 1.0

    @property
    def respondents_all_in_order(self) -> bool:
        return self.respondents_in_order == self.grids_expected


def _predicted_items(answer) -> list[str] | None:
    return None if answer.items is None else [item.text for item in answer.items]


def score_grids(predicted: list[QAGrid], truth: dict) -> QAScore:
    expected = truth_grids(truth)
    score = QAScore(grids_expected=len(expected), grids_found=len(predicted))
    by_id = {grid.caption_id: grid for grid in predicted if grid.caption_id is not None}
    for index, want in enumerate(expected):
        got = by_id.get(want.caption_id) if want.caption_id is not None else None
        if got is None and want.caption_id is None and index < len(predicted):
            got = predicted[index]
        if got is not None and got.respondents == want.respondents:
            score.respondents_in_order += 1
        elif got is not None:
            score.misses.append(f"{want.caption_id}: respondents {got.respondents} != {want.respondents}")
        questions = {q.number: q for q in got.questions} if got is not None else {}
        for number, wq in want.questions.items():
            score.questions += 1
            score.cells += len(wq["answers"])
            gq = questions.get(number)
            if gq is None:
                score.misses.append(f"{want.caption_id} Q{number}: missing")
                continue
            if norm_lines(gq.text) == norm_lines(wq["text"]):
                score.questions_right += 1
            else:
                score.misses.append(f"{want.caption_id} Q{number} text: {gq.text!r} != {wq['text']!r}")
            answers = {a.respondent: a for a in gq.answers}
            for name, items in wq["answers"].items():
                ga = answers.get(name)
                got_items = norm_items(_predicted_items(ga)) if ga is not None else ["<missing>"]
                if got_items == norm_items(items):
                    score.cells_right += 1
                else:
                    score.misses.append(f"{want.caption_id} Q{number} {name}: {got_items!r} != {norm_items(items)!r}")
    return score


# ---------------------------------------------------------------------------
# Truth as printed tables (what a perfect table stage would hand over)


def truth_tables(truth: dict) -> list[Table]:
    """The truth's qa_grid slides as the printed tables they are (``evaluation.truth.qa_grid_rows``),
    in the document model, with made-up boxes: what a perfect table stage would hand over."""
    from docmodel.document import BBox, Cell

    def box(row: int, col: int, rows: int = 1, cols: int = 1) -> BBox:
        return BBox(
            x0=10.0 + 100 * col, top=10.0 + 50 * row, x1=10.0 + 100 * (col + cols), bottom=10.0 + 50 * (row + rows)
        )

    tables: list[Table] = []
    for printed in printed_tables(truth):
        if printed.kind != "qa_grid":
            continue
        rows = [
            [Cell(row=r, col=c, text=cell.text, raw_text=cell.text, bbox=box(r, c)) for c, cell in enumerate(row)]
            for r, row in enumerate(printed.rows)
        ]
        n_cols = len(printed.rows[0])
        tables.append(
            Table(
                id=f"p{printed.page}-t0",
                page=printed.page,
                bbox=box(0, 0, len(rows), n_cols),
                caption=printed.caption,
                caption_id=printed.caption_id,
                part=printed.part,
                n_rows=len(rows),
                n_cols=n_cols,
                header_rows=printed.header_rows,
                rows=rows,
            )
        )
    return tables
