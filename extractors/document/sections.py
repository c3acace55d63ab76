"""The section tree: each block linked to the heading it falls under.

Headings carry a level (``blocks[].level``: 0 outermost, from their numbering); a
heading closes every open section at its level or deeper and opens its own. A block's
section is the innermost heading open before it; a heading's is its parent's. Reading
order is the report's (pages in order, each page's blocks in reading order), so a
section runs on across pages until a heading at its level or above.
"""

from __future__ import annotations

from collections.abc import Iterable

from docmodel.document import Block


def link_sections(blocks: Iterable[Block]) -> None:
    """Set ``section_id`` on every block (in place); blocks must have their ids."""
    open_headings: list[Block] = []  # outermost first
    for block in blocks:
        if block.type == "heading":
            while open_headings and open_headings[-1].level >= block.level:
                open_headings.pop()
            block.section_id = open_headings[-1].id if open_headings else None
            open_headings.append(block)
        else:
            block.section_id = open_headings[-1].id if open_headings else None
