"""Cut one page of a corpus PDF into a regression page, without its embedded font programs.

    python tools/cut_regression_page.py SOURCE.pdf PAGE DEST.pdf     # PAGE 1-based

The page is cut as ``tests/helpers.py::cut_pdf`` cuts it (pdfium imports the page), then
every FontFile/FontFile2/FontFile3 stream is dropped from the font descriptors: the glyph
programs only draw the text, while pdfplumber reads each char's code, width, size and
position from the font dictionaries and the content stream, which stay as printed. A page
whose subset fonts are hundreds of KB shrinks to its drawing and text layer. The script
checks that pdfplumber reads the same chars (text, font, size, box) before and after.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

_OBJ = re.compile(rb"(\d+) 0 obj\b")
_FONT_FILE = re.compile(rb"/FontFile[23]?\s*(\d+)\s+0\s+R\s*")


def _cut(source: Path, index: int, dest: Path) -> None:
    src = pdfium.PdfDocument(str(source))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, [index])
    new.save(str(dest))
    new.close()
    src.close()


def _objects(data: bytes) -> tuple[dict[int, bytes], bytes]:
    """Each indirect object's bytes (``N 0 obj`` … ``endobj``) and the trailer dictionary."""
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    if not data[start:].startswith(b"xref"):
        raise SystemExit("the cut has a cross-reference stream; this script reads classic xref tables only")
    offsets = []
    lines = data[start:].split(b"trailer", 1)[0].split(b"\n")[1:]
    first = count = 0
    k = 0
    while k < len(lines):
        parts = lines[k].split()
        k += 1
        if len(parts) == 2:
            first, count = int(parts[0]), int(parts[1])
            for n in range(count):
                entry = lines[k + n].split()
                if entry[2] == b"n":
                    offsets.append((int(entry[0]), first + n))
            k += count
    offsets.sort()
    objects = {}
    for i, (offset, num) in enumerate(offsets):
        end = offsets[i + 1][0] if i + 1 < len(offsets) else start
        body = data[offset:end]
        body = body[: body.rindex(b"endobj") + len(b"endobj")]
        assert _OBJ.match(body) and int(_OBJ.match(body).group(1)) == num
        objects[num] = body
    trailer = data[data.index(b"trailer", start) : data.rindex(b"startxref")]
    return objects, trailer


def strip_fonts(data: bytes) -> bytes:
    objects, trailer = _objects(data)
    dropped: set[int] = set()
    for num, body in objects.items():
        head = body.split(b"stream", 1)[0]
        if b"/FontDescriptor" in head:
            dropped.update(int(m.group(1)) for m in _FONT_FILE.finditer(head))
            objects[num] = _FONT_FILE.sub(b"", head) + body[len(head) :]
    for num in dropped:
        objects[num] = b"%d 0 obj\nnull\nendobj" % num
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += objects[num] + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % size
    for num in range(1, size):
        out += b"%010d 00000 n\r\n" % offsets[num] if num in offsets else b"0000000000 65535 f\r\n"
    out += trailer + b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _chars(path: Path, index: int) -> list[tuple]:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[index]
        keys = ("text", "fontname", "size", "x0", "x1", "top", "bottom", "upright")
        return [tuple(round(c[k], 3) if isinstance(c[k], float) else c[k] for k in keys) for c in page.chars]


def main(source: str, page: str, dest: str) -> int:
    index = int(page) - 1
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "cut.pdf"
        _cut(Path(source), index, cut)
        Path(dest).write_bytes(strip_fonts(cut.read_bytes()))
    if _chars(Path(source), index) != _chars(Path(dest), 0):
        raise SystemExit(f"{dest}: pdfplumber reads other chars without the font programs")
    print(f"{dest}: {Path(dest).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
