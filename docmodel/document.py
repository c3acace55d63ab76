"""The survey-report document model: the one contract every stage fills and every
exporter reads. JSON Schemas in ``schemas/`` are generated from these classes.

Coordinates are PDF points with pdfplumber's convention: origin top-left,
``top``/``bottom`` measured down from the top of the page. Page numbers are 1-based
physical page indices (not the number printed on the slide).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PrivateAttr

from docmodel.base import BBox, Model  # noqa: F401  (BBox re-exported)
from docmodel.nlp import Segmentation
from docmodel.qa import QAGrid

SCHEMA_NAME = "survey-report"
# SchemaVer MODEL-REVISION-ADDITION: bump ADDITION for new optional fields, REVISION
# for changes that may fail old data, MODEL for breaking changes. Old files stay in
# schemas/survey-report/.
# History: 1-0-0 text blocks and tables; 1-1-0 adds Q&A grids; 1-2-0 adds GiNZA
# segmentation (`nlp` on blocks, cells, questions and answer items); 1-3-0 adds
# per-page failures (`pages[].error`, `failed_pages`).
SCHEMA_VERSION = "1-3-0"


class Source(Model):
    file: str = Field(description="File name of the ingested PDF (no directories).")
    sha256: str
    size_bytes: int
    page_count: int


class DocumentInfo(Model):
    title: str | None = Field(None, description="From the PDF metadata when it has one.")
    producer: str | None = None
    creator: str | None = None


class PageError(Model):
    """Why one page's content is missing from the report (the other pages are there)."""

    stage: str = Field(description='The page step that failed, e.g. "tables" or "time-limit".')
    reason: str = Field(description="One line: the problem, as a person can act on it.")


class Page(Model):
    number: int = Field(description="1-based physical page index.")
    width: float
    height: float
    section: str | None = Field(None, description='Section label printed at the top, e.g. "2. 文献調査".')
    heading: str | None = Field(None, description="Slide heading (title) if the slide has one.")
    printed_page_number: int | None = Field(None, description="Page number printed on the slide.")
    error: PageError | None = Field(
        None, description="Set when this page could not be extracted: its content is left out of the report."
    )


BlockType = Literal["heading", "paragraph", "bullet", "note", "caption", "callout"]


class Block(Model):
    """One logical text block of a page body, in reading order."""

    page: int
    type: BlockType
    marker: str | None = Field(None, description="Bullet glyph as printed (normalised), for bullets.")
    level: int = Field(0, description="Nesting level of a bullet (0 = top).")
    text: str = Field(description="Normalised text: radicals unified, wraps joined, '\\n' between logical lines.")
    raw_text: str = Field(description="Text as printed (code points untouched), wraps kept as '\\n'.")
    bbox: BBox
    nlp: Segmentation | None = Field(None, description="GiNZA segmentation of text; null until the NLP stage ran.")


class Cell(Model):
    """A table cell with HTML semantics: covered positions are omitted from rows."""

    row: int = Field(description="0-based grid row of the cell's top-left position.")
    col: int = Field(description="0-based grid column of the cell's top-left position.")
    rowspan: int = 1
    colspan: int = 1
    text: str
    raw_text: str
    bbox: BBox
    nlp: Segmentation | None = Field(None, description="GiNZA segmentation of text; null until the NLP stage ran.")

    # The cell's logical lines as the table stage found them (``extractors.page.table_text.CellLine``:
    # marker, where printed), so later stages read the structure instead of re-splitting
    # ``text``. Internal: not in the schema, not serialised.
    _lines: Any = PrivateAttr(default=None)

    @property
    def lines(self) -> Any:
        return self._lines

    def with_lines(self, lines: Any) -> Cell:
        self._lines = lines
        return self


class Table(Model):
    """One ruled table as printed on one page."""

    id: str = Field(description='Stable id within the document, e.g. "p9-t0".')
    page: int
    bbox: BBox
    caption: str | None = None
    caption_id: str | None = Field(None, description='Caption number, e.g. "表2-1"; null when uncaptioned.')
    part: int | None = Field(None, description="（1）→1 for a table printed over several slides.")
    heading: str | None = Field(None, description="Sub-heading printed between caption and table.")
    n_rows: int
    n_cols: int
    header_rows: int
    notes: list[str] = Field(default_factory=list, description="※ legend lines printed with the table.")
    note_position: Literal["above", "below"] | None = None
    callouts: list[Block] = Field(default_factory=list, description="Text boxes drawn over the table, not cell text.")
    rows: list[list[Cell]]

    # The caption as parsed where it was found (``extractors.text.captions.Caption``: id,
    # part, title), so later stages do not parse it again. Internal: not serialised.
    _parsed_caption: Any = PrivateAttr(default=None)

    @property
    def parsed_caption(self) -> Any:
        return self._parsed_caption

    def with_parsed_caption(self, caption: Any) -> Table:
        self._parsed_caption = caption
        return self


class TablePartRef(Model):
    table_id: str
    page: int
    part: int | None


class LogicalTable(Model):
    """A table printed over several slides (same caption id, parts （1）（2）…) joined."""

    caption_id: str
    caption: str
    parts: list[TablePartRef]
    header_rows: int
    n_cols: int
    rows: list[list[Cell]] = Field(description="Header rows once, then the body rows of every part in order.")


class PipelineInfo(Model):
    version: str
    nlp: bool = Field(description="Whether the GiNZA segmentation stage ran.")


class SurveyReport(Model):
    """The whole ingested report."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    document: DocumentInfo
    pipeline: PipelineInfo
    failed_pages: int = Field(0, description="How many pages carry an error (their content is missing); 0 = complete.")
    pages: list[Page]
    blocks: list[Block]
    tables: list[Table]
    logical_tables: list[LogicalTable] = Field(default_factory=list)
    qa_grids: list[QAGrid] = Field(default_factory=list, description="Filled by the Q&A grid stage.")


class IngestError(Model):
    """Written as <stem>.error.json when a file cannot be ingested."""

    schema_version: str = SCHEMA_VERSION
    file: str
    sha256: str | None
    reason: str
    stage: str
    pipeline_version: str
