"""Footnote references (extractors/document/footnotes.py): a block's printed marks link
to the notes that open with the same label."""

from __future__ import annotations

from helpers import REGRESSIONS, no_nlp

from docmodel.document import Block
from extractors.document.footnotes import link_footnotes, note_label
from extractors.pipeline import extract_report

BOX = {"x0": 0, "top": 0, "x1": 10, "bottom": 10}


def _blocks(*units: tuple[int, str, str]) -> list[Block]:
    blocks = [Block(page=page, type=kind, text=text, bbox=BOX) for page, kind, text in units]
    for n, block in enumerate(blocks, start=1):
        block.id = f"b{n}"
    return blocks


def test_a_mark_in_the_text_cites_the_note_with_its_label_on_the_page():
    blocks = _blocks(
        (1, "paragraph", "独自のLLM構築が必要となる＊3。また※１のとおり、注2も参照。"),
        (1, "note", "＊3 産業技術総合研究所プレスリリース"),
        (1, "note", "※1 確定患者との接触者"),
        (1, "note", "注２ 出典は同じ"),
        (2, "paragraph", "次の頁でも＊3と書く。"),
        (2, "note", "＊3 別の頁の注"),
    )
    link_footnotes(blocks)
    assert blocks[0].note_ids == ["b2", "b3", "b4"]
    assert blocks[4].note_ids == ["b6"]  # its own page's ＊3, not page 1's
    assert all(b.note_ids == [] for b in blocks if b.type == "note")


def test_notes_gathered_later_are_cited_and_bare_numbers_are_not_labels():
    blocks = _blocks(
        (1, "paragraph", "本文＊12と＊1（＊12は二度目）。"),
        (1, "paragraph", "人工知能1の定義"),
        (3, "note", "＊1 一つ目"),
        (3, "note", "＊12 十二番目"),
        (3, "note", "1 McCarthy, J."),
    )
    link_footnotes(blocks)
    assert blocks[0].note_ids == ["b4", "b3"]  # ＊12 is not ＊1 followed by 2
    assert blocks[1].note_ids == []
    assert [note_label(b) for b in blocks[2:]] == ["*1", "*12", None]


def test_white_paper_footnote_marks_link_to_their_notes(tmp_path):
    # soumu p2: 「…LLM構築が必要となる＊3。」 above, 「＊3 産業技術総合研究所…」 at the foot.
    report = extract_report(REGRESSIONS / "rules-broken-at-gutters.pdf", no_nlp())
    (citing,) = [b for b in report.blocks if "＊3。" in b.text]
    (note,) = [b for b in report.blocks if b.id in citing.note_ids]
    assert note.type == "note" and note.text.startswith("＊3 産業技術総合研究所")
