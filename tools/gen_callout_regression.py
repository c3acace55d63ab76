"""Writes tests/regressions/callout-box-drawn-first.pdf: a ruled 5×4 table with a filled
text box drawn across its rules BEFORE the table, its text in the table's own colour
(so neither drawing order nor colour tells it apart, only the geometry).

    python tools/gen_callout_regression.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "regressions" / "callout-box-drawn-first.pdf"

XS = [50, 130, 200, 270, 350]
YS = [250, 220, 190, 160, 130, 100]  # PDF space, top rule first
CELLS = [
    ["Item", "2022", "2023", "2024"],
    ["A", "1.0", "2.0", "3.0"],
    ["B", "", "", ""],
    ["C", "4.0", "5.0", "6.0"],
    ["D", "7.0", "8.0", "9.0"],
]


def content() -> str:
    ops = [
        "0.98 0.92 0.6 rg 120 150 160 35 re f",  # the call-out box, drawn first
        "BT /F1 9 Tf 0 0 0 rg 125 170 Td (Most firms say this) Tj ET",
        "0 0 0 RG 0.75 w",
    ]
    ops += [f"{XS[0]} {y} m {XS[-1]} {y} l S" for y in YS]
    ops += [f"{x} {YS[0]} m {x} {YS[-1]} l S" for x in XS]
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            if text:
                ops.append(f"BT /F1 9 Tf 0 0 0 rg {XS[c] + 4} {YS[r + 1] + 9} Td ({text}) Tj ET")
    return "\n".join(ops)


def pdf_bytes() -> bytes:
    stream = content().encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
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


if __name__ == "__main__":
    OUT.write_bytes(pdf_bytes())
    print(OUT)
