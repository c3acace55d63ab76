"""One page cut from a real government PDF per text-structure failure, named after the
problem, with the blocks it must give (held-out producers set text the same ways)."""

from __future__ import annotations

import pdfplumber
from helpers import REGRESSIONS

from extractors.page.extract import extract_page


def _blocks(name: str):
    with pdfplumber.open(REGRESSIONS / name) as pdf:
        return extract_page(pdf.pages[0], 1).blocks


def test_shape_glyph_bullets():
    # A Word report marks items with ⚫ (U+26AB) and ◼ (U+25FC): shapes no bullet list
    # names. Each item is a bullet with its marker cut off, not a paragraph opening with it.
    blocks = _blocks("shape-glyph-bullets.pdf")
    items = [b for b in blocks if b.marker in ("⚫", "◼")]
    assert len(items) >= 4
    assert all(b.type == "bullet" and not b.text.startswith(b.marker) for b in items)
    assert any(b.text.startswith("過去3") for b in items)


def test_chapter_tab_beside_two_columns():
    # A white paper sets 第／１／章 down the outer margin beside the right column's first
    # lines; the paragraph running from the foot of the left column into the right one
    # stays one block, and the tab is read after the body.
    blocks = _blocks("chapter-tab-beside-two-columns.pdf")
    (running,) = [b for b in blocks if b.text.startswith("機械学習技術には")]
    assert running.text.endswith("世界トップクラスの囲碁棋士に勝利したことも発表されました。")
    assert "\n" not in running.text
    texts = [b.text for b in blocks]
    assert texts[-1] == "第１章"


def test_footnote_line_past_its_panel_edge():
    # A white paper's text panel is drawn tight around the text: the footnote's last
    # wrapped line pokes 1.5pt past the panel's foot. It is still in the panel, so the
    # footnote is one note, its wrapped lines hanging under its text.
    blocks = _blocks("rules-broken-at-gutters.pdf")  # the same page, soumu p2
    (note,) = [b for b in blocks if b.text.startswith("＊3")]
    assert note.type == "note" and note.text.endswith("参照）")
    assert not any(b.text == "参照）" for b in blocks)
