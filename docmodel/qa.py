"""Q&A answer grids: questions × respondents × answer items, one grid per caption id.

An appendix answer grid is printed as a ruled table (question column, one column per
respondent) and often runs over several slides; a ``QAGrid`` is the joined, logical
grid. Provenance (page + bbox) points at the printed cells, one entry per slide part.
"""

from __future__ import annotations

from pydantic import Field

from docmodel.base import BBox, Model
from docmodel.nlp import SentenceSpans


class SourceSpan(Model):
    """Where a piece of the grid is printed: one cell on one page."""

    page: int = Field(description="1-based physical page.")
    bbox: BBox = Field(description="The cell's box on that page.")
    table_id: str | None = Field(None, description="Id of the printed table (tables[].id) the cell belongs to.")


class AnswerItem(Model):
    """One bullet item of an answer cell."""

    id: str = Field(
        "", description='Unit id, unique in the report: "g1.q3.a2.i1" = grid 1, question 3, answer 2, item 1.'
    )
    text: str = Field(description="Normalised item text, marker removed, wraps joined.")
    marker: str | None = Field(None, description="Bullet glyph as printed (normalised); null for an unmarked item.")
    level: int = Field(0, description="Nesting level: 0 = top item, 1 = sub-item printed indented under it.")
    referenced_questions: list[int] = Field(
        default_factory=list,
        description="Numbers of the questions of the same grid this item points to (「質問３の回答を参照」).",
    )
    page: int | None = Field(None, description="Page the item (its first line) is printed on.")
    nlp: SentenceSpans | None = Field(
        None,
        description=(
            "Sentence spans of text (tokens, entities, phrases: <stem>.tokens/.entities.parquet); null without NLP."
        ),
    )


class Reference(Model):
    """A pointer from an answer to another question of the same grid (「質問３の回答を参照」)."""

    number: int = Field(description="Question number as printed (digits normalised).")
    resolved: bool = Field(description="Whether the grid has a question with this number.")


class Answer(Model):
    """One respondent's answer to one question: bullet items, or a printed no-answer."""

    id: str = Field("", description='Id, unique in the report: "g1.q3.a2" = grid 1, question 3, respondent 2.')
    respondent: str = Field(description="Respondent name as printed in the header.")
    items: list[AnswerItem] | None = Field(description="Null when the cell prints a no-answer text (回答なし …).")
    no_answer_text: str | None = Field(None, description="The printed no-answer words, when items is null.")
    referenced_questions: list[Reference] = Field(
        default_factory=list, description="Questions of the same grid the answer points to, each once."
    )
    sources: list[SourceSpan] = Field(
        default_factory=list, description="The answer cell on each slide it is printed on."
    )


class Question(Model):
    """One question row of a grid, with every respondent's answer."""

    id: str = Field("", description='Unit id, unique in the report: "g1.q3" = grid 1, third question row.')
    number: int = Field(description="Question number from the label (質問１ → 1).")
    label: str = Field(description='Label as printed, e.g. "質問1".')
    text: str = Field(description="Question text: wraps joined, '\\n' between logical lines.")
    answers: list[Answer] = Field(description="One per respondent, in header order.")
    sources: list[SourceSpan] = Field(
        default_factory=list, description="The question cell on each slide it is printed on."
    )
    nlp: SentenceSpans | None = Field(None, description="Sentence spans of text; null without NLP.")


class QAGrid(Model):
    """An answer grid joined over the slides it is printed on."""

    id: str = Field("", description='Id, unique in the report: "g1" for the first grid in document order.')
    caption_id: str | None = Field(None, description='e.g. "付表1"; null when uncaptioned.')
    caption: str | None = Field(None, description="Caption of the first part as printed (normalised).")
    title: str | None = Field(
        None,
        description='Caption text after the id and part, before the respondent group, e.g. "ヒアリング結果一覧表".',
    )
    respondent_group: str | None = Field(
        None, description='Who answered, from the caption, e.g. "研究機関・大学等（管理部門）".'
    )
    pages: list[int] = Field(description="Pages the grid is printed on, in order.")
    table_ids: list[str] = Field(default_factory=list, description="The printed tables (parts) this grid joins.")
    respondents: list[str] = Field(description="Respondent names in header order.")
    question_header: str | None = Field(None, description='Header of the question column, e.g. "質問内容".')
    questions: list[Question] = Field(description="Question rows in printed order, parts joined.")
