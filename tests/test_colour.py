"""Every kind of colour pdfplumber reports, read by extractors/page/colour.py.

Real objects where the corpus has them (CMYK, Separation inks, pattern fills); the rest
from a one-page PDF that sets text in every colour space the PDF format has.
"""

from __future__ import annotations

import io

import pdfplumber
import pytest
from helpers import CORPUS, REGRESSIONS, no_nlp

from extractors.page.colour import char_rgb, is_coloured, is_white, to_rgb
from extractors.page.extract import extract_page
from extractors.pipeline import extract_report

# --- unit cases: one per kind of value -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "space", "rgb"),
    [
        ((0.5,), "DeviceGray", (0.5, 0.5, 0.5)),
        (0, None, (0.0, 0.0, 0.0)),  # rects and curves report a lone component unwrapped
        (1.0, None, (1.0, 1.0, 1.0)),
        ((0.1, 0.2, 0.3), "DeviceRGB", (0.1, 0.2, 0.3)),
        ((0.0, 0.0, 0.0, 1.0), "DeviceCMYK", (0.0, 0.0, 0.0)),
        ((0.0, 0.0, 0.0, 0.0), "DeviceCMYK", (1.0, 1.0, 1.0)),
        ((0.0, 1.0, 1.0, 0.0), "DeviceCMYK", (1.0, 0.0, 0.0)),
    ],
    ids=["gray", "gray-unwrapped", "white-unwrapped", "rgb", "cmyk-black", "cmyk-white", "cmyk-red"],
)
def test_device_colours_read_as_rgb(value, space, rgb):
    assert to_rgb(value, space) == pytest.approx(rgb)


@pytest.mark.parametrize(
    ("value", "space"),
    [
        ("P0", None),  # a coloured pattern (gradient, hatch): its look is in the pattern
        (("P0",), "Pattern"),
        ((0.7,), "Separation"),  # a tint of a named ink: 1 = full ink, not white
        ((0.3, 0.6), "DeviceN"),
        ((0.3, 0.6, 0.1, 0.2, 0.9), None),  # DeviceN with five inks
        ((1.0,), "Indexed"),  # a palette number, with no palette at hand
        ((7,), None),  # an Indexed palette number out of any component's range
        (None, None),  # nothing set
        ((), None),
    ],
    ids=[
        "pattern-name",
        "pattern-tuple",
        "separation",
        "devicen",
        "devicen-5",
        "indexed",
        "palette-number",
        "none",
        "empty",
    ],
)
def test_values_that_do_not_say_a_colour_read_as_none(value, space):
    assert to_rgb(value, space) is None
    assert not is_white(to_rgb(value, space)) and not is_coloured(to_rgb(value, space))


def test_uncoloured_pattern_reads_as_its_base_components():
    # PaintType 2: the pattern draws a shape, the base colour space paints it.
    assert to_rgb((0.2, 0.4, 0.6, "P3")) == pytest.approx((0.2, 0.4, 0.6))
    assert to_rgb((0.5, "P1")) == pytest.approx((0.5, 0.5, 0.5))


def test_white_and_coloured():
    assert is_white(to_rgb((0.0, 0.0, 0.0, 0.0))) and is_white(to_rgb(0.99))
    assert not is_white(to_rgb(0.9))
    assert is_coloured(to_rgb((0.2, 0.4, 0.8))) and not is_coloured(to_rgb((0.5, 0.5, 0.5)))


def test_same_colour_written_twice_compares_equal():
    assert to_rgb((0.30980392, 0.50588235, 0.74117647)) == to_rgb((0.3098, 0.5059, 0.7412))


# --- real objects: a one-page PDF with text in every colour space --------------------

# Two patterns (coloured PaintType 1, uncoloured PaintType 2) and Separation, DeviceN
# and Indexed colour spaces; the tint transform is a plain CMYK ramp.
_OBJECTS = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    6: b"<< /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >> "
    b"/Length 20 >>\nstream\n0 0 1 rg 0 0 5 5 re f\nendstream",
    7: b"<< /PatternType 1 /PaintType 2 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >> "
    b"/Length 10 >>\nstream\n0 0 5 5 re f\nendstream",
    8: b"<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 1 0] /N 1 >>",
}
_RESOURCES = (
    b"<< /Font << /F1 5 0 R >> /Pattern << /P0 6 0 R /P1 7 0 R >> /ColorSpace << "
    b"/Sep [/Separation /Red /DeviceCMYK 8 0 R] /DN [/DeviceN [/Cyan /Magenta] /DeviceCMYK 8 0 R] "
    b"/Idx [/Indexed /DeviceRGB 1 <FF0000 00FF00>] /PCS [/Pattern /DeviceRGB] >> >>"
)
# (word, operators that set its colour): each word's colour is set just before it.
_WORDS = [
    ("Gray", b"0.5 g"),
    ("Rgb", b"0.1 0.2 0.3 rg"),
    ("Cmyk", b"0.1 0.2 0.3 0.4 k"),
    ("Pattern", b"/Pattern cs /P0 scn"),
    ("Uncoloured", b"/PCS cs 0.2 0.4 0.6 /P1 scn"),
    ("Separation", b"/Sep cs 0.7 scn"),
    ("DeviceN", b"/DN cs 0.3 0.6 scn"),
    ("Indexed", b"/Idx cs 1 sc"),
]


def every_colour_space_pdf() -> bytes:
    content = b"\n".join(
        setter + b" BT /F1 12 Tf 72 %d Td (%s) Tj ET" % (700 - 20 * i, word.encode())
        for i, (word, setter) in enumerate(_WORDS)
    )
    objects = dict(_OBJECTS)
    objects[3] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + _RESOURCES + b" >>"
    )
    objects[4] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def colour_page():
    with pdfplumber.open(io.BytesIO(every_colour_space_pdf())) as pdf:
        yield pdf.pages[0]


def _first_char_of(page, word: str) -> dict:
    lines = {}
    for char in page.chars:
        lines.setdefault(round(char["top"]), []).append(char)
    return next(chars[0] for chars in lines.values() if "".join(c["text"] for c in chars) == word)


@pytest.mark.parametrize(
    ("word", "rgb"),
    [
        ("Gray", (0.5, 0.5, 0.5)),
        ("Rgb", (0.1, 0.2, 0.3)),
        ("Cmyk", (0.54, 0.48, 0.42)),
        ("Pattern", None),
        ("Uncoloured", None),  # pdfminer keeps only the pattern name: ('P1',)
        ("Separation", None),
        ("DeviceN", None),  # pdfminer refuses two components and keeps the previous tint
        ("Indexed", None),
    ],
)
def test_chars_in_every_colour_space(colour_page, word, rgb):
    char = _first_char_of(colour_page, word)
    assert char_rgb(char) == (pytest.approx(rgb) if rgb else None)


def test_a_page_in_every_colour_space_extracts_without_error(colour_page):
    extraction = extract_page(colour_page, 1)
    assert extraction.page.error is None
    text = " ".join(b.text for b in extraction.blocks)
    assert all(word in text for word, _ in _WORDS)


# --- real pages from government PDFs --------------------------------------------------


def test_pattern_fill_table_ingests_without_page_errors():
    """Distiller fills shaded table cells with a pattern ('P1'): read as no colour, not a crash."""
    path = REGRESSIONS / "pattern-fill-table.pdf"
    with pdfplumber.open(path) as pdf:
        fills = [r["non_stroking_color"] for r in pdf.pages[0].rects if r.get("fill")]
    assert any(isinstance(f, str) or (isinstance(f, tuple) and any(isinstance(v, str) for v in f)) for f in fills)
    report = extract_report(path, no_nlp())
    assert report.failed_pages == 0 and report.pages[0].error is None
    assert report.tables and report.blocks


def test_cmyk_and_separation_inks_of_a_dtp_workflow():
    """A DTP-typeset white paper sets body text in CMYK black and headings in a spot ink."""
    with pdfplumber.open(CORPUS / "real" / "soumu-ict-whitepaper-r6-ch4s1.pdf", pages=[1]) as pdf:
        page = pdf.pages[0]
        spaces = {c.get("ncs") for c in page.chars}
        assert {"DeviceCMYK", "Separation"} <= spaces
        cmyk_black = [
            c for c in page.chars if c.get("ncs") == "DeviceCMYK" and c["non_stroking_color"] == (0.0, 0.0, 0.0, 1.0)
        ]
        separation = [c for c in page.chars if c.get("ncs") == "Separation"]
        assert cmyk_black and all(char_rgb(c) == (0.0, 0.0, 0.0) for c in cmyk_black)
        assert separation and all(char_rgb(c) is None for c in separation)
        assert extract_page(page, 1).page.error is None
