"""One narrative, many layouts: every layout must give the same blocks.

Each case sets a content of ``narrative_layouts`` in one of its ``LAYOUTS`` (a one-page
PDF written at test time) and extracts the page as the pipeline does; the blocks, in
order, must be the content's units: the same text and marker, and the same type and
level. A title the page furniture takes as the page's heading (a slide's) counts as
the first heading.
"""

from __future__ import annotations

from collections import Counter

import pdfplumber
import pytest
from narrative_layouts import LAYOUTS, Content, render

from extractors.page.extract import extract_page
from extractors.text.markers import BODY, is_marker_glyph
from extractors.text.normalize import normalize_chars

CASES = list(LAYOUTS)

Reading = tuple[list[tuple[str, str | None]], list[tuple[str, int]]]


def _printed(unit) -> str:
    """The unit's text as the report gives it: a number is printed text and stays in front
    of an item's text (only a bullet glyph is cut off)."""
    if unit.marker and not is_marker_glyph(normalize_chars(unit.marker)[:1], BODY):
        return normalize_chars(f"{unit.marker} {unit.text}")
    return normalize_chars(unit.text)


def _expected(content: Content) -> Reading:
    units = content.units
    texts = [(_printed(u), normalize_chars(u.marker) if u.marker else None) for u in units]
    return texts, [(u.type, u.level) for u in units]


def _extracted(path) -> Reading:
    with pdfplumber.open(path) as pdf:
        result = extract_page(pdf.pages[0], 1)
    texts = [(b.text, b.marker) for b in result.blocks]
    kinds = [(b.type, b.level) for b in result.blocks]
    if result.page.heading is not None:
        texts.insert(0, (result.page.heading, None))
        kinds.insert(0, ("heading", 0))
    return texts, kinds


def _set(tmp_path, name: str):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render(name))
    return path


@pytest.mark.parametrize("name", CASES)
def test_every_layout_gives_the_logical_blocks(tmp_path, name):
    texts, kinds = _extracted(_set(tmp_path, name))
    expected_texts, expected_kinds = _expected(LAYOUTS[name].content)
    assert texts == expected_texts
    assert kinds == expected_kinds


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layout_prints_every_unit(tmp_path, name):
    """The generator itself: every character of every unit (marker and text) is in the
    page's text layer, and all of it lies inside the page."""
    with pdfplumber.open(_set(tmp_path, name)) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        printed = Counter(c["text"] for c in chars if c["text"].strip())
        assert all(0 < c["x0"] and c["x1"] < page.width and 0 < c["top"] and c["bottom"] < page.height for c in chars)
    units = LAYOUTS[name].content.units
    wanted = Counter(ch for u in units for ch in (u.marker or "") + u.text if ch.strip())
    assert not wanted - printed, f"not printed: {wanted - printed}"


def test_coverage():
    assert len(LAYOUTS) >= 12
    assert len(CASES) >= 10
