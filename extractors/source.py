"""Open a PDF for ingestion, or say in one line why it cannot be ingested.

Every check here is about the file, not its layout: is it a PDF at all, complete,
readable without a password, within the size we agreed to process, and does it carry
a text layer (an image-only scan would come out as an empty document, which is worse
than an error).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSEOF
from pdfplumber.utils.exceptions import PdfminerException

from docmodel.document import DocumentInfo, Source
from extractors.errors import IngestFailure
from extractors.limits import memory_error_of
from extractors.stages import Stage

STAGE = Stage.OPEN

PDF_MAGIC = b"%PDF-"
EOF_MARKER = b"%%EOF"


@dataclass(frozen=True)
class SourceLimits:
    # Readers accept the header anywhere in the first 1024 bytes (PDF 1.7, Annex H).
    header_window: int = 1024
    # Incremental-update writers may add junk after the last %%EOF; look this far back.
    eof_window: int = 1024
    # Refuse files above these sizes. Pages are parsed and dropped one at a time, so memory
    # does not grow with the page count (a 385-page report peaks near 140 MB); the limits
    # bound the time one file may take, and stay configurable.
    max_pages: int = 2000
    max_bytes: int = 200 * 1024 * 1024
    # Whether a file with no text on any page is refused (OCR off). With OCR on, a scan
    # is read page by page; only a file with neither text nor images is refused.
    require_text_layer: bool = True


def display_name(file_name: str) -> str:
    """``file_name`` as text that can be written anywhere (JSON, SQLite, Parquet).

    A name read from a Linux folder is bytes; Python decodes the bytes that are not UTF-8
    (Shift_JIS, Latin-1) to lone surrogates, which no UTF-8 writer accepts. Each such byte
    is shown as ``\\xNN``, so the name stays recognisable and distinct."""
    return file_name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _check_bytes(path: Path, size: int, limits: SourceLimits) -> None:
    if size == 0:
        raise IngestFailure(STAGE, "empty file (0 bytes)")
    if size > limits.max_bytes:
        raise IngestFailure(STAGE, f"file too large: {size} bytes, limit is {limits.max_bytes}")
    with open(path, "rb") as f:
        head = f.read(limits.header_window)
        f.seek(max(0, size - limits.eof_window))
        tail = f.read()
    if PDF_MAGIC not in head:
        raise IngestFailure(STAGE, "not a PDF (no %PDF- header)")
    if EOF_MARKER not in tail:
        raise IngestFailure(STAGE, "truncated PDF (no %%EOF marker at the end)")


def _parse_failure(exc: Exception) -> IngestFailure:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return IngestFailure(STAGE, "encrypted PDF: needs a password")
    if isinstance(cause, PDFEncryptionError):
        return IngestFailure(STAGE, f"encrypted PDF that cannot be decrypted ({cause})")
    if isinstance(cause, PSEOF):
        return IngestFailure(STAGE, "truncated or corrupt PDF (unexpected end of data)")
    if isinstance(cause, PDFSyntaxError):
        return IngestFailure(STAGE, f"corrupt PDF ({cause})")
    return IngestFailure(STAGE, f"unreadable PDF ({type(cause).__name__}: {cause})")


def _has_text_layer(pdf: pdfplumber.PDF, or_images: bool = False) -> bool:
    # Stops at the first page with a char (or an image, for OCR): one page parsed for a
    # normal file; the parsed layout is cached on the page, so extraction does not pay for
    # it again. A page without text is dropped at once: a long scan must not pile up in memory.
    for page in pdf.pages:
        if page.chars or (or_images and page.images):
            return True
        page.close()
    return False


def open_source(path: Path | str, limits: SourceLimits = SourceLimits()) -> tuple[pdfplumber.PDF, Source]:
    """The opened PDF and its fingerprint; ``IngestFailure`` when it cannot be ingested.

    The caller closes the returned PDF.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestFailure(STAGE, "no such file" if not path.exists() else "not a regular file")
    size = path.stat().st_size
    _check_bytes(path, size, limits)
    sha256 = sha256_of(path)
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for bad input
        if memory := memory_error_of(exc):
            raise memory from exc  # not the file's form: its size (flows.resources)
        raise _parse_failure(exc) from exc
    try:
        page_count = len(pdf.pages)
        if page_count == 0:
            raise IngestFailure(STAGE, "PDF has no pages")
        if page_count > limits.max_pages:
            raise IngestFailure(STAGE, f"too many pages: {page_count}, limit is {limits.max_pages}")
        if not _has_text_layer(pdf, or_images=not limits.require_text_layer):
            reason = "image-only PDF, needs OCR" if limits.require_text_layer else "and no image to read by OCR"
            raise IngestFailure(STAGE, f"no text layer ({reason})")
    except (IngestFailure, MemoryError):
        pdf.close()
        raise
    except Exception as exc:
        pdf.close()
        if memory := memory_error_of(exc):
            raise memory from exc
        raise _parse_failure(exc) from exc
    return pdf, Source(file=display_name(path.name), sha256=sha256, size_bytes=size, page_count=page_count)


def _text_or_none(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    value = " ".join(value.replace("\x00", "").split())
    return value or None


def document_info(pdf: pdfplumber.PDF) -> DocumentInfo:
    """Title/producer/creator from the PDF's Info dictionary, when it has them."""
    meta = pdf.metadata or {}
    return DocumentInfo(
        title=_text_or_none(meta.get("Title")),
        producer=_text_or_none(meta.get("Producer")),
        creator=_text_or_none(meta.get("Creator")),
    )
