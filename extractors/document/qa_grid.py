"""Q&A answer grids: printed tables → logical questions × respondents × items grids.

A grid is recognised by structure, never by caption or names: a header row naming the
respondents over the answer columns, and a first column whose body cells open with a
question label (「質問1」「Q1」「問1」…). A grid printed over several slides repeats the
caption id with parts （1）（2）… and the header row; the parts are joined in order. A
question whose answers run over a slide break is printed again on the next slide with
its label repeated (or the first column left empty): its items continue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docmodel.document import Cell, Table
from docmodel.qa import Answer, AnswerItem, QAGrid, Question, Reference, SourceSpan
from extractors.document.qa_cells import (
    ItemSettings,
    find_references,
    is_no_answer,
    join_continued_item,
    logical_lines,
    match_label,
    parse_items,
    split_question_cell,
)
from extractors.text.captions import Caption, caption_of
from extractors.text.normalize import collapse_spaces


@dataclass(frozen=True)
class QAGridSettings:
    # Share of the non-empty first-column body cells that must open with a question label.
    min_label_share: float = 0.8
    # At least this many body rows must carry a label (a continuation-only slide has one).
    min_labelled_rows: int = 1
    min_respondents: int = 1
    items: ItemSettings = field(default_factory=ItemSettings)


@dataclass
class PartRow:
    """One body row of a printed grid part."""

    label: str | None
    number: int | None
    question_text: str
    question_cell: Cell | None
    answer_cells: list[list[Cell]]  # per respondent: the cells under its header


@dataclass
class GridPart:
    """One printed table recognised as (part of) a Q&A grid."""

    table: Table
    question_header: str | None
    respondents: list[str]
    rows: list[PartRow]


# ---------------------------------------------------------------------------
# Recognising one printed table


def _covering(table: Table) -> dict[tuple[int, int], Cell]:
    """Every grid position → the cell covering it (merged cells cover several)."""
    grid: dict[tuple[int, int], Cell] = {}
    for row in table.rows:
        for cell in row:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    grid[(r, c)] = cell
    return grid


def _text(cell: Cell | None) -> str:
    return (cell.text or "").strip() if cell is not None else ""


def _header_rows(table: Table, grid: dict[tuple[int, int], Cell]) -> int:
    """The table's header rows; when the table stage found none, the rows above the first label."""
    if table.header_rows > 0:
        return table.header_rows
    for r in range(table.n_rows):
        if match_label(_text(grid.get((r, 0)))):
            return r
    return 0


def _respondent_columns(table: Table, grid, header_rows: int, first: int) -> list[tuple[str, list[int]]]:
    """(name, columns) per respondent: the lowest header cell over each answer column."""
    out: list[tuple[str, list[int]]] = []
    seen: dict[int, int] = {}
    for c in range(first, table.n_cols):
        cell = grid.get((header_rows - 1, c))
        if cell is None:
            return []
        key = id(cell)
        if key in seen:
            out[seen[key]][1].append(c)
            continue
        seen[key] = len(out)
        out.append((collapse_spaces(_text(cell).replace("\n", " ")), [c]))
    return out


def _question_text(cell: Cell | None) -> str:
    """The question text of a labelled first-column cell (the label cut off)."""
    split = split_question_cell(_text(cell))
    assert split is not None  # only asked of cells whose text match_label matched
    return split[2]


def recognise_part(table: Table, settings: QAGridSettings = QAGridSettings()) -> GridPart | None:
    """The table as a Q&A grid part, or None when its structure is not one."""
    if table.n_cols < 2 or not table.rows:
        return None
    grid = _covering(table)
    header_rows = _header_rows(table, grid)
    if header_rows < 1 or header_rows >= table.n_rows:
        return None
    body = range(header_rows, table.n_rows)
    firsts = [grid.get((r, 0)) for r in body]
    labelled = [match_label(_text(cell)) for cell in firsts]
    non_empty = [cell for cell in firsts if _text(cell)]
    n_labelled = sum(1 for m in labelled if m)
    if n_labelled < settings.min_labelled_rows or n_labelled < settings.min_label_share * len(non_empty):
        return None
    # Label and question text in separate columns: the label cells hold nothing else.
    label_only = table.n_cols >= 3 and all(
        not _question_text(cell) for cell, m in zip(firsts, labelled, strict=False) if m
    )
    question_col = 1 if label_only else 0
    respondents = _respondent_columns(table, grid, header_rows, question_col + 1)
    if len(respondents) < settings.min_respondents or not all(name for name, _ in respondents):
        return None
    header_cell = grid.get((header_rows - 1, question_col))
    rows: list[PartRow] = []
    previous_first: Cell | None = None
    for r, first in zip(body, firsts, strict=False):
        question_cell = grid.get((r, question_col))
        if first is not None and first is previous_first and first.row < r:
            label = number = None  # the question cell spans rows: this row continues it
            text = ""
        elif (parsed := split_question_cell(_text(first))) is not None:
            label, number, text = parsed
            if label_only:
                text = _text(question_cell)
        else:
            label = number = None
            text = _text(question_cell)
        previous_first = first
        answer_cells = []
        for _, columns in respondents:
            cells: list[Cell] = []
            for c in columns:
                cell = grid.get((r, c))
                if cell is not None and cell.row == r and cell not in cells:
                    cells.append(cell)
            answer_cells.append(cells)
        rows.append(PartRow(label, number, text, question_cell, answer_cells))
    return GridPart(
        table=table,
        question_header=_text(header_cell) or None,
        respondents=[name for name, _ in respondents],
        rows=rows,
    )


# ---------------------------------------------------------------------------
# Caption → title and respondent group


def split_caption(caption: Caption | None) -> tuple[str | None, str | None]:
    """(title, respondent group): the caption after its id and part, cut at the first space."""
    if caption is None:
        return None, None
    rest = caption.title
    if not rest:
        return None, None
    parts = re.split(r"[ \u3000]+", rest, maxsplit=1)
    title = parts[0]
    group = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    return title, group


# ---------------------------------------------------------------------------
# Joining parts into logical grids


def _group_parts(parts: list[GridPart]) -> list[list[GridPart]]:
    """Parts of one grid: same caption id; an uncaptioned part on the next page with the
    same respondents continues the grid before it."""
    groups: list[list[GridPart]] = []
    by_id: dict[str, list[GridPart]] = {}
    for part in sorted(parts, key=lambda p: (p.table.page, p.table.bbox.top)):
        cid = part.table.caption_id
        if cid is not None and cid in by_id:
            by_id[cid].append(part)
            continue
        last = groups[-1][-1] if groups else None
        if (
            cid is None
            and last is not None
            and last.respondents == part.respondents
            and part.table.page - last.table.page <= 1
        ):
            groups[-1].append(part)
            continue
        groups.append([part])
        if cid is not None:
            by_id[cid] = groups[-1]
    for group in groups:
        group.sort(key=lambda p: (p.table.page, p.table.part or 0, p.table.bbox.top))
    return groups


@dataclass
class _AnswerBuilder:
    respondent: str
    items: list[AnswerItem] = field(default_factory=list)
    no_answer_text: str | None = None
    answered: bool = False  # some cell printed items
    sources: list[SourceSpan] = field(default_factory=list)
    last_page: int | None = None

    def add(self, cells: list[Cell], page: int, table_id: str, settings: QAGridSettings) -> None:
        for cell in cells:
            self.sources.append(SourceSpan(page=page, bbox=cell.bbox, table_id=table_id))
            lines = logical_lines(cell)
            if not lines:
                continue
            if is_no_answer(lines):
                if self.no_answer_text is None:
                    self.no_answer_text = "\n".join(line.text.strip() for line in lines)
                continue
            parsed = parse_items(lines, settings.items)
            # An item cut by the slide break continues unmarked at the top of the next part.
            if (
                parsed
                and self.items
                and self.last_page is not None
                and page != self.last_page
                and parsed[0].marker is None
            ):
                head = parsed.pop(0)
                last = self.items[-1]
                last.text = join_continued_item(last.text, head.text, lines[0].opens_with_space)
                last.referenced_questions = find_references(last.text)
            for item in parsed:
                self.items.append(
                    AnswerItem(
                        text=item.text,
                        marker=item.marker,
                        level=item.level,
                        referenced_questions=find_references(item.text),
                        page=page,
                    )
                )
            self.answered = True
        self.last_page = page

    def build(self, numbers: set[int]) -> Answer:
        items = self.items if self.answered or self.no_answer_text is None else None
        texts = [item.text for item in items] if items is not None else [self.no_answer_text or ""]
        refs: list[int] = []
        for text in texts:
            refs += [n for n in find_references(text) if n not in refs]
        return Answer(
            respondent=self.respondent,
            items=items,
            no_answer_text=None if items is not None else self.no_answer_text,
            referenced_questions=[Reference(number=n, resolved=n in numbers) for n in refs],
            sources=self.sources,
        )


@dataclass
class _QuestionBuilder:
    number: int
    label: str
    text: str
    answers: list[_AnswerBuilder]
    sources: list[SourceSpan] = field(default_factory=list)


def join_parts(parts: list[GridPart], settings: QAGridSettings = QAGridSettings()) -> QAGrid:
    """One logical grid from its printed parts (in print order)."""
    first = parts[0]
    respondents = list(first.respondents)
    for part in parts[1:]:
        respondents += [name for name in part.respondents if name not in respondents]
    questions: list[_QuestionBuilder] = []
    for part in parts:
        table = part.table
        for row in part.rows:
            last = questions[-1] if questions else None
            continues = last is not None and (row.number is None or row.number == last.number)
            if continues:
                assert last is not None  # continues implies a last question
                question = last
                if not question.text and row.question_text:
                    question.text = row.question_text
            elif row.number is None:
                continue  # an unlabelled row before any question: nothing to attach it to
            else:
                question = _QuestionBuilder(
                    row.number, row.label or "", row.question_text, [_AnswerBuilder(name) for name in respondents]
                )
                questions.append(question)
            if row.question_cell is not None and (
                not question.sources
                or question.sources[-1].page != table.page
                or question.sources[-1].bbox != row.question_cell.bbox
            ):
                question.sources.append(SourceSpan(page=table.page, bbox=row.question_cell.bbox, table_id=table.id))
            for name, cells in zip(part.respondents, row.answer_cells, strict=False):
                question.answers[respondents.index(name)].add(cells, table.page, table.id, settings)
    numbers = {q.number for q in questions}
    title, group = split_caption(caption_of(first.table))
    return QAGrid(
        caption_id=first.table.caption_id,
        caption=first.table.caption,
        title=title,
        respondent_group=group,
        pages=sorted({p.table.page for p in parts}),
        table_ids=[p.table.id for p in parts],
        respondents=respondents,
        question_header=first.question_header,
        questions=[
            Question(
                number=q.number,
                label=q.label,
                text=q.text,
                answers=[a.build(numbers) for a in q.answers],
                sources=q.sources,
            )
            for q in questions
        ],
    )


def extract_qa_grids(tables: list[Table], settings: QAGridSettings = QAGridSettings()) -> list[QAGrid]:
    """Every Q&A grid among a document's printed tables, parts joined, in print order."""
    parts = [part for table in tables if (part := recognise_part(table, settings)) is not None]
    return [join_parts(group, settings) for group in _group_parts(parts)]
