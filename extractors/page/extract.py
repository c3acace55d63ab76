"""One page, end to end: lines → tables → figures → furniture → body blocks.

Tables go first so that cell text never turns into body blocks; figures next so a chart's
labels and values do not either; furniture next so the section label, heading and page
number are not repeated in the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pdfplumber

from docmodel.document import Block, Figure, Page, PageError, Table
from docmodel.document import Ruby as RubyModel
from extractors.errors import IngestFailure
from extractors.geometry import BBox
from extractors.page.blocks import build_blocks
from extractors.page.figures import chart_drawing, find_figures
from extractors.page.furniture import find_furniture
from extractors.page.layout import flowed_order, page_layout
from extractors.page.lines import TextLine, anchor_char_boxes, group_lines, join_label_lines
from extractors.page.ocr import OcrPage, read_page
from extractors.page.ruby import Ruby, find_ruby
from extractors.page.tables import TableSettings, extract_tables
from extractors.page.text_layer import TextLayer, text_layer_of
from extractors.settings import PipelineSettings

# What the content steps read: a pdfplumber page, or a scanned one read by OCR.
PageSource = pdfplumber.page.Page | OcrPage


@dataclass
class PageExtraction:
    page: Page
    blocks: list[Block]
    tables: list[Table]
    figures: list[Figure] = field(default_factory=list)

    @classmethod
    def failed(cls, page: pdfplumber.page.Page, page_number: int, stage: str, reason: str) -> PageExtraction:
        """A page whose content is left out: its size and why, nothing else."""
        return cls(
            page=Page(
                number=page_number,
                width=float(page.width),
                height=float(page.height),
                error=PageError(stage=stage, reason=reason),
            ),
            blocks=[],
            tables=[],
        )


class PageStageError(Exception):
    """A step of one page raised; ``stage`` names the step for the page's error record."""

    def __init__(self, stage: str, cause: BaseException):
        super().__init__(f"{stage}: {cause}")
        self.stage = stage
        self.cause = cause


def _tables(
    page: PageSource,
    lines: list[TextLine],
    page_number: int,
    settings: TableSettings,
    bar_boxes: list[tuple[float, float, float, float]],
) -> tuple[list[Table], set[int], list[TextLine]]:
    found = extract_tables(page, lines, page_number, settings, bar_boxes)
    return list(found.tables), set(found.consumed_lines), list(found.leftover)


@contextmanager
def _stage(name: str) -> Iterator[None]:
    # Name the step that raised, so a page's error record says where it broke.
    try:
        yield
    except MemoryError:
        raise  # the file's memory ran out, not this step's luck: the file fails (flows.resources)
    except Exception as exc:
        raise PageStageError(name, exc) from exc


def attach_ruby(blocks: list[Block], readings: list[Ruby]) -> None:
    """Hang each reading on the block its base sits in (just under the reading)."""
    for reading in readings:
        x = (reading.bbox.x0 + reading.bbox.x1) / 2
        y = reading.bbox.bottom + 0.5 * (reading.bbox.bottom - reading.bbox.top)
        block = next((b for b in blocks if b.bbox.x0 <= x <= b.bbox.x1 and b.bbox.top <= y <= b.bbox.bottom), None)
        if block is not None:
            block.ruby.append(RubyModel(text=reading.text, base=reading.base, bbox=reading.bbox))


def with_figure_labels(blocks: list[Block], figures: list[Figure], labels: list[Block]) -> list[Block]:
    """The page's blocks with each figure's labels read where the figure stands: after the
    body blocks that start above it (its caption), before those below (its notes)."""
    if not labels:
        return blocks
    tops = [b.bbox.top for b in blocks]
    slot = {f.id: sum(1 for top in tops if top < f.bbox.top) for f in figures}
    placed = [(float(k), 0, block) for k, block in enumerate(blocks)]
    placed += [(slot[label.figure_id] - 0.5, n, label) for n, label in enumerate(labels) if label.figure_id in slot]
    return [block for *_, block in sorted(placed, key=lambda p: (p[0], p[1]))]


def text_frames(page: PageSource) -> list[BBox]:
    """Boxes drawn on the page that could hold text: rectangles taller and wider than a
    few lines of type, short of the whole page (a page border frames everything)."""
    frames = []
    for rect in page.rects:
        box = BBox(x0=rect["x0"], top=rect["top"], x1=rect["x1"], bottom=rect["bottom"])
        if box.width >= 36 and box.height >= 18 and box.width * box.height < 0.8 * float(page.width * page.height):
            frames.append(box)
    return frames


def extract_page(
    page: pdfplumber.page.Page, page_number: int, settings: PipelineSettings = PipelineSettings()
) -> PageExtraction:
    """One page: from its text layer, or, when it has none (a scan) or an unreadable one
    (wrong ToUnicode maps), from its pixels by OCR (``settings.ocr``)."""
    with _stage("text-layer"):
        layer = text_layer_of(page, settings.ocr.text_layer)
    if layer is TextLayer.READABLE or (layer is TextLayer.UNREADABLE and not settings.ocr.enabled):
        return _extract_content(page, page_number, settings)
    if not settings.ocr.enabled:
        raise PageStageError("text-layer", IngestFailure("text-layer", "no text layer (needs OCR)"))
    with _stage("ocr"):
        scanned = read_page(page, settings.ocr)
    extraction = _extract_content(scanned, page_number, settings)
    extraction.page.text_source = "ocr"
    extraction.page.ocr_confidence = None if scanned.confidence is None else round(scanned.confidence, 3)
    return extraction


def _extract_content(page: PageSource, page_number: int, settings: PipelineSettings) -> PageExtraction:
    with _stage("lines"):
        # A glyph drawn twice at one place (filled then stroked, a shadow) is one character.
        page = page.dedupe_chars()
        chars = page.chars
        anchor_char_boxes(chars)
        # Readings printed over kanji would cut their base lines apart: set them aside
        # (lines keep the page's char indices) and hang them on their blocks after.
        readings = find_ruby(chars)
        set_aside = {i for reading in readings for i in reading.char_ids}
        kept = [i for i in range(len(chars)) if i not in set_aside]
        lines = group_lines([chars[i] for i in kept], settings.lines, char_ids=kept)
    with _stage("figures"):
        drawing = chart_drawing(page)
    with _stage("tables"):
        tables, consumed, leftover = _tables(page, lines, page_number, settings.tables, drawing.bar_boxes)
    free = {i for i in range(len(lines)) if i not in consumed}
    with _stage("figures"):
        found = find_figures(drawing, lines, free, page_number, [t.bbox for t in tables])
    free -= found.line_ids
    page_top = page.bbox[1]
    with _stage("furniture"):
        furniture = find_furniture(lines, page_top, page.height, free, settings.furniture)
    # Text a table's lines leave outside it goes back in stream order (lines keep their
    # chars' content-stream indices).
    body = sorted(
        [lines[i] for i in free - furniture.line_ids] + leftover, key=lambda line: min(line.char_ids, default=0)
    )
    with _stage("blocks"):
        body = join_label_lines(body, settings.lines)
        frames = text_frames(page)
        x0, top, x1, bottom = page.bbox
        layout = page_layout(body, BBox(x0=x0, top=top, x1=x1, bottom=bottom), frames=frames)
        order, runs_on = flowed_order(layout, body, range(len(body)))
        blocks = build_blocks([body[i] for i in order], page_number, settings.blocks, frames, runs_on)
        attach_ruby(blocks, readings)
        blocks = with_figure_labels(blocks, found.figures, found.labels)
    return PageExtraction(
        page=Page(
            number=page_number,
            width=float(page.width),
            height=float(page.height),
            section=furniture.section,
            heading=furniture.heading,
            printed_page_number=furniture.printed_page_number,
        ),
        blocks=blocks,
        tables=tables,
        figures=found.figures,
    )
