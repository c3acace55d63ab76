"""Shared fixtures: the corpus paths, bad-input PDFs built on the fly, the Prefect harness.

Prefect reads its settings at import: telemetry is switched off before anything imports it.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

CORPUS = Path(__file__).parent / "corpus"
SOURCE_REPORT = CORPUS / "source-report.pdf"
REAL_PDFS = sorted((CORPUS / "real").glob("*.pdf"))
CORPUS_STEMS = sorted(p.stem for p in CORPUS.glob("*.yaml"))
# The temporary API server starts in a subprocess; on a busy machine that is slow.
HARNESS_STARTUP_SECONDS = 300


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend (SQLite in a temp dir) for every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP_SECONDS):
        yield


@pytest.fixture(scope="session")
def corpus_reports():
    """Every corpus PDF extracted once per session (no NLP), by stem."""
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    settings = PipelineSettings(nlp=False)
    return {stem: extract_report(CORPUS / f"{stem}.pdf", settings) for stem in CORPUS_STEMS}


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


def build_pdf(content: bytes | None = b"BT /F1 24 Tf 72 700 Td (Hello world) Tj ET",
              pages: int = 1, user_password: str | None = None) -> bytes:
    """A minimal PDF: ``pages`` pages sharing one content stream (Helvetica).

    ``user_password`` encrypts it with the standard security handler, RC4 40-bit
    (revision 2): a reader needs the password to open it.
    """
    doc_id = hashlib.md5(b"survey-ingest test").digest()
    content_num, font_num = 3 + pages, 4 + pages
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{3 + i} 0 R" for i in range(pages)), pages)).encode(),
        font_num: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i in range(pages):
        objs[3 + i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_num} 0 R "
                       f"/Resources << /Font << /F1 {font_num} 0 R >> >> >>").encode()
    data, encrypt_ref = content or b"", ""
    if user_password is not None:
        permissions = -44
        padded = (user_password.encode("latin-1") + _PASSWORD_PAD)[:32]
        owner = _rc4(hashlib.md5(padded).digest()[:5], padded)  # owner password = user password
        key = hashlib.md5(padded + owner + permissions.to_bytes(4, "little", signed=True) + doc_id).digest()[:5]
        objs[font_num + 1] = (f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> "
                              f"/U <{_rc4(key, _PASSWORD_PAD).hex()}> /P {permissions} >>").encode()
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
    out += (f"trailer\n<< /Size {size} /Root 1 0 R /ID [<{doc_id.hex()}> <{doc_id.hex()}>]{encrypt_ref} >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


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


@pytest.fixture
def bad_inputs(tmp_path) -> dict[str, Path]:
    return write_bad_inputs(tmp_path / "bad")


@pytest.fixture
def tiny_pdf(tmp_path) -> Path:
    path = tmp_path / "tiny.pdf"
    path.write_bytes(build_pdf())
    return path
