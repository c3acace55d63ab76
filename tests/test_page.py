import pdfplumber
import pytest
from helpers import CORPUS

from evaluation.blocks import find_leaks
from extractors.page.extract import PageExtraction, extract_page

# The A4 two-column white-paper chapters; the other real PDFs are slides, lists and tables.
REAL_PDFS = sorted((CORPUS / "real").glob("mext_*.pdf"))


@pytest.fixture(scope="module")
def source():
    with pdfplumber.open(CORPUS / "source-report.pdf") as pdf:
        yield pdf


def test_text_slide_furniture_is_kept_apart_from_the_body(source):
    extraction = extract_page(source.pages[2], 3)
    assert isinstance(extraction, PageExtraction)
    page = extraction.page
    assert (page.number, page.section, page.heading, page.printed_page_number) == (3, "1. 調査概要", "調査方法", 3)
    assert page.width == pytest.approx(780.0, abs=0.1) and page.height == pytest.approx(540.0)
    texts = [b.text for b in extraction.blocks]
    assert texts[0] == "（１）文献調査" and extraction.blocks[0].type == "heading"
    assert not {"1. 調査概要", "調査方法", "3"} & set(texts)
    bullets = [b for b in extraction.blocks if b.type == "bullet"]
    assert len(bullets) == 7 and {b.marker for b in bullets} == {"・"}
    assert (
        bullets[0].text == "平成31年度 国の研究開発プロジェクトにおける"
        "グローバルオープンイノベーションに向けた国際共同研究の在り方に関する調査"
    )


def test_slide_without_title_has_no_heading_and_keeps_its_subheading_in_the_body(source):
    extraction = extract_page(source.pages[28], 29)
    assert extraction.page.heading is None
    assert extraction.page.printed_page_number == 28
    assert extraction.blocks[0].type == "heading" and extraction.blocks[0].text == "第1回有識者研究会"
    assert [b.type for b in extraction.blocks].count("note") == 1


def test_table_slide_body_holds_no_cell_text(source):
    extraction = extract_page(source.pages[10], 11)
    assert extraction.page.section == "2. 文献調査"
    assert extraction.page.printed_page_number == 10
    assert extraction.page.heading is None
    assert extraction.tables
    assert extraction.blocks == []


def test_section_label_on_a_coloured_bar():
    with pdfplumber.open(CORPUS / "variant-1.pdf") as pdf:
        extraction = extract_page(pdf.pages[0], 1)
    assert extraction.page.section == "1. 調査概要"
    assert extraction.page.heading == "調査目的"
    assert [b.marker for b in extraction.blocks] == ["・", "・", "・"]


@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name)
def test_real_two_column_reports_extract(path):
    with pdfplumber.open(path) as pdf:
        pages = [extract_page(page, i + 1) for i, page in enumerate(pdf.pages)]
    blocks = [b for p in pages for b in p.blocks]
    assert len(pages) >= 5
    assert len(blocks) >= 3 * len(pages)
    assert all(b.text.strip() for b in blocks)
    assert find_leaks(pages) == []
    # Wrapped lines are joined: a body paragraph is more than one visual line.
    assert sum(b.raw_text.count("\n") >= 2 for b in blocks if b.type == "paragraph") >= len(pages)
