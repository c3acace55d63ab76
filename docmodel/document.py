"""The survey-report document model: the one contract every stage fills and every
exporter reads. JSON Schemas in ``schemas/`` are generated from these classes.

Coordinates are PDF points with pdfplumber's convention: origin top-left,
``top``/``bottom`` measured down from the top of the page. Page numbers are 1-based
physical page indices (not the number printed on the slide).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr

from docmodel.base import BBox, Model  # noqa: F401  (BBox re-exported)
from docmodel.nlp import Segmentation, SentenceSpans
from docmodel.qa import QAGrid
from docmodel.table_view import TableView, analyst_tables, find_table

SCHEMA_NAME = "survey-report"
# SchemaVer MODEL-REVISION-ADDITION: bump ADDITION for new optional fields, REVISION
# for changes that may fail old data, MODEL for breaking changes. Old files stay in
# schemas/survey-report/.
# History: 1-0-0 text blocks and tables; 1-1-0 adds Q&A grids; 1-2-0 adds GiNZA
# segmentation (`nlp` on blocks, cells, questions and answer items); 1-3-0 adds
# per-page failures (`pages[].error`, `failed_pages`); 2-0-0: unit ids, each thing
# stored once (logical tables point at cells, raw_text only where it differs), `nlp`
# keeps sentence spans (tokens and entities in Parquet beside the report),
# `references` → `referenced_questions`, schema_version "survey-report/2-0-0"; 2-1-0
# adds ruby readings on blocks (`blocks[].ruby`) and heading levels (`blocks[].level`
# on headings); 2-2-0 adds where a page's text came from (`pages[].text_source`,
# `pages[].ocr_confidence`), figures with chart data (`figures[]`) and the section tree
# (`blocks[].section_id`); 3-0-0: the labels printed inside a figure are blocks of
# type "label" (`blocks[].figure_id`), no longer `figures[].texts`: every printed
# character is in blocks, tables or page furniture, once; 3-1-0 adds footnote links
# (`blocks[].note_ids`: the notes a block's reference marks cite).
SCHEMA_VERSION = "3-1-0"


def schema_tag(name: str = SCHEMA_NAME, version: str = SCHEMA_VERSION) -> str:
    """The ``schema_version`` value a file carries from 2-0-0 on: ``<name>/<version>``.

    A bare "1-2-0" reads as a date to DuckDB and spreadsheets; with the name in front it
    stays a string, and the SchemaVer numbers are still there to compare.
    """
    return f"{name}/{version}"


def split_schema_version(value: str) -> tuple[str | None, str]:
    """``"survey-report/2-0-0"`` → ``("survey-report", "2-0-0")``; a 1-x ``"1-2-0"`` → ``(None, "1-2-0")``."""
    name, sep, version = value.rpartition("/")
    return (name if sep else None), version


class Source(Model):
    """The ingested PDF file."""

    file: str = Field(description="File name of the ingested PDF (no directories).")
    sha256: str = Field(description="SHA-256 of the file's bytes, hex.")
    size_bytes: int = Field(description="File size in bytes.")
    page_count: int = Field(description="Number of pages in the PDF.")


class DocumentInfo(Model):
    """PDF metadata (the document information dictionary)."""

    title: str | None = Field(None, description="From the PDF metadata when it has one.")
    producer: str | None = Field(None, description="The program that wrote the PDF, from the metadata.")
    creator: str | None = Field(None, description="The program the document was made in, from the metadata.")


class PageError(Model):
    """Why one page's content is missing from the report (the other pages are there)."""

    stage: str = Field(description='The page step that failed, e.g. "tables" or "time-limit".')
    reason: str = Field(description="One line: the problem, as a person can act on it.")


class Page(Model):
    """One physical page (slide) and its furniture."""

    number: int = Field(description="1-based physical page index.")
    width: float = Field(description="Page width in PDF points.")
    height: float = Field(description="Page height in PDF points.")
    section: str | None = Field(None, description='Section label printed at the top, e.g. "2. 文献調査".')
    heading: str | None = Field(None, description="Slide heading (title) if the slide has one.")
    printed_page_number: int | None = Field(None, description="Page number printed on the slide.")
    error: PageError | None = Field(
        None, description="Set when this page could not be extracted: its content is left out of the report."
    )
    text_source: Literal["pdf", "ocr"] = Field(
        "pdf", description='Where the page\'s text came from: the PDF\'s text layer ("pdf") or OCR ("ocr").'
    )
    ocr_confidence: float | None = Field(
        None, description="Mean OCR word confidence of the page, 0–1; null when its text came from the PDF."
    )


BlockType = Literal["heading", "paragraph", "bullet", "note", "caption", "callout", "label"]

UNIT_ID = "Unit id, unique in the report (the key of the NLP Parquet files)"
RAW_TEXT = "Text as printed (code points untouched, wraps kept as '\\n'); null where it equals text."
NLP = "Sentence spans of text (tokens and entities: <stem>.tokens/.entities.parquet); null without NLP."


class Ruby(Model):
    """A reading (furigana) printed over base characters of a block, kept out of its text."""

    text: str = Field(description="The reading as printed, e.g. 'けんいん'.")
    base: str = Field(description="The base characters it is printed over, e.g. '牽引'.")
    bbox: BBox = Field(description="Box of the reading on its page.")


class Block(Model):
    """One logical text block of a page body, in reading order."""

    id: str = Field("", description=UNIT_ID + ': "b12" = 12th block; a call-out "p9-t0.k1" = table p9-t0, call-out 1.')
    page: int = Field(description="1-based physical page.")
    type: BlockType = Field(description="What the block is on the slide.")
    marker: str | None = Field(None, description="Bullet glyph as printed (normalised), for bullets.")
    level: int = Field(
        0,
        description="Nesting level (0 = top): of a list item among the page's items; of a numbered "
        "heading in the outline its numbering styles make (１ → （１） → ア).",
    )
    text: str = Field(description="Normalised text: radicals unified, wraps joined, '\\n' between logical lines.")
    raw_text: str | None = Field(None, description=RAW_TEXT)
    bbox: BBox = Field(description="Box of the block on its page.")
    nlp: SentenceSpans | None = Field(None, description=NLP)
    ruby: list[Ruby] = Field(
        default_factory=list, description="Readings printed over the block's characters, not part of its text."
    )
    section_id: str | None = Field(
        None,
        description="Id of the heading block this block falls under (a heading: of its parent heading); "
        "null before the report's first heading.",
    )
    figure_id: str | None = Field(
        None,
        description='Id of the figure a "label" block is printed inside (category, value, tick, legend); '
        "null for every other block.",
    )
    note_ids: list[str] = Field(
        default_factory=list,
        description="Ids of the note blocks this block's printed reference marks cite (＊3, ※1, 注2), in "
        "order; empty when it cites none.",
    )

    @property
    def printed_text(self) -> str:
        return self.text if self.raw_text is None else self.raw_text


class Cell(Model):
    """A table cell with HTML semantics: covered positions are omitted from rows."""

    id: str = Field("", description=UNIT_ID + ': "p9-t0.r2.c4" = table p9-t0, row 2, column 4.')
    row: int = Field(description="0-based grid row of the cell's top-left position.")
    col: int = Field(description="0-based grid column of the cell's top-left position.")
    rowspan: int = Field(1, description="Grid rows the cell covers.")
    colspan: int = Field(1, description="Grid columns the cell covers.")
    text: str = Field(description="Normalised cell text, wraps joined, '\\n' between logical lines.")
    raw_text: str | None = Field(None, description=RAW_TEXT)
    bbox: BBox = Field(description="Box of the cell on its page.")
    nlp: SentenceSpans | None = Field(None, description=NLP)

    @property
    def printed_text(self) -> str:
        return self.text if self.raw_text is None else self.raw_text

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


class Note(Model):
    """A ※ legend line printed with a table."""

    id: str = Field("", description=UNIT_ID + ': "p9-t0.n1" = table p9-t0, note 1.')
    text: str = Field(description="The note as printed (normalised).")


def _notes(value: object) -> object:
    # The page stage hands plain strings; ids are assigned with the report's.
    return [{"text": n} if isinstance(n, str) else n for n in value] if isinstance(value, list) else value


class Table(Model):
    """One ruled table as printed on one page."""

    id: str = Field(description='Stable id within the document: "p9-t0" = page 9, first table.')
    page: int = Field(description="1-based physical page.")
    bbox: BBox = Field(description="Box of the ruled grid on its page.")
    caption: str | None = Field(None, description="Caption as printed (normalised), with its number and part.")
    caption_unit_id: str | None = Field(
        None, description=UNIT_ID + ' of the caption text: "p9-t0.caption"; null when uncaptioned.'
    )
    caption_id: str | None = Field(None, description='Caption number, e.g. "表2-1"; null when uncaptioned.')
    part: int | None = Field(None, description="（1）→1 for a table printed over several slides.")
    heading: str | None = Field(None, description="Sub-heading printed between caption and table.")
    n_rows: int = Field(description="Grid rows.")
    n_cols: int = Field(description="Grid columns.")
    header_rows: int = Field(description="How many top rows are header rows.")
    notes: Annotated[list[Note], BeforeValidator(_notes)] = Field(
        default_factory=list, description="※ legend lines printed with the table."
    )
    note_position: Literal["above", "below"] | None = Field(None, description="Where the notes are printed.")
    callouts: list[Block] = Field(default_factory=list, description="Text boxes drawn over the table, not cell text.")
    rows: list[list[Cell]] = Field(description="Grid rows, each the cells whose top-left position is in that row.")

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
    """One printed part of a logical table."""

    table_id: str = Field(description="tables[].id of the part.")
    page: int = Field(description="Page the part is printed on.")
    part: int | None = Field(description="Part number from the caption （1）→1; null when the caption has none.")


class LogicalTable(Model):
    """A table printed over several slides (same caption id, parts （1）（2）…) joined.

    The cells stay in ``tables[]``; a logical table lists their ids, row by row.
    """

    caption_id: str = Field(description='Caption number shared by the parts, e.g. "表2-1".')
    caption: str = Field(description="Caption of the first part, without the part number.")
    parts: list[TablePartRef] = Field(description="The printed parts, in order.")
    header_rows: int = Field(description="Header rows (printed on the first part, repeated ones dropped).")
    n_cols: int = Field(description="Grid columns.")
    rows: list[list[str]] = Field(
        description="Header rows once, then the body rows of every part in order: each row the ids of the "
        "tables[].rows cells starting in it (logical row = position in this list, column = the cell's col)."
    )


FigureKind = Literal["bar", "grouped-bar", "stacked-bar", "stacked-bar-100", "line", "pie", "diagram", "image", "other"]


class ChartValue(Model):
    """One value of a chart series for one category."""

    value: float | None = Field(description="The value as a number; null where none is printed or measurable.")
    measured: bool = Field(
        False, description="True when read from the mark's length against the value axis, not a printed label."
    )
    unit_id: str | None = Field(
        None, description='Id of the "label" block (blocks[], figure_id = this figure) the printed value came from.'
    )


class ChartSeries(Model):
    """One series of a chart: a legend entry (null name for a single unnamed series)."""

    name: str | None = Field(None, description="Legend text as printed (normalised); null for an unnamed series.")
    colour: str | None = Field(None, description='Fill colour of its marks, "#rrggbb", when drawn in one.')
    values: list[ChartValue] = Field(description="One value per category, in the order of `categories`.")


class Figure(Model):
    """A figure (chart, diagram or picture) and, for charts read as data, its values.

    The labels printed inside it are blocks of type "label" whose ``figure_id`` is its id:
    each printed thing is stored once, in reading order with the page's text."""

    id: str = Field(description='Stable id within the document: "p3-f0" = page 3, first figure.')
    page: int = Field(description="1-based physical page.")
    bbox: BBox = Field(description="Box of the figure (plot area, labels and legend) on its page.")
    kind: FigureKind = Field(description="What the figure is, from its drawing.")
    orientation: Literal["horizontal", "vertical"] | None = Field(
        None, description="For bar charts: horizontal when bars run left to right."
    )
    caption: str | None = Field(None, description="Caption (title) as printed (normalised), with its number.")
    caption_id: str | None = Field(None, description='Caption number, e.g. "図表4"; null when unnumbered.')
    unit: str | None = Field(None, description='Unit of the values as printed, e.g. "%"; null when none is printed.')
    categories: list[str] = Field(default_factory=list, description="Category labels in printed order.")
    series: list[ChartSeries] = Field(default_factory=list, description="The chart's series; empty when not read.")
    notes: list[Note] = Field(default_factory=list, description="Lines printed with the figure: n=, 出典, 注, 対象.")
    data_note: str | None = Field(None, description="Why the figure's values were not read, when they were not.")

    def to_dataframe(self) -> Any:
        """The chart's data as a pandas DataFrame: categories as the index, a column per
        series (named by its legend text; "value" for one unnamed series, "series 1", "series 2"
        … for several); None where no value was read."""
        import pandas as pd

        names = [s.name or ("value" if len(self.series) == 1 else f"series {k}") for k, s in enumerate(self.series, 1)]
        rows = [
            [s.values[i].value if i < len(s.values) else None for s in self.series] for i in range(len(self.categories))
        ]
        return pd.DataFrame(rows, index=pd.Index(self.categories, name="category"), columns=names, dtype=object)


class PipelineInfo(Model):
    """Which pipeline made the report."""

    version: str = Field(description="survey-ingest package version.")
    nlp: bool = Field(description="Whether the GiNZA segmentation stage ran.")


class SurveyReport(Model):
    """The whole ingested report."""

    schema_version: str = Field(
        schema_tag(), description='Schema name and SchemaVer version, e.g. "survey-report/2-0-0" (1-x files: "1-3-0").'
    )
    source: Source = Field(description="The PDF this report was made from.")
    document: DocumentInfo = Field(description="PDF metadata.")
    pipeline: PipelineInfo = Field(description="Pipeline version and stages run.")
    failed_pages: int = Field(0, description="How many pages carry an error (their content is missing); 0 = complete.")
    pages: list[Page] = Field(description="Every page, in order.")
    blocks: list[Block] = Field(description="Body text blocks of every page, in reading order.")
    tables: list[Table] = Field(description="Every ruled table as printed, Q&A grid slides included, in page order.")
    logical_tables: list[LogicalTable] = Field(
        default_factory=list, description="Tables printed over several slides, joined (by reference to tables[] cells)."
    )
    qa_grids: list[QAGrid] = Field(default_factory=list, description="Q&A answer grids, parts joined.")
    figures: list[Figure] = Field(
        default_factory=list, description="Figures (charts, diagrams), with chart data where read; in page order."
    )

    # The NLP stage's whole analysis per unit id (tokens, entities, phrases): written to
    # <stem>.tokens.parquet / .entities.parquet, not to the JSON.
    _segmentation: dict[str, Segmentation] = PrivateAttr(default_factory=dict)

    @property
    def segmentation(self) -> dict[str, Segmentation]:
        """Unit id → GiNZA analysis, as the NLP stage left it (empty after --no-nlp or a load)."""
        return self._segmentation

    def table(self, key: str) -> TableView:
        """A table by caption id ("表2-1": parts joined) or printed table id ("p9-t0"); ``.to_dataframe()``."""
        return find_table(self, key)

    def figure(self, key: str) -> Figure:
        """A figure by caption id ("図表4") or figure id ("p3-f0"); ``.to_dataframe()``."""
        for figure in self.figures:
            if key in (figure.id, figure.caption_id):
                return figure
        raise KeyError(f"no figure {key!r}: the report has {[f.caption_id or f.id for f in self.figures]}")

    def analyst_tables(self) -> list[TableView]:
        """Every ordinary table once, parts joined (what <stem>.tables.xlsx / .tables.parquet hold)."""
        return analyst_tables(self)


class IngestError(Model):
    """Written as <stem>.error.json when a file cannot be ingested."""

    schema_version: str = Field(
        schema_tag("ingest-error"), description='Schema name and version, e.g. "ingest-error/2-0-0".'
    )
    file: str = Field(description="File name of the input.")
    sha256: str | None = Field(description="SHA-256 of the input, when it could be read.")
    reason: str = Field(description="One line: why the file could not be ingested.")
    stage: str = Field(description='The step that failed, e.g. "open", "pages", "nlp".')
    pipeline_version: str = Field(description="survey-ingest package version.")
