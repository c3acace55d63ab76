"""The review page of the source report, loaded in headless Chromium.

Chromium parses the page (``--dump-dom``) and we count what it holds against the
report: one decodable image per PDF page, one HTML table per printed table with the
same spans, one card per question, 回答なし shown as such. A screenshot must show
more than a blank page. Needs Debian's ``chromium`` and ``fonts-noto-cjk``
(``make test-deps`` installs both).
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from helpers import CORPUS
from PIL import Image

from docmodel.document import SurveyReport
from exporters.review import REVIEW_SUFFIX, ReviewError, review_command, write_review

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

PDF = CORPUS / "source-report.pdf"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "headless Chromium is needed: `make test-deps` (Debian package chromium)"
    return path


def run_chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'chromium-profile'}", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture(scope="module")
def report(corpus_reports) -> SurveyReport:
    return corpus_reports[PDF.stem]


@pytest.fixture(scope="module")
def review(report, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review")
    return write_review(report, PDF, out)


class Elements(HTMLParser):
    """Every element as (tag, attributes, text inside it up to the next tag)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_data(self, data):
        if self.elements:
            self.elements[-1][2].append(data)

    def having(self, tag: str, css_class: str) -> list[tuple[dict, str]]:
        return [
            (a, "".join(t)) for g, a, t in self.elements if g == tag and css_class in (a.get("class") or "").split()
        ]


@pytest.fixture(scope="module")
def dom(review, tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("chromium")
    return run_chromium(tmp, "--dump-dom", review.as_uri()).stdout


def _parse(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    return parser


def test_every_page_is_an_image_chromium_loads(report, review, dom):
    assert review.name == "source-report" + REVIEW_SUFFIX
    images = _parse(dom).having("img", "page-image")
    assert [int(a["data-page"]) for a, _ in images] == list(range(1, report.source.page_count + 1))
    with pdfplumber.open(PDF) as pdf:
        sizes = [(float(p.width), float(p.height)) for p in pdf.pages]
    for (attrs, _), (width, height) in zip(images, sizes, strict=False):
        header, data = attrs["src"].split(",", 1)
        assert header.startswith("data:image/")
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        assert abs(image.width / image.height - width / height) < 0.01  # the whole page, undistorted
    # A page image is sane in size: the whole 44-page review stays under 8 MB.
    assert review.stat().st_size < 8 * 2**20


def test_every_table_is_an_html_table_with_its_spans(report, dom):
    parsed = _parse(dom)
    found = parsed.having("table", "extracted-table")
    assert sorted(a["data-table-id"] for a, _ in found) == sorted(t.id for t in report.tables)
    assert len(report.tables) >= 11
    # Cells in document order, table by table: each table's cells follow its <table>.
    cells_by_table: dict[str, list[dict]] = {}
    current = None
    for tag, attrs, _ in parsed.elements:
        if tag == "table" and "extracted-table" in (attrs.get("class") or ""):
            current = cells_by_table.setdefault(attrs["data-table-id"], [])
        elif tag in ("td", "th") and current is not None:
            current.append(attrs)
    for table in report.tables:
        want = [(c.rowspan, c.colspan) for row in table.rows for c in row]
        got = [(int(a.get("rowspan", 1)), int(a.get("colspan", 1))) for a in cells_by_table[table.id]]
        assert got == want, table.id
    assert any(c.rowspan > 1 or c.colspan > 1 for t in report.tables for row in t.rows for c in row)


def test_question_cards_show_each_answer_and_no_answer(report, dom):
    parsed = _parse(dom)
    cards = parsed.having("article", "qa-question")
    assert len(report.qa_grids) == 3
    assert len(cards) == sum(len(g.questions) for g in report.qa_grids)
    answers = parsed.having("div", "qa-answer")
    assert len(answers) == sum(len(q.answers) for g in report.qa_grids for q in g.questions)
    no_answers = [text for _, text in parsed.having("p", "no-answer")]
    expected = [
        a.no_answer_text or "回答なし"
        for g in report.qa_grids
        for q in g.questions
        for a in q.answers
        if a.items is None
    ]
    assert no_answers == expected
    assert "回答なし" in no_answers


def test_blocks_are_listed_and_drawn(report, dom):
    parsed = _parse(dom)
    assert len(parsed.having("li", "block")) == len(report.blocks)
    assert len(parsed.having("rect", "ov-block")) == len(report.blocks)
    assert len(parsed.having("rect", "ov-table")) == len(report.tables)


def test_japanese_text_reaches_the_page_and_a_cjk_font_exists(report, dom):
    assert '<meta charset="utf-8">' in dom
    assert report.pages[0].heading and report.pages[0].heading in dom
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=True).stdout
    assert fonts.strip(), "no Japanese font: `make test-deps` (Debian package fonts-noto-cjk)"


def test_screenshot_is_not_blank(review, tmp_path):
    shot = tmp_path / "review.png"
    run_chromium(tmp_path, "--window-size=1600,1000", f"--screenshot={shot}", review.as_uri())
    image = Image.open(shot).convert("RGB")
    assert image.size == (1600, 1000)
    colors = {color: count for count, color in image.getcolors(1600 * 1000)}
    background = colors.get((243, 243, 243), 0)  # the page's grey between panels
    assert 1 - background / (1600 * 1000) > 0.3  # header, the first page image and its extracted text
    assert len(colors) > 50


def test_review_command_finds_the_pdf_beside_the_json_or_says_so(report, tmp_path):
    data = report.model_dump_json()
    (tmp_path / "source-report.json").write_text(data, encoding="utf-8")
    with pytest.raises(ReviewError, match="--pdf"):
        review_command(tmp_path / "source-report.json", None, tmp_path / "out")
    other = CORPUS / "variant-1.pdf"
    with pytest.raises(ReviewError, match="sha256"):
        review_command(tmp_path / "source-report.json", other, tmp_path / "out")
    shutil.copy(PDF, tmp_path / "source-report.pdf")
    path = review_command(tmp_path / "source-report.json", None, tmp_path / "out", pages=[1, 9])
    parsed = _parse(path.read_text(encoding="utf-8"))
    assert [a["data-page"] for a, _ in parsed.having("img", "page-image")] == ["1", "9"]


def test_a_huge_page_renders_within_the_image_bound(tmp_path):
    from conftest import build_pdf

    from exporters.review import ReviewSettings, page_image_uri

    huge = build_pdf().replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 200000 200000]")
    path = tmp_path / "huge.pdf"
    path.write_bytes(huge)
    settings = ReviewSettings()
    with pdfplumber.open(path) as pdf:
        uri = page_image_uri(pdf.pages[0], settings)  # at 144 dpi: 400,000 px a side
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert max(image.size) <= settings.max_image_side and min(image.size) > 0
