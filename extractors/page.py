"""One page, end to end: lines → tables → furniture → body blocks.

Tables go first so that cell text never turns into body blocks; furniture next so the
section label, heading and page number are not repeated in the body.
"""

from __future__ import annotations

from dataclasses import dataclass

import pdfplumber

from docmodel.document import Block, Page, Table
from extractors.blocks import build_blocks
from extractors.furniture import find_furniture
from extractors.lines import TextLine, group_lines


@dataclass
class PageExtraction:
    page: Page
    blocks: list[Block]
    tables: list[Table]


def _lines_in_boxes(lines: list[TextLine], boxes: list[tuple]) -> set[int]:
    """Indices of lines whose middle lies inside one of ``boxes`` (x0, top, x1, bottom)."""
    inside = set()
    for i, line in enumerate(lines):
        cx, cy = (line.x0 + line.x1) / 2, line.middle
        if any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes):
            inside.add(i)
    return inside


def _tables(page: pdfplumber.page.Page, lines: list[TextLine], page_number: int) -> tuple[list[Table], set[int]]:
    try:
        from extractors.tables import extract_tables
    except ImportError:
        # The table stage is optional here: without it, keep cell text out of the body.
        return [], _lines_in_boxes(lines, [t.bbox for t in page.find_tables()])
    found = extract_tables(page, lines, page_number)
    return list(found.tables), set(found.consumed_lines)


def extract_page(page: pdfplumber.page.Page, page_number: int) -> PageExtraction:
    lines = group_lines(page.chars)
    tables, consumed = _tables(page, lines, page_number)
    free = {i for i in range(len(lines)) if i not in consumed}
    page_top = page.bbox[1]
    furniture = find_furniture(lines, page_top, page.height, free)
    body = [lines[i] for i in sorted(free - furniture.line_ids)]
    return PageExtraction(
        page=Page(
            number=page_number,
            width=float(page.width),
            height=float(page.height),
            section=furniture.section,
            heading=furniture.heading,
            printed_page_number=furniture.printed_page_number,
        ),
        blocks=build_blocks(body, page_number),
        tables=tables,
    )
