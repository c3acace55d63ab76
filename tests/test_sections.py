"""The section tree (extractors/document/sections.py): each block knows its heading."""

from __future__ import annotations

from docmodel.document import Block
from extractors.document.sections import link_sections

BOX = {"x0": 0, "top": 0, "x1": 10, "bottom": 10}


def _blocks(*kinds: tuple[str, int]) -> list[Block]:
    blocks = [Block(page=1, type=kind, level=level, text=f"t{n}", bbox=BOX) for n, (kind, level) in enumerate(kinds)]
    for n, block in enumerate(blocks, start=1):
        block.id = f"b{n}"
    return blocks


def test_blocks_fall_under_the_innermost_open_heading():
    blocks = _blocks(
        ("paragraph", 0),  # b1: before any heading
        ("heading", 0),  # b2: １
        ("paragraph", 0),  # b3
        ("heading", 1),  # b4: （１）
        ("bullet", 0),  # b5
        ("heading", 1),  # b6: （２） closes （１）
        ("paragraph", 0),  # b7
        ("heading", 0),  # b8: ２ closes １ and （２）
        ("note", 0),  # b9
    )
    link_sections(blocks)
    assert [b.section_id for b in blocks] == [None, None, "b2", "b2", "b4", "b2", "b6", None, "b8"]


def test_a_deeper_heading_first_still_nests_under_nothing_and_then_closes():
    blocks = _blocks(("heading", 2), ("paragraph", 0), ("heading", 0), ("heading", 2), ("paragraph", 0))
    link_sections(blocks)
    assert [b.section_id for b in blocks] == [None, "b1", None, "b3", "b4"]
