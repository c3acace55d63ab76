"""Q&A answer grids: questions × respondents × answer items, one grid per caption id.

An appendix answer grid is printed as a ruled table (question column, one column per
respondent) and often runs over several slides; a ``QAGrid`` is the joined, logical
grid. Provenance (page + bbox) points at the printed cells, one entry per slide part.
"""

from __future__ import annotations

from pydantic import Field

from docmodel.base import BBox, Model
from docmodel.nlp import Segmentation


class SourceSpan(Model):
    """Where a piece of the grid is printed: one cell on one page."""

    page: int
    bbox: BBox
    table_id: str | None = None


class AnswerItem(Model):
    """One bullet item of an answer cell."""

    text: str = Field(description="Normalised item text, marker removed, wraps joined.")
    marker: str | None = Field(None, description="Bullet glyph as printed (normalised); null for an unmarked item.")
    level: int = Field(0, description="Nesting level: 0 = top item, 1 = sub-item printed indented under it.")
    references: list[int] = Field(default_factory=list, description="Question numbers this item points to.")
    page: int | None = Field(None, description="Page the item (its first line) is printed on.")
    nlp: Segmentation | None = Field(None, description="GiNZA segmentation of text, with phrases; null until the NLP stage ran.")


class Reference(Model):
    """A pointer from an answer to another question of the same grid (「質問３の回答を参照」)."""

    number: int = Field(description="Question number as printed (digits normalised).")
    resolved: bool = Field(description="Whether the grid has a question with this number.")


class Answer(Model):
    respondent: str
    items: list[AnswerItem] | None = Field(description="Null when the cell prints a no-answer text (回答なし …).")
    no_answer_text: str | None = Field(None, description="The printed no-answer words, when items is null.")
    references: list[Reference] = Field(default_factory=list)
    sources: list[SourceSpan] = Field(default_factory=list)


class Question(Model):
    number: int = Field(description="Question number from the label (質問１ → 1).")
    label: str = Field(description='Label as printed, e.g. "質問1".')
    text: str = Field(description="Question text: wraps joined, '\\n' between logical lines.")
    answers: list[Answer] = Field(description="One per respondent, in header order.")
    sources: list[SourceSpan] = Field(default_factory=list, description="The question cell on each slide it is printed on.")
    nlp: Segmentation | None = Field(None, description="GiNZA segmentation of text; null until the NLP stage ran.")


class QAGrid(Model):
    """An answer grid joined over the slides it is printed on."""

    caption_id: str | None = Field(None, description='e.g. "付表1"; null when uncaptioned.')
    caption: str | None = Field(None, description="Caption of the first part as printed (normalised).")
    title: str | None = Field(None, description='Caption text after the id and part, before the respondent group, e.g. "ヒアリング結果一覧表".')
    respondent_group: str | None = Field(None, description='Who answered, from the caption, e.g. "研究機関・大学等（管理部門）".')
    pages: list[int]
    table_ids: list[str] = Field(default_factory=list, description="The printed tables (parts) this grid joins.")
    respondents: list[str] = Field(description="Respondent names in header order.")
    question_header: str | None = Field(None, description='Header of the question column, e.g. "質問内容".')
    questions: list[Question]
