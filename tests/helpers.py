"""Helpers shared by the tests: corpus paths, PDFs built byte by byte, CLI runs.

Test files import this module, never each other (nor ``conftest``, which holds fixtures).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pdfminer.fontmetrics import FONT_METRICS

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "corpus"
REGRESSIONS = Path(__file__).parent / "regressions"
SOURCE_REPORT = CORPUS / "source-report.pdf"
REAL_PDFS = sorted((CORPUS / "real").glob("*.pdf"))
CORPUS_STEMS = sorted(p.stem for p in CORPUS.glob("*.yaml"))


def no_nlp():
    """Pipeline settings without the GiNZA stage: what extraction tests run."""
    from extractors.settings import PipelineSettings

    return PipelineSettings(nlp=False)


BLACK = (0.0, 0.0, 0.0)


def chars_of(
    text: str,
    x0: float,
    top: float,
    size: float = 14.0,
    font: str = "Sans-Regular",
    color: tuple = BLACK,
    gap_after_first: float = 0.0,
) -> list[dict]:
    """Chars as pdfplumber reports them: CJK full width, ASCII half width."""
    out, x = [], x0
    for k, ch in enumerate(text):
        width = size * (0.5 if ch.isascii() else 1.0)
        out.append(
            {
                "text": ch,
                "x0": x,
                "x1": x + width,
                "top": top,
                "bottom": top + size,
                "size": size,
                "fontname": font,
                "upright": True,
                "non_stroking_color": color,
            }
        )
        x += width + (gap_after_first if k == 0 else 0.0)
    return out


# --- Tiny PDFs written byte by byte, so tests need no PDF library beyond the project's.

# PDF 1.7 §7.6.3.3 (Algorithm 2): the password padding string.
_PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def build_pdf(
    content: bytes | None = b"BT /F1 24 Tf 72 700 Td (Hello world) Tj ET",
    pages: int = 1,
    user_password: str | None = None,
    font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
) -> bytes:
    """A minimal PDF: ``pages`` pages sharing one content stream and one font ``/F1``
    (Helvetica unless ``font`` gives another font dictionary).

    ``user_password`` encrypts it with the standard security handler, RC4 40-bit
    (revision 2): a reader needs the password to open it.
    """
    doc_id = hashlib.md5(b"survey-ingest test").digest()
    content_num, font_num = 3 + pages, 4 + pages
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: (f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>").encode(),
        font_num: font,
    }
    for i in range(pages):
        objs[3 + i] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_num} 0 R "
            f"/Resources << /Font << /F1 {font_num} 0 R >> >> >>"
        ).encode()
    data, encrypt_ref = content or b"", ""
    if user_password is not None:
        permissions = -44
        padded = (user_password.encode("latin-1") + _PASSWORD_PAD)[:32]
        owner = _rc4(hashlib.md5(padded).digest()[:5], padded)  # owner password = user password
        key = hashlib.md5(padded + owner + permissions.to_bytes(4, "little", signed=True) + doc_id).digest()[:5]
        objs[font_num + 1] = (
            f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> "
            f"/U <{_rc4(key, _PASSWORD_PAD).hex()}> /P {permissions} >>"
        ).encode()
        encrypt_ref = f" /Encrypt {font_num + 1} 0 R"
        object_key = hashlib.md5(key + content_num.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
        data = _rc4(object_key, data)
    objs[content_num] = f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objs[num] + b"\nendobj\n"
    xref, size = len(out), max(objs) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in range(1, size))
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R /ID [<{doc_id.hex()}> <{doc_id.hex()}>]{encrypt_ref} >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def pdf_of_objects(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` numbered from 1 (the first the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- Text in hand-written PDFs: Latin in a standard Type1 font (no font file needed), Japanese
# in a non-embedded Adobe-Japan1 CID font that pdfminer reads through its bundled CMaps.


@dataclass(frozen=True)
class CidFont:
    """A non-embedded Japanese CID font: every glyph 1 em wide (``/DW 1000``); ``cmap``
    UniJIS-UCS2-H writes across the page, UniJIS-UCS2-V down it."""

    base_font: str
    cmap: str = "UniJIS-UCS2-H"


def in_latin_font(ch: str) -> bool:
    """Whether a character is set in the Latin (Type1) font rather than the CID font."""
    return ord(ch) < 128


def text_width(text: str, size: float, latin_font: str = "Helvetica") -> float:
    """Advance width of ``text``: Latin glyphs by the standard font's metrics, the rest 1 em."""
    widths = FONT_METRICS[latin_font][1]
    return sum((widths.get(ch, 556) / 1000 if in_latin_font(ch) else 1.0) * size for ch in text)


def script_runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs of one font: (set in the Latin font, run)."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        if out and out[-1][0] == in_latin_font(ch):
            out[-1] = (out[-1][0], out[-1][1] + ch)
        else:
            out.append((in_latin_font(ch), ch))
    return out


def latin_string(text: str) -> str:
    """A PDF literal string for a Type1 font."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def cid_string(text: str) -> str:
    """A PDF hex string for a UCS2 CID font: the UTF-16BE code units."""
    return "<" + text.encode("utf-16-be").hex() + ">"


def _cid_font_objects(font: CidFont, first: int) -> list[bytes]:
    """The Type0 font, its CIDFont and its descriptor, to be numbered ``first`` onwards."""
    name = font.base_font.encode()
    return [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /%s /DescendantFonts [%d 0 R] >>"
        % (name, font.cmap.encode(), first + 1),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /DW 1000 /DW2 [880 -1000] "
        b"/FontDescriptor %d 0 R >>" % (name, first + 2),
        b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [-538 -374 1254 1418] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 763 /StemV 116 >>" % name,
    ]


def one_page_pdf(stream: bytes, fonts: dict[str, str | CidFont], width: float = 595.0, height: float = 842.0) -> bytes:
    """A one-page PDF of a content stream; ``fonts`` maps resource names (``/F1`` is
    ``"F1"``) to a standard Type1 font's name or a ``CidFont``."""
    font_objects: list[bytes] = []
    refs = []
    for resource, font in fonts.items():
        number = 5 + len(font_objects)  # after the catalog, pages, page and content
        refs.append(b"/%s %d 0 R" % (resource.encode(), number))
        if isinstance(font, CidFont):
            font_objects += _cid_font_objects(font, number)
        else:
            type1 = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
            font_objects.append(type1 % font.encode())
    media_box = b"[0 0 %d %d]" % (width, height)
    return pdf_of_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources << /Font << %s >> >> /Contents 4 0 R >>"
            % (media_box, b" ".join(refs)),
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            *font_objects,
        ]
    )


# Why each bad input must fail: a word the one-line reason has to contain.
BAD_INPUTS = {
    "not-a-pdf.pdf": "not a PDF",
    "empty.pdf": "empty",
    "truncated.pdf": "truncated",
    "corrupt-tail.pdf": "corrupt",
    "encrypted.pdf": "password",
    "zero-pages.pdf": "no pages",
    "image-only.pdf": "no text layer",
}


def write_bad_inputs(folder: Path) -> dict[str, Path]:
    """One file per way a PDF can be unusable, named as in ``BAD_INPUTS``."""
    real = SOURCE_REPORT.read_bytes()
    contents = {
        "not-a-pdf.pdf": "これはPDFではありません\n".encode(),
        "empty.pdf": b"",
        "truncated.pdf": real[: len(real) // 2],
        # Cut in the middle, then an %%EOF appended: passes the quick check, fails to parse.
        "corrupt-tail.pdf": real[: len(real) // 2] + b"\n%%EOF\n",
        "encrypted.pdf": build_pdf(user_password="secret"),
        "zero-pages.pdf": build_pdf(content=None, pages=0),
        "image-only.pdf": build_pdf(content=b"0 0 1 rg 72 72 200 200 re f"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


# --- CLI runs and outputs


# flows.manifest.MANIFEST_NAME, flows.locking.LOCK_NAME: not outputs.
HOUSEKEEPING = {".ingest-manifest.sqlite3", ".ingest.lock"}


def cut_pdf(path: Path, pages: list[int], source: Path = SOURCE_REPORT) -> Path:
    """A small real PDF: the given 0-based pages of a corpus PDF."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(source))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, pages)
    new.save(str(path))
    new.close()
    src.close()
    return path


def outputs_in(out: Path) -> dict[str, Path]:
    """The JSON outputs (reports and error records); each report has its flat Q&A tables beside it."""
    return {p.name: p for p in out.iterdir() if p.name not in HOUSEKEEPING and p.suffix == ".json"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def api_env() -> dict[str, str]:
    """The environment for a CLI subprocess: the test session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(REPO)}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "inbox", *args]


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=REPO, env=api_env(), capture_output=True, text=True, timeout=timeout)


# A file name whose bytes are not UTF-8 (Latin-1 ÿþ), as Python reads it from a folder.
NON_UTF8_NAME = os.fsdecode(b"bad\xff\xfename.pdf")
NON_UTF8_SHOWN = "bad\\xff\\xfename.pdf"  # as every output, log and Prefect name shows it


def write_hostile_folder(folder: Path) -> dict[str, str]:
    """A folder as a careless or hostile uploader leaves it: two PDFs to ingest (one of
    them named in bytes that are not UTF-8), a symlink loop, a link to nothing, a FIFO.
    Returns the skipped entries' names and the reason each must be given."""
    from flows import folder as folder_module

    folder.mkdir(parents=True)
    (folder / "good.pdf").write_bytes(build_pdf())
    (folder / NON_UTF8_NAME).write_bytes(build_pdf() + b"%other content\n")
    (folder / "loop-a.pdf").symlink_to("loop-b.pdf")
    (folder / "loop-b.pdf").symlink_to("loop-a.pdf")
    (folder / "dangling.pdf").symlink_to("nowhere.pdf")
    os.mkfifo(folder / "fifo.pdf")
    return {
        "loop-a.pdf": folder_module.LINK_LOOP,
        "loop-b.pdf": folder_module.LINK_LOOP,
        "dangling.pdf": folder_module.DANGLING_LINK,
        "fifo.pdf": folder_module.NOT_A_FILE,
    }


def slow_second_page(path: Path, text_ops: int = 12000) -> Path:
    """Page 1 an ordinary slide, page 2 tens of thousands of tiny glyphs: pdfminer takes
    many seconds over it. (Page 1 is what the text-layer check parses at open.)"""
    import pypdfium2 as pdfium

    ops = (
        b"BT /F1 3 Tf "
        + b"".join(
            b"1 0 0 1 %d %d Tm (xxxxxxxxxxxxxxxxxxxx) Tj " % (10 + (i % 20) * 30, 10 + (i // 20) % 260 * 3)
            for i in range(text_ops)
        )
        + b" ET"
    )
    heavy = pdfium.PdfDocument(build_pdf(content=ops))
    doc = pdfium.PdfDocument.new()
    doc.import_pages(pdfium.PdfDocument(str(SOURCE_REPORT)), [1])
    doc.import_pages(heavy, [0])
    doc.save(str(path))
    return path


# --- Small survey reports for the catalog: one survey's report of one year, as the model holds it.

_BOX = {"x0": 10.0, "top": 10.0, "x1": 100.0, "bottom": 40.0}


def survey_report(year: int, file: str | None = None, budget: int | None = None):
    """A three-page report of the 研究体制 survey of fiscal ``year``: a heading and a
    paragraph with a phrase only this year prints (「令和{year}年度に固有の記述」), a table
    captioned 「＜図表3：研究費の推移＞」 whose value changes by year (``budget``), a note
    and a call-out, a Q&A grid (質問1 answered by two institutions) and a bar chart."""
    from docmodel.document import (
        Block,
        Cell,
        ChartSeries,
        ChartValue,
        DocumentInfo,
        Figure,
        Note,
        Page,
        PipelineInfo,
        Source,
        SurveyReport,
        Table,
    )
    from docmodel.qa import Answer, AnswerItem, QAGrid, Question, SourceSpan
    from extractors.document.table_join import join_logical_tables
    from extractors.document.unit_ids import number_report_units, number_table_units

    file = file or f"survey-r{year}.pdf"
    budget = 100 + year if budget is None else budget

    def cell(row: int, col: int, text: str) -> Cell:
        return Cell(row=row, col=col, text=text, bbox=_BOX)

    def block(page: int, kind, text: str) -> Block:
        return Block(page=page, type=kind, text=text, bbox=_BOX)

    caption = "＜図表3：研究費の推移＞"
    tables = [
        Table(
            id="p2-t0",
            page=2,
            bbox=_BOX,
            caption=caption,
            caption_id="図表3",
            n_rows=2,
            n_cols=2,
            header_rows=1,
            notes=["※ 単位は百万円"],
            callouts=[block(2, "callout", "前年度より増加")],
            rows=[[cell(0, 0, "項目"), cell(0, 1, "金額")], [cell(1, 0, "研究費"), cell(1, 1, str(budget))]],
        ),
        Table(
            id="p3-t0",
            page=3,
            bbox=_BOX,
            caption="付表1 ヒアリング結果一覧表",
            caption_id="付表1",
            n_rows=2,
            n_cols=3,
            header_rows=1,
            rows=[
                [cell(0, 0, "質問内容"), cell(0, 1, "甲大学"), cell(0, 2, "乙研究所")],
                [cell(1, 0, "質問1 研究体制について"), cell(1, 1, "・支援者を増やした"), cell(1, 2, "回答なし")],
            ],
        ),
    ]
    number_table_units(tables)
    span = SourceSpan(page=3, bbox=_BOX, table_id="p3-t0")
    grid = QAGrid(
        caption_id="付表1",
        caption="付表1 ヒアリング結果一覧表",
        title="ヒアリング結果一覧表",
        pages=[3],
        table_ids=["p3-t0"],
        respondents=["甲大学", "乙研究所"],
        question_header="質問内容",
        questions=[
            Question(
                number=1,
                label="質問1",
                text="研究体制について",
                sources=[span],
                answers=[
                    Answer(
                        respondent="甲大学",
                        items=[AnswerItem(text=f"令和{year}年度は研究支援者を増やした", page=3)],
                        sources=[span],
                    ),
                    Answer(respondent="乙研究所", items=None, no_answer_text="回答なし", sources=[span]),
                ],
            )
        ],
    )
    figure = Figure(
        id="p3-f0",
        page=3,
        bbox=_BOX,
        kind="bar",
        caption="図1 分野別の件数",
        caption_id="図1",
        unit="件",
        categories=["医療", "情報"],
        series=[ChartSeries(name=None, values=[ChartValue(value=12, unit_id="p3-f0.x1"), ChartValue(value=7.5)])],
        notes=[Note(id="p3-f0.n1", text="出典：研究体制調査")],
    )
    report = SurveyReport(
        source=Source(
            file=file, sha256=hashlib.sha256(f"{file}:{year}:{budget}".encode()).hexdigest(), size_bytes=1, page_count=3
        ),
        document=DocumentInfo(title=f"令和{year}年度 研究体制調査 報告書"),
        pipeline=PipelineInfo(version="test", nlp=False),
        pages=[Page(number=n, width=100, height=100, heading="調査結果") for n in (1, 2, 3)],
        blocks=[
            block(1, "heading", "調査結果の概要"),
            block(1, "paragraph", f"令和{year}年度に固有の記述として、研究成果を評価する仕組みを整えた。"),
            Block(id="p3-f0.x1", page=3, type="label", text="12", bbox=_BOX, figure_id="p3-f0"),
        ],
        tables=tables,
        logical_tables=join_logical_tables([tables[0]]),
        qa_grids=[grid],
        figures=[figure],
    )
    return number_report_units(report)


# --- A text layer that prints right and reads wrong: glyphs chosen by Adobe-Japan1 CID
# (Identity-H), Unicode from a ToUnicode map that sends each CID's char ``shift`` code
# points off: plausible-looking wrong letters, the kind of map Ghostscript's pdfwrite
# writes for some subset fonts.


def adobe_japan1_cids(text: str) -> list[int]:
    """The Adobe-Japan1 CID of each char (through the UniJIS-UCS2-H CMap pdfminer bundles)."""
    from pdfminer.cmapdb import CMapDB

    cmap = CMapDB.get_cmap("UniJIS-UCS2-H")
    return [next(iter(cmap.decode(ch.encode("utf-16-be")))) for ch in text]


def to_unicode_cmap(pairs: dict[int, str]) -> bytes:
    """A ToUnicode CMap of 2-byte codes to chars."""
    entries = [
        b"<%04X> <%s>" % (code, ch.encode("utf-16-be").hex().upper().encode()) for code, ch in sorted(pairs.items())
    ]
    body = b""
    for start in range(0, len(entries), 100):  # at most 100 entries per block (PDF 1.7 §9.10.3)
        chunk = entries[start : start + 100]
        body += b"%d beginbfchar\n" % len(chunk) + b"\n".join(chunk) + b"\nendbfchar\n"
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Shifted-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body + b"endcmap\n"
        b"CMapName currentdict /CMap defineresource pop\nend\nend"
    )


def japanese_page_pdf(lines: list[str], size: float = 16.0, shift: int = 0) -> bytes:
    """One A4 page of Japanese ``lines`` (no Latin) in a non-embedded Adobe-Japan1 font,
    every char 1 em wide; its ToUnicode map reads each char ``shift`` code points off
    (0: right)."""
    ops = [b"BT /F1 %g Tf" % size]
    pairs: dict[int, str] = {}
    for k, line in enumerate(lines):
        cids = adobe_japan1_cids(line)
        pairs.update({cid: chr(ord(ch) + shift) for cid, ch in zip(cids, line, strict=True)})
        hex_string = b"".join(b"%04X" % cid for cid in cids)
        ops.append(b"1 0 0 1 56 %g Tm <%s> Tj" % (780 - k * size * 1.8, hex_string))
    ops.append(b"ET")
    stream = b"\n".join(ops)
    cmap = to_unicode_cmap(pairs)
    name = b"KozMinPr6N-Regular"
    return pdf_of_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [6 0 R] "
            b"/ToUnicode 8 0 R >>" % name,
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /DW 1000 "
            b"/FontDescriptor 7 0 R >>" % name,
            b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [-538 -374 1254 1418] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 763 /StemV 116 >>" % name,
            b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        ]
    )
