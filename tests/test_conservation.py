"""Text conservation: every printed character reaches the report once.

The scorer itself on small cases, the regressions found on real government PDFs (each
named after the problem), and the standing check on every corpus PDF.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from helpers import no_nlp

from docmodel.base import BBox
from docmodel.document import Block
from evaluation.conservation import conservation, conserved_chars
from extractors.page.extract import extract_page
from extractors.page.lines import group_lines
from extractors.page.orientation import is_horizontal
from extractors.pipeline import extract_report

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
REGRESSIONS = HERE / "regressions"
CORPUS_PDFS = sorted((HERE / "corpus").glob("*.pdf")) + sorted((HERE / "corpus" / "real").glob("*.pdf"))
# The longest PDF is checked in its own process, where its peak memory can be measured.
LONG_REPORT = max(CORPUS_PDFS, key=lambda p: p.stat().st_size)
# The targets: every PDF, recall and precision each; a long report's peak memory.
TARGET = 0.995
MAX_RSS_MB = 1024


# --- the scorer ----------------------------------------------------------------------


def test_both_sides_are_normalised_the_same_way():
    assert conserved_chars("⼤学") == conserved_chars("大学")  # Kangxi radical, unified
    assert conserved_chars("ＡＢ１") == conserved_chars("AB1")  # full-width forms
    assert conserved_chars("\uf0d8 項目・一覧") == Counter("項目一覧")  # bullets, private use
    assert conserved_chars(" a\u3000b\n") == Counter("ab")


def test_loss_and_duplication_show_as_recall_and_precision(tiny_pdf):
    report = extract_report(tiny_pdf, no_nlp())
    assert conservation(tiny_pdf, report).recall == 1.0 == conservation(tiny_pdf, report).precision

    report.blocks = [
        Block(page=1, type="paragraph", text="Hello", raw_text="Hello", bbox=BBox(x0=0, top=0, x1=1, bottom=1))
    ]
    assert conservation(tiny_pdf, report).recall == pytest.approx(5 / 10)
    report.blocks[0].text = "Hello world world"
    lost_none = conservation(tiny_pdf, report)
    assert lost_none.recall == 1.0 and lost_none.precision == pytest.approx(10 / 15)
    assert [p.page for p in lost_none.worst()] == [1]


# --- regressions from real government PDFs -------------------------------------------


def _page_conservation(path: Path):
    report = extract_report(path, no_nlp())
    assert report.failed_pages == 0
    return conservation(path, report)


def test_matrix_float_noise_not_upright():
    """Horizontal text whose matrix carries float noise (``b·c > 0`` at 1e-8 scale) is still text.

    pdfminer flags those chars not upright; the report lost 77% of its characters.
    """
    path = REGRESSIONS / "matrix-float-noise-not-upright.pdf"
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
        noisy = [c for c in chars if not c["upright"]]
        assert len(noisy) > 800 and all(is_horizontal(c) for c in noisy)
        lines = group_lines(chars)
    assert not any(line.rotated for line in lines)
    assert any(line.raw_text.startswith("Q1 貴社の主たる業種をお教えください。") for line in lines)
    result = _page_conservation(path)
    assert result.recall >= TARGET and result.precision >= TARGET


def test_orientation_from_the_baseline_not_pdfminers_flag():
    """Noise makes pdfminer call a horizontal char not upright, and a turned one upright."""
    noisy = {"upright": False, "matrix": (0.61, -3.4e-08, -9.4e-09, 0.61, 80.6, 759.8)}
    turned_called_upright = {"upright": True, "matrix": (-1e-08, -0.604, 0.606, -1e-08, 156.2, 655.5)}
    turned = {"upright": False, "matrix": (0.0, 6.85, -6.89, 0.0, 86.0, 490.0)}
    italic = {"upright": True, "matrix": (10.0, 0.0, 2.1, 10.0, 0.0, 0.0)}
    assert is_horizontal(noisy) and is_horizontal(italic)
    assert not is_horizontal(turned_called_upright) and not is_horizontal(turned)


def test_rotated_axis_labels():
    """Year labels turned 90° (read bottom to top) under a chart are lines, not dropped."""
    path = REGRESSIONS / "rotated-axis-labels.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        rotated = [c for c in page.chars if not is_horizontal(c)]
        lines = group_lines(page.chars)
        extraction = extract_page(page, 1)
    assert len(rotated) > 200
    labels = [line for line in lines if line.rotated]
    assert [line.raw_text for line in labels[:11]] == [str(year) for year in range(2012, 2023)]
    assert all(line.bottom - line.top > line.x1 - line.x0 for line in labels)  # they stand upright
    assert sum(c["text"] != " " for line in lines for c in line.chars) == sum(c["text"] != " " for c in page.chars)
    assert "2012" in {b.text for b in extraction.blocks}
    result = _page_conservation(path)
    assert result.recall >= TARGET and result.precision >= TARGET


def test_rotated_text_reads_along_its_baseline():
    """Turned left it reads bottom to top, turned right top to bottom; stream order aside."""

    def char(text, top, b):
        # A 10 pt char turned 90°: its box is 10 wide, advances 10 down (b < 0) or up (b > 0).
        return {
            "text": text,
            "x0": 100.0,
            "x1": 110.0,
            "top": top,
            "bottom": top + 10,
            "size": 10.0,
            "fontname": "F",
            "matrix": (0.0, b, -b, 0.0, 0.0, 0.0),
            "upright": False,
            "non_stroking_color": (0,),
            "ncs": "DeviceGray",
        }

    up = [char("C", 100, 10.0), char("B", 110, 10.0), char("A", 120, 10.0)]
    down = [char("A", 300, -10.0), char("B", 310, -10.0), char("C", 320, -10.0)]
    assert [line.raw_text for line in group_lines(up[::-1] + down[::-1])] == ["ABC", "ABC"]


# --- the standing check: every corpus PDF ---------------------------------------------


@pytest.mark.parametrize("path", [p for p in CORPUS_PDFS if p != LONG_REPORT], ids=lambda p: p.name)
def test_every_printed_character_is_reported_once(path):
    result = conservation(path, extract_report(path, no_nlp()))
    assert result.recall >= TARGET and result.precision >= TARGET, result.summary()
    # Only pages with no text layer of their own are read by OCR (a scan's).
    assert not result.ocr_pages or path.name.startswith("scan-"), result.ocr_pages


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_every_char_becomes_part_of_a_line(path):
    """The line stage loses nothing: rotated, skewed or stray, every char is in a line."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            lines = group_lines(page.chars)
            printed = conserved_chars("".join(c["text"] for c in page.chars))
            assert conserved_chars("".join(line.raw_text for line in lines)) == printed, page.page_number
            page.close()


def test_long_report_ingests_whole_within_a_gib():
    """The 385-page survey report: every page, no failures, conserved, peak RSS ≤ 1 GiB."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run_bench", "--worker", "whole-file", str(LONG_REPORT)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=True,
    )
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    assert measured["pages"] >= 300 and measured["failed_pages"] == 0
    assert measured["max_rss_mb"] <= MAX_RSS_MB
    conserved = measured["conservation"]
    assert conserved["recall"] >= TARGET and conserved["precision"] >= TARGET, conserved["summary"]
