"""Scanned and unreadable pages go through OCR into the same stages; vector pages do not.

The scans are made here: corpus pages rendered grey, turned ±0.5°, blurred, speckled,
JPEG-compressed and wrapped as image-only PDFs (``evaluation.scans``), scored against
the page's own vector text. The unreadable text layer is a hand-built page whose
ToUnicode map reads every char a code point off (``helpers.japanese_page_pdf``).
Floors are what was measured (README, "OCR"), a little under.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from helpers import CORPUS, SOURCE_REPORT, japanese_page_pdf, no_nlp
from PIL import Image

import extractors.page.ocr as ocr
from evaluation.scans import ScanSettings, char_recall, scan_pdf
from extractors.errors import IngestFailure
from extractors.page.ocr import OcrUnavailable, OcrWord, skew_angle, words_to_chars
from extractors.page.text_layer import TextLayer, implausible_share, text_layer_of
from extractors.pipeline import extract_report
from extractors.settings import PipelineSettings

LINES = [
    "国際共同研究の推進のための研究機関等の組織的対応に関する調査",
    "調査の目的は、我が国の大学や研究機関における国際共同研究の",
    "実態を把握し、今後の政策立案に資する基礎資料を得ることである。",
]
NO_OCR = PipelineSettings(nlp=False, ocr={"enabled": False})
REAL_SCANS = sorted((CORPUS / "real").glob("scan-*.pdf"))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _blank_image_pdf(path: Path, size: tuple[int, int] = (1240, 1754)) -> Path:
    """An image-only page with nothing printed on it."""
    Image.new("L", size, 255).save(path, format="PDF", resolution=150)
    return path


def _joined_pdf(path: Path, parts: list[tuple[Path, list[int]]]) -> Path:
    """A PDF of the given 0-based pages of several PDFs, in order."""
    import pypdfium2 as pdfium

    new = pdfium.PdfDocument.new()
    for source, pages in parts:
        src = pdfium.PdfDocument(str(source))
        new.import_pages(src, pages)
        src.close()
    new.save(str(path))
    new.close()
    return path


def _report_text(report, page: int) -> str:
    parts = [b.text for b in report.blocks if b.page == page]
    parts += [c.text for t in report.tables if t.page == page for row in t.rows for c in row]
    p = report.pages[page - 1]
    parts += [p.heading or "", p.section or ""]
    return "".join(parts)


# --- Which pages: the text-layer check


@pytest.mark.parametrize("shift", [1, 2, -1])
def test_a_text_layer_reading_wrong_letters_is_unreadable(tmp_path, shift):
    pdf = _write(tmp_path / "garbled.pdf", japanese_page_pdf(LINES, shift=shift))
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        text = "".join(c["text"] for c in page.chars)
        assert text != "".join(LINES)  # the map really is wrong: the letters are other letters
        assert implausible_share(page.chars) > 0.3
        assert text_layer_of(page) is TextLayer.UNREADABLE


def test_the_same_page_with_a_right_map_is_readable(tmp_path):
    pdf = _write(tmp_path / "right.pdf", japanese_page_pdf(LINES))
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        assert "".join(c["text"] for c in page.chars) == "".join(LINES)
        assert implausible_share(page.chars) == 0
        assert text_layer_of(page) is TextLayer.READABLE


def test_a_scanned_page_has_no_text_layer_and_a_vector_page_a_readable_one(tmp_path):
    scan = scan_pdf(SOURCE_REPORT, tmp_path / "scan.pdf", [2], ScanSettings(dpi=100))
    with pdfplumber.open(scan) as document:
        assert text_layer_of(document.pages[0]) is TextLayer.MISSING
    with pdfplumber.open(SOURCE_REPORT) as document:
        for number in (1, 2, 9, 37):  # title, text, table, Q&A grid slides
            page = document.pages[number - 1]
            assert implausible_share(page.chars) < 0.02
            assert text_layer_of(page) is TextLayer.READABLE


def test_a_vector_page_without_text_or_image_stays_a_vector_page():
    # The bad-input fixture's shape-only page: nothing for OCR to read.
    from helpers import build_pdf

    with pdfplumber.open(io.BytesIO(build_pdf(content=b"0 0 1 rg 72 72 200 200 re f"))) as document:
        assert text_layer_of(document.pages[0]) is TextLayer.READABLE


# --- Words into chars, deskew


def _word(text, left, top, width, height, line=(1, 1, 1), confidence=0.9):
    return OcrWord(text, left, top, width, height, confidence, line)


def test_words_become_chars_on_one_baseline_in_reading_order():
    # Tesseract's boxes overreach (事 boxed across the next two words) and one row comes
    # as two of its lines; kana are shorter than kanji.
    words = [
        _word("必須", 100, 10, 80, 40, line=(1, 1, 1)),
        _word("事", 180, 8, 160, 44, line=(1, 1, 1)),
        _word("項か", 220, 12, 80, 38, line=(1, 1, 1)),
        _word("。", 300, 30, 20, 20, line=(1, 1, 1)),
        _word("また", 330, 10, 80, 40, line=(1, 2, 1)),
        _word("次の行", 100, 80, 120, 40, line=(1, 3, 1)),
    ]
    chars = words_to_chars(words, scale=4.0, origin=(0.0, 0.0), page_height=842.0, page_number=1)
    assert "".join(c["text"] for c in chars) == "必須事項か。また次の行"
    first_row = chars[:8]
    assert len({(c["top"], c["bottom"]) for c in first_row}) == 1
    assert all(a["x1"] <= b["x0"] + 1e-9 for a, b in zip(first_row, first_row[1:], strict=False))
    assert all(abs(a["x1"] - b["x0"]) < 1e-9 for a, b in zip(first_row, first_row[1:], strict=False))  # no gaps
    assert chars[8]["top"] > first_row[0]["bottom"]

    from extractors.page.lines import group_lines

    lines = group_lines(chars)
    assert [line.text for line in lines] == ["必須事項か。また", "次の行"]


def test_skew_is_measured_and_undone():
    page = np.full((800, 1200), 255, dtype=np.uint8)
    for y in range(100, 700, 40):  # lines of "text"
        page[y : y + 12, 100:1100] = 0
    turned = np.asarray(Image.fromarray(page).rotate(0.5, fillcolor=255, resample=Image.Resampling.BILINEAR))
    angle = skew_angle(turned, 2.0, 0.05)
    assert abs(abs(angle) - 0.5) <= 0.1
    straight = ocr.deskewed(turned, ocr.OcrSettings())
    assert abs(skew_angle(straight, 2.0, 0.05)) <= 0.1


# --- Without OCR, or without Tesseract


def test_no_ocr_keeps_todays_error_for_an_image_only_file(tmp_path):
    scan = scan_pdf(SOURCE_REPORT, tmp_path / "scan.pdf", [2], ScanSettings(dpi=100))
    with pytest.raises(IngestFailure, match="no text layer"):
        extract_report(scan, NO_OCR)


def test_no_ocr_fails_a_scanned_page_only(tmp_path):
    scan = scan_pdf(SOURCE_REPORT, tmp_path / "scan.pdf", [2], ScanSettings(dpi=100))
    mixed = _joined_pdf(tmp_path / "mixed.pdf", [(SOURCE_REPORT, [0]), (scan, [0])])
    report = extract_report(mixed, NO_OCR)
    assert report.pages[0].error is None and report.pages[0].text_source == "pdf"
    assert report.pages[1].error is not None
    assert report.pages[1].error.reason == "no text layer (needs OCR)"


def test_without_tesseract_a_scanned_page_fails_in_one_line_naming_the_packages(tmp_path, monkeypatch):
    def missing():
        raise OcrUnavailable(f"OCR needs Tesseract: install the Debian packages {ocr.TESSERACT_PACKAGES}")

    monkeypatch.setattr(ocr, "installed_languages", missing)
    blank = _blank_image_pdf(tmp_path / "blank.pdf")
    mixed = _joined_pdf(tmp_path / "mixed.pdf", [(SOURCE_REPORT, [1]), (blank, [0])])
    report = extract_report(mixed, no_nlp())
    assert report.pages[0].error is None and any(b.page == 1 for b in report.blocks)
    error = report.pages[1].error
    assert error is not None and error.stage == "ocr"
    assert "tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert" in error.reason and "\n" not in error.reason


def test_a_missing_language_model_names_the_packages(monkeypatch):
    monkeypatch.setattr(ocr, "installed_languages", lambda: frozenset({"eng", "osd"}))
    with pytest.raises(OcrUnavailable, match="jpn model: install the Debian packages tesseract-ocr "):
        ocr.check_languages("jpn")


def test_the_page_time_limit_applies_to_an_ocr_page(tmp_path):
    scan = scan_pdf(SOURCE_REPORT, tmp_path / "scan.pdf", [2, 3], ScanSettings(dpi=100))
    report = extract_report(scan, no_nlp().with_overrides(["limits.page_seconds=0.001"]))
    assert [p.error.stage if p.error else None for p in report.pages] == ["time-limit", "time-limit"]


def test_installed_tesseract_has_the_japanese_models():
    # The Makefile's test-deps installs them; the OCR tests below need them.
    assert {"jpn", "jpn_vert"} <= ocr.installed_languages()


def test_ocr_settings_from_a_file_and_the_command_line(tmp_path):
    from extractors.settings import resolve_settings

    file = tmp_path / "ingest.toml"
    file.write_text("[ocr]\ndpi = 200\nlanguages = 'jpn+jpn_vert'\n")
    settings = resolve_settings(file, ["ocr.min_confidence=0.5"], ocr={"enabled": False})
    assert (settings.ocr.dpi, settings.ocr.languages, settings.ocr.min_confidence) == (200, "jpn+jpn_vert", 0.5)
    assert settings.ocr.enabled is False
    assert PipelineSettings().ocr.enabled is True


# --- OCR itself (Tesseract runs: slow)


@pytest.mark.slow
def test_an_unreadable_text_layer_is_read_by_ocr(tmp_path):
    pdf = _write(tmp_path / "garbled.pdf", japanese_page_pdf(LINES, shift=1))
    report = extract_report(pdf, no_nlp())
    page = report.pages[0]
    assert page.error is None and page.text_source == "ocr"
    assert page.ocr_confidence is not None and page.ocr_confidence > 0.8
    # Measured 1.00 (the page is clean, 16 pt); the garbled layer itself scores ~0.
    assert char_recall(_report_text(report, 1), "".join(LINES)) >= 0.97
    garbled = extract_report(pdf, NO_OCR)
    assert garbled.pages[0].text_source == "pdf"
    assert char_recall(_report_text(garbled, 1), "".join(LINES)) < 0.2


@pytest.mark.slow
def test_vector_pages_are_unchanged_with_ocr_on(tmp_path):
    # Every page of these files has a readable text layer: OCR on or off, the same report.
    for pdf in (CORPUS / "real" / "mhlw-ec-clinics-aichi.pdf", CORPUS / "variant-2.pdf"):
        on = extract_report(pdf, no_nlp()).model_dump_json()
        off = extract_report(pdf, NO_OCR).model_dump_json()
        assert on == off
        assert '"text_source":"ocr"' not in on


@pytest.fixture(scope="module")
def scanned_survey(tmp_path_factory):
    """A text slide and a Q&A grid slide of the source report, scanned at 200 dpi."""
    pages = [2, 40]
    scan = scan_pdf(SOURCE_REPORT, tmp_path_factory.mktemp("scan") / "scan.pdf", pages)
    return pages, scan, extract_report(scan, no_nlp())


@pytest.mark.slow
def test_a_scanned_survey_is_read_by_ocr_into_blocks_and_tables(scanned_survey):
    pages, _, report = scanned_survey
    assert [p.text_source for p in report.pages] == ["ocr", "ocr"]
    assert all(p.error is None and p.ocr_confidence and p.ocr_confidence > 0.7 for p in report.pages)
    with pdfplumber.open(SOURCE_REPORT) as document:
        truths = ["".join(c["text"] for c in document.pages[n - 1].chars) for n in pages]
    # Character recall of the report's text against the page's own text layer (bag of
    # chars, NFKC); measured 0.991 on the text slide, 0.963 on the Q&A grid (6.5 pt type).
    assert char_recall(_report_text(report, 1), truths[0]) >= 0.97
    assert char_recall(_report_text(report, 2), truths[1]) >= 0.94
    assert any(b.page == 1 for b in report.blocks)
    # The Q&A grid slide's grid is found from the ink rules: 5 respondents' columns.
    grids = [t for t in report.tables if t.page == 2]
    assert len(grids) == 1 and grids[0].n_cols == 5


@pytest.mark.slow
@pytest.mark.parametrize("pdf", REAL_SCANS, ids=[p.stem for p in REAL_SCANS])
def test_real_scans_ingest_with_their_questions_and_answers_as_blocks(pdf):
    assert len(REAL_SCANS) == 2
    report = extract_report(pdf, no_nlp())
    assert report.failed_pages == 0
    assert all(p.text_source == "ocr" and p.ocr_confidence and p.ocr_confidence > 0.85 for p in report.pages)
    # Measured (07 / 12): blocks with 問 19 / 19, with (答) 20 / 14, 716 / 696 chars a page.
    texts = [b.text for b in report.blocks]
    assert sum("問" in t for t in texts) >= 15
    assert sum("(答)" in t or "（答）" in t for t in texts) >= 10
    assert sum(len(t) for t in texts) >= 600 * len(report.pages)
