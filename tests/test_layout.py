"""Page layout (extractors/page/layout.py): columns, regions and reading order.

Hand-made one-page PDFs written operator by operator (``helpers.one_page_pdf``; text
by ``table_habits.text_line``: Helvetica ``/F1``, a non-embedded Adobe-Japan1 CID font
``/F2`` read through pdfminer's bundled CMaps), read back through pdfplumber like any
page; then the real two-column white papers against their hand-made reading order, the
slide decks, and the densest statistics page for speed.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata

import pdfplumber
import pytest
import yaml
from helpers import CORPUS, SOURCE_REPORT, CidFont, one_page_pdf
from table_habits import PAGE_H, PAGE_W, text_line

from extractors.geometry import BBox
from extractors.page.furniture import body_size, find_furniture
from extractors.page.layout import PageLayout, continues_in_next_column, frames_of, page_layout
from extractors.page.lines import TextLine, anchor_char_boxes, group_lines
from extractors.page.tables import extract_tables
from extractors.text.normalize import normalize_chars

REAL = CORPUS / "real"
SIZE = 10.0  # body type
PITCH = 15.0  # baseline to baseline
FILL = "本文の行はこのように続いていきます。それから次の行に折り返して続きます。"
FONTS = {"F1": "Helvetica", "F2": CidFont("KozGoPr6N-Medium", "UniJIS-UCS2-H")}
DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def label(prefix: str, number: int) -> str:
    """A line's name at its start: a prefix and a full-width number ("左０３")."""
    return prefix + f"{number:02d}".translate(DIGITS)


def line_text(name: str, chars: int) -> str:
    """``chars`` full-width characters (one em each) starting with ``name``."""
    body = (FILL * (chars // len(FILL) + 1))[: chars - len(name)]
    return name + body


def column_ops(
    prefix: str, x: float, first_baseline: float, count: int, chars: int, size: float = SIZE
) -> list[list[str]]:
    """The operators of each line of a column of justified text (the last one shorter)."""
    return [
        text_line(
            line_text(label(prefix, k + 1), chars if k < count - 1 else chars // 2), x, first_baseline + k * PITCH, size
        )
        for k in range(count)
    ]


def frame(x0: float, top: float, x1: float, bottom: float) -> list[str]:
    return [f"0.5 w {x0} {PAGE_H - bottom} {x1 - x0} {bottom - top} re S"]


def flat(parts: list[list[str]]) -> list[str]:
    return [op for part in parts for op in part]


def laid_out(ops: list[str], with_frames: bool = False) -> tuple[list[TextLine], PageLayout]:
    """The visual lines of the A4 page drawn by ``ops``, and their layout."""
    pdf = one_page_pdf("\n".join(ops).encode("latin-1"), FONTS, PAGE_W, PAGE_H)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        anchor_char_boxes(page.chars)
        lines = group_lines(page.chars)
        box = BBox(x0=page.bbox[0], top=page.bbox[1], x1=page.bbox[2], bottom=page.bbox[3])
        frames = frames_of(page.rects, box, body_size(lines)) if with_frames else []
    return lines, page_layout(lines, box, frames=frames)


def names(lines: list[TextLine], ids) -> list[str]:
    return [lines[i].raw_text[:3] for i in ids]


def columns_per_region(layout: PageLayout) -> list[int]:
    return [len(region.columns) for region in layout.regions]


def labels(prefix: str, count: int) -> list[str]:
    return [label(prefix, k + 1) for k in range(count)]


# --- hand-made pages


def test_one_column_reads_top_to_bottom_whatever_the_stream_order():
    lines_ops = column_ops("行", 72, 100, 20, 40)
    lines, layout = laid_out(flat(lines_ops[::-1]))  # written bottom line first
    assert columns_per_region(layout) == [1]
    assert names(lines, layout.reading_order()) == labels("行", 20)


def test_two_columns_written_column_by_column():
    left, right = column_ops("左", 60, 100, 20, 22), column_ops("右", 310, 100, 20, 22)
    lines, layout = laid_out(flat(left + right))
    assert columns_per_region(layout) == [2]
    assert names(lines, layout.reading_order()) == labels("左", 20) + labels("右", 20)


def test_two_columns_written_interleaved_line_by_line_read_column_by_column():
    left, right = column_ops("左", 60, 100, 20, 22), column_ops("右", 310, 100, 20, 22)
    interleaved = [op for pair in zip(left, right, strict=True) for part in pair for op in part]
    lines, layout = laid_out(interleaved)
    assert columns_per_region(layout) == [2]
    assert names(lines, layout.reading_order()) == labels("左", 20) + labels("右", 20)


def test_paragraph_can_run_from_the_foot_of_one_column_to_the_top_of_the_next():
    left, right = column_ops("左", 60, 100, 20, 22), column_ops("右", 310, 100, 20, 22)
    lines, layout = laid_out(flat(left + right))
    order = layout.reading_order()
    left_last, right_first = order[19], order[20]
    assert continues_in_next_column(layout, left_last, right_first)
    assert not continues_in_next_column(layout, order[18], right_first)  # not the column's last line
    assert not continues_in_next_column(layout, right_first, order[21])  # same column
    assert layout.column_of(left_last) != layout.column_of(right_first)


def test_chapter_tab_in_the_margin_is_read_after_the_columns():
    # 第／１／章 set down the outer margin beside the right column's first lines, one glyph
    # a line: read among that column's lines by height, it would cut its first paragraph.
    left, right = column_ops("左", 60, 100, 20, 22), column_ops("右", 310, 100, 20, 22)
    tab = [text_line(glyph, 545, 96 + 12 * k, 11.0) for k, glyph in enumerate("第１章")]
    lines, layout = laid_out(flat(tab + left + right))  # the tab written first
    order = layout.reading_order()
    assert names(lines, order) == labels("左", 20) + labels("右", 20) + ["第", "１", "章"]
    assert continues_in_next_column(layout, order[19], order[20])


def test_full_width_heading_two_columns_then_full_width_footnotes():
    heading = [text_line("第１節　" + line_text("見出し", 29), 60, 80, 14.0)]  # 33 em of 14 pt: across the gutter
    left, right = column_ops("左", 60, 110, 16, 22), column_ops("右", 310, 110, 16, 22)
    notes = [
        text_line(line_text("注０１", 20), 60, 370, 8.0),  # short: stays left of the gutter
        text_line(line_text("注０２", 58), 60, 380, 8.0),  # long: crosses it
        text_line(line_text("注０３", 20), 60, 390, 8.0),
    ]
    lines, layout = laid_out(flat(notes + right + heading + left))  # footnotes written first
    assert columns_per_region(layout) == [1, 2, 1]
    assert names(lines, layout.reading_order()) == ["第１節"] + labels("左", 16) + labels("右", 16) + labels("注", 3)
    # the heading ends its region: the left column does not continue it
    order = layout.reading_order()
    assert not continues_in_next_column(layout, order[0], order[1])


def test_full_width_boxed_figure_between_two_column_bands_sits_where_it_is():
    top_left, top_right = column_ops("上", 60, 100, 8, 22), column_ops("右", 310, 100, 8, 22)
    figure = frame(60, 225, 530, 330) + flat(
        [
            text_line("図１　" + line_text("図題", 10), 80, 245, 10.0),
            text_line("ラベル甲", 90, 280, 8.0),
            text_line("ラベル乙", 200, 300, 8.0),
            text_line("ラベル丙", 400, 280, 8.0),
            text_line("ラベル丁", 420, 310, 8.0),
        ]
    )
    low_left, low_right = column_ops("下", 60, 360, 8, 22), column_ops("後", 310, 360, 8, 22)
    lines, layout = laid_out(flat(low_right + top_right + [figure] + top_left + low_left), with_frames=True)
    assert columns_per_region(layout) == [2, 1, 2]
    figure_names = names(lines, layout.regions[1].columns[0].line_ids)
    assert figure_names[0].startswith("図１") and len(figure_names) == 5
    assert names(lines, layout.regions[0].columns[0].line_ids) == labels("上", 8)
    assert names(lines, layout.regions[2].columns[1].line_ids) == labels("後", 8)


def test_drawn_shape_that_text_straddles_is_no_frame():
    # A decoration across the gutter under the columns' top lines (half in, half out of
    # it) is a background, not a box: the columns run on through it.
    left, right = column_ops("左", 60, 100, 20, 22), column_ops("右", 310, 100, 20, 22)
    decoration = frame(100, 40, 500, 150)
    lines, layout = laid_out(decoration + flat(left + right), with_frames=True)
    assert columns_per_region(layout) == [2]
    assert names(lines, layout.reading_order()) == labels("左", 20) + labels("右", 20)


def slide(prefix: str, x: float, top: float, bullets: list[int]) -> list[list[str]]:
    """A slide's text: a 14 pt title and short bullet lines under it."""
    title = text_line(f"{prefix}の題名", x + 15, top + 30, 14.0)
    items = [
        text_line("・" + line_text(label(prefix, k + 1), n), x + 20, top + 60 + k * 20, SIZE)
        for k, n in enumerate(bullets)
    ]
    return [title] + items


def test_two_up_handout_side_by_side_each_slide_its_own_column():
    one = frame(40, 120, 290, 420) + flat(slide("甲", 40, 120, [8, 14, 6, 18, 10]))
    two = frame(305, 120, 555, 420) + flat(slide("乙", 305, 120, [12, 6, 16, 9]))
    lines, layout = laid_out(two + one, with_frames=True)
    assert columns_per_region(layout) == [2]
    first, second = layout.regions[0].columns
    assert names(lines, first.line_ids) == ["甲の題"] + ["・" + name[:2] for name in labels("甲", 5)]
    assert names(lines, second.line_ids) == ["乙の題"] + ["・" + name[:2] for name in labels("乙", 4)]


def test_two_up_handout_stacked_each_slide_its_own_region():
    one = frame(60, 60, 535, 400) + flat(slide("甲", 60, 60, [20, 30, 12]))
    two = frame(60, 440, 535, 780) + flat(slide("乙", 60, 440, [25, 14, 30, 8]))
    lines, layout = laid_out(two + one, with_frames=True)
    assert columns_per_region(layout) == [1, 1]
    assert names(lines, layout.regions[0].columns[0].line_ids)[0] == "甲の題"
    assert names(lines, layout.regions[1].columns[0].line_ids)[0] == "乙の題"


def test_three_columns():
    a, b, c = (column_ops(prefix, x, 100, 15, 15) for prefix, x in (("甲", 50), ("乙", 220), ("丙", 390)))
    lines, layout = laid_out(flat(c + a + b))
    assert columns_per_region(layout) == [3]
    assert names(lines, layout.reading_order()) == labels("甲", 15) + labels("乙", 15) + labels("丙", 15)


def test_centred_title_and_right_aligned_date_make_no_column():
    date = text_line("令和６年４月１日", 440, 60, SIZE)
    title = text_line("調査結果の概要について", 297.5 - 11 * 8, 90, 16.0)
    body = column_ops("行", 72, 130, 15, 45)
    lines, layout = laid_out(flat(body + [title, date]))
    assert columns_per_region(layout) == [1]
    assert names(lines, layout.reading_order())[:2] == ["令和６", "調査結"]


def test_short_indented_list_in_one_column_does_not_split_it():
    before = column_ops("前", 72, 100, 6, 40)
    items = [text_line("・" + line_text(label("項", k + 1), 9), 92, 100 + (6 + k) * PITCH, SIZE) for k in range(4)]
    after = column_ops("後", 72, 100 + 10 * PITCH, 6, 40)
    lines, layout = laid_out(flat(after + items + before))
    assert columns_per_region(layout) == [1]
    assert names(lines, layout.reading_order()) == (
        labels("前", 6) + ["・" + name[:2] for name in labels("項", 4)] + labels("後", 6)
    )


def test_every_line_is_read_once_and_off_page_text_comes_last():
    left, right = column_ops("左", 60, 100, 5, 22), column_ops("右", 310, 100, 5, 22)
    parked = text_line("ページの外", -300, 100, SIZE)  # a copy parked left of the page
    lines, layout = laid_out(flat(left + right + [parked]))
    order = layout.reading_order()
    assert sorted(order) == list(range(len(lines)))
    assert names(lines, order[-1:]) == ["ページ"]


def test_no_lines_no_regions():
    assert page_layout([], BBox(x0=0, top=0, x1=595, bottom=842)).regions == ()


# --- real pages


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", normalize_chars(text)))


def _body_lines(page, page_number: int) -> list[TextLine]:
    """What ``extract_page`` hands on to the block builder: lines less tables and furniture."""
    anchor_char_boxes(page.chars)
    lines = group_lines(page.chars)
    found = extract_tables(page, lines, page_number)
    free = {i for i in range(len(lines)) if i not in found.consumed_lines}
    furniture = find_furniture(lines, page.bbox[1], page.height, free)
    return [lines[i] for i in sorted(free - furniture.line_ids)] + list(found.leftover)


def _first_line_positions(lines: list[TextLine], order: list[int], blocks: list[dict]) -> list[int]:
    """For each truth block (furniture aside), where its first line comes in ``order``:
    the one line whose text starts the block's (a marker or number may precede it), long
    enough to be unique; blocks without such a line are left out."""
    position = {i: k for k, i in enumerate(order)}
    texts = [_norm(line.raw_text) for line in lines]
    out = []
    for block in blocks:
        if block["type"] == "furniture":
            continue
        wanted = _norm((block.get("marker") or "") + block["text"])
        starts = [i for i, text in enumerate(texts) if len(text) >= 5 and 0 <= wanted.find(text) <= 3]
        if not starts:
            continue
        first = max(starts, key=lambda i: len(texts[i]))
        if texts.count(texts[first]) == 1:  # a heading repeated on the page names no line
            out.append(position[first])
    return out


# Regions' column counts; the last region of the mext pages holds the chapter tab (第／１／章
# set down the right margin), read after the body.
TWO_COLUMN_TRUTH = [
    ("mext_r6_st_whitepaper_ch1", 2, [2, 1, 1]),
    ("mext_r6_st_whitepaper_ch1", 4, [1, 2, 1, 1]),
    ("soumu-ict-whitepaper-r6-ch4s1", 2, None),
    ("soumu-ict-whitepaper-r6-ch4s1", 4, None),
]


@pytest.mark.parametrize("with_frames", [False, True], ids=["lines", "frames"])
@pytest.mark.parametrize(("stem", "page_number", "regions"), TWO_COLUMN_TRUTH)
def test_real_white_paper_pages_read_in_the_hand_made_order(stem, page_number, regions, with_frames):
    truth = yaml.safe_load((REAL / f"{stem}.blocks.yaml").read_text(encoding="utf-8"))
    (blocks,) = [p["blocks"] for p in truth["pages"] if p["page"] == page_number]
    with pdfplumber.open(REAL / f"{stem}.pdf") as pdf:
        page = pdf.pages[page_number - 1]
        lines = _body_lines(page, page_number)
        box = BBox(x0=page.bbox[0], top=page.bbox[1], x1=page.bbox[2], bottom=page.bbox[3])
        frames = frames_of(list(page.rects) + list(page.curves), box, body_size(lines)) if with_frames else []
    layout = page_layout(lines, box, frames=frames)
    order = layout.reading_order()
    assert sorted(order) == list(range(len(lines)))
    positions = _first_line_positions(lines, order, blocks)
    assert len(positions) >= 0.8 * sum(b["type"] != "furniture" for b in blocks)
    assert positions == sorted(positions)
    if regions is not None and not with_frames:
        assert columns_per_region(layout) == regions
    if regions is None:  # the soumu section is set in one column
        assert all(n == 1 for n in columns_per_region(layout))


def test_two_column_page_has_the_continued_paragraph_across_its_columns():
    # mext ch1 p2: the left column's last paragraph runs on at the top of the right column.
    with pdfplumber.open(REAL / "mext_r6_st_whitepaper_ch1.pdf") as pdf:
        page = pdf.pages[1]
        lines = _body_lines(page, 2)
        layout = page_layout(lines, BBox(x0=page.bbox[0], top=page.bbox[1], x1=page.bbox[2], bottom=page.bbox[3]))
    left, right = layout.regions[0].columns
    assert lines[left.line_ids[-1]].raw_text.startswith("になってようやく")
    assert lines[right.line_ids[0]].raw_text.startswith("能なデータ量の")
    assert continues_in_next_column(layout, left.line_ids[-1], right.line_ids[0])


def test_slide_deck_is_not_cut_into_columns():
    # LibreOffice slides (titles, bullets, tables, charts), what extract_page lays out:
    # a page's lines less its tables and furniture. One column a region on every third
    # page (every page is: the rest only costs test time).
    layouts = {}
    with pdfplumber.open(SOURCE_REPORT) as pdf:
        for number in range(1, len(pdf.pages) + 1, 3):
            page = pdf.pages[number - 1]
            lines = _body_lines(page, number)
            box = BBox(x0=page.bbox[0], top=page.bbox[1], x1=page.bbox[2], bottom=page.bbox[3])
            layouts[number] = columns_per_region(page_layout(lines, box))
    assert len(layouts) == 15
    assert all(n == 1 for regions in layouts.values() for n in regions), layouts


def test_densest_statistics_page_takes_milliseconds():
    # stat-labour 2022 p14: 636 lines, 3364 chars of tables, every line laid out.
    with pdfplumber.open(REAL / "stat-labour-force-survey-2022.pdf") as pdf:
        page = pdf.pages[13]
        anchor_char_boxes(page.chars)
        lines = group_lines(page.chars)
        box = BBox(x0=page.bbox[0], top=page.bbox[1], x1=page.bbox[2], bottom=page.bbox[3])
    assert len(lines) > 600
    times = []
    for _ in range(5):
        start = time.process_time()
        page_layout(lines, box)
        times.append(time.process_time() - start)
    # a few ms on a quiet machine; the bound leaves room for a loaded test runner
    assert min(times) < 0.1, times
