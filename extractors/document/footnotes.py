"""Footnote references: each block linked to the notes its printed marks cite.

A footnote is a note block that opens with a label, a mark and a number (＊3, ※1, *2,
注4), set apart from its text. A reference is the same label printed in the text of
another block (「…必要となる＊3。」). The two are the same string once width is folded
(NFKC: ＊３ and *3 alike), so the link needs no position: a block cites the note with
its label on the same page, else the next such note in reading order (notes gathered
at a section's end). Labels that are a bare number (a raised ¹ in the text) are not
linked: the block text no longer says which digits were raised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from docmodel.document import Block

# A mark and a number, as the label opening a note and as a reference in the text.
_LABEL = r"(?:[※＊*]|注)\s?[0-9０-９]+"
_NOTE_LABEL = re.compile(rf"^({_LABEL})(?![0-9０-９])")
_REFERENCE = re.compile(rf"({_LABEL})(?![0-9０-９])")


def _key(label: str) -> str:
    return unicodedata.normalize("NFKC", label).replace(" ", "")


def note_label(block: Block) -> str | None:
    """The label a footnote opens with (NFKC, no space), or None."""
    if block.type != "note":
        return None
    found = _NOTE_LABEL.match(block.text)
    return _key(found.group(1)) if found else None


def link_footnotes(blocks: Sequence[Block]) -> None:
    """Set ``note_ids`` on every block that cites a footnote (in place); blocks must
    have their ids and be in reading order."""
    notes = [(k, block, label) for k, block in enumerate(blocks) if (label := note_label(block))]
    for k, block in enumerate(blocks):
        if block.type == "note" or block.figure_id is not None:
            continue
        cited: list[str] = []
        for found in _REFERENCE.finditer(block.text):
            label = _key(found.group(1))
            same_page = [n for _, n, lab in notes if lab == label and n.page == block.page]
            later = [n for j, n, lab in notes if lab == label and j > k]
            for note in (same_page or later)[:1]:
                if note.id not in cited:
                    cited.append(note.id)
        block.note_ids = cited
