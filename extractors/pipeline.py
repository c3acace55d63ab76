"""The pipeline, declared once: open → pages → assemble → segment → validate (→ write).

Each stage is a plain function taking what the stage before it made and the one
``PipelineSettings`` of the run, and passes each step the part of the settings it reads.
``extract_report`` runs them all for scorers, benchmarks and tests; the flows
(``flows/tasks.py``) wrap each stage as a Prefect task and call them by ``Stage``, then
write (the extractors do no I/O).

The page stage is a map over pages: a long PDF splits into page ranges over worker
processes, each opening the file itself, and the document stages run once on the joined
pages; the result is the same as one process's.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pdfplumber

from docmodel.document import DocumentInfo, Source, SurveyReport
from docmodel.schema import SchemaError, validate
from extractors.document.assemble import assemble_report
from extractors.errors import IngestFailure, one_line
from extractors.limits import memory_error_of, time_limit, time_limit_of
from extractors.page.extract import PageExtraction, PageStageError, extract_page
from extractors.settings import PipelineSettings
from extractors.source import document_info, open_source
from extractors.stages import Stage

__all__ = [
    "STAGES",
    "Stage",
    "OpenedSource",
    "open_document",
    "extract_pages",
    "assemble",
    "segment",
    "validate_report",
    "extract_report",
    "page_ranges",
    "extract_page_range",
    "pipeline_version",
    "PAGE_RANGE_MIN_PAGES",
]

PACKAGE = "survey-ingest"

# The stages in the order a file goes through them (Stage.WRITE belongs to the flows).
STAGES: tuple[Stage, ...] = (Stage.OPEN, Stage.PAGES, Stage.ASSEMBLE, Stage.SEGMENT, Stage.VALIDATE, Stage.WRITE)

# A PDF shorter than this extracts its pages in the calling process even when workers are
# offered: a worker costs ~1–2 s to start (imports) and to open the file, which a short
# file does not win back (pages take 0.1–0.5 s each).
PAGE_RANGE_MIN_PAGES = 40
# Ranges per worker: pages differ in cost (a dense table slide takes 10× a title slide),
# so smaller ranges, handed out as workers free up, keep the workers finishing together.
RANGES_PER_WORKER = 4


def pipeline_version() -> str:
    """The installed package version (pyproject's ``version``)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


@dataclass
class OpenedSource:
    """What the open stage hands on: the open PDF (the caller closes it), its fingerprint and info."""

    path: Path
    pdf: pdfplumber.PDF
    source: Source
    info: DocumentInfo

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> OpenedSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- the stages -------------------------------------------------------------------------


def open_document(path: Path | str, settings: PipelineSettings) -> OpenedSource:
    """Stage.OPEN: the checked, open PDF; ``IngestFailure`` when it cannot be ingested."""
    path = Path(path)
    limits = dataclasses.replace(settings.limits.source(), require_text_layer=not settings.ocr.enabled)
    pdf, source = open_source(path, limits)
    try:
        info = document_info(pdf)
    except Exception:
        pdf.close()
        raise
    return OpenedSource(path=path, pdf=pdf, source=source, info=info)


def extract_pages(
    opened: OpenedSource, settings: PipelineSettings, *, workers: int = 1, on_page: Callable[[int], None] | None = None
) -> list[PageExtraction]:
    """Stage.PAGES: every page, in order; over ``workers`` processes for a long PDF.

    A page that raises or runs longer than ``settings.limits.page_seconds`` costs that
    page only: it is kept as a page with an ``error`` (stage and one-line reason) and no
    content, in a worker as here. I/O errors propagate (they may be transient: the flows
    retry the file), and so does ``MemoryError``: under a memory cap the next pages would
    fail the same way, so the file fails, naming the cause. ``on_page(number)`` is told of
    each page done.
    """
    page_count = len(opened.pdf.pages)
    if workers > 1 and page_count >= PAGE_RANGE_MIN_PAGES:
        return _extract_ranges(opened.path, page_ranges(page_count, workers), settings, workers, on_page)
    return _extract_numbered(opened.pdf.pages, 1, settings, on_page)


def assemble(opened: OpenedSource, pages: Sequence[PageExtraction], settings: PipelineSettings) -> SurveyReport:
    """Stage.ASSEMBLE: the report from its pages (logical tables, Q&A grids); ``pipeline.nlp`` false."""
    return assemble_report(opened.source, opened.info, pages, settings, pipeline_version=pipeline_version())


def segment(report: SurveyReport, settings: PipelineSettings) -> SurveyReport:
    """Stage.SEGMENT: GiNZA segmentation of every text unit when ``settings.nlp``; else the report as it is."""
    if not settings.nlp:
        return report
    from extractors.nlp.segment import segment_report  # spaCy loads only when NLP runs

    report = segment_report(report, settings=settings.segment)
    return report.model_copy(update={"pipeline": report.pipeline.model_copy(update={"nlp": True})})


def validate_report(report: SurveyReport, settings: PipelineSettings | None = None) -> dict:
    """Stage.VALIDATE: the report as JSON data, checked against the committed schema it names."""
    data = report.model_dump(mode="json")
    try:
        validate(data)
    except SchemaError as exc:
        raise IngestFailure(Stage.VALIDATE, str(exc)) from exc
    return data


def extract_report(
    path: Path | str,
    settings: PipelineSettings = PipelineSettings(),
    *,
    workers: int = 1,
    on_page: Callable[[int], None] | None = None,
) -> SurveyReport:
    """One PDF through every stage but writing: the validated ``SurveyReport``.

    NLP runs when ``settings.nlp`` (the default, as on the command line); scorers and
    tests that only look at extraction pass ``PipelineSettings(nlp=False)``.
    """
    with open_document(path, settings) as opened:
        pages = extract_pages(opened, settings, workers=workers, on_page=on_page)
    report = segment(assemble(opened, pages, settings), settings)
    validate_report(report, settings)
    return report


# -- pages, in this process or in page ranges over workers ---------------------------------


def _extract_numbered(
    pages: Iterable[pdfplumber.page.Page],
    first: int,
    settings: PipelineSettings,
    on_page: Callable[[int], None] | None = None,
) -> list[PageExtraction]:
    """``pages`` numbered from ``first``, each page's parsed layout dropped when done."""
    extractions = []
    page_seconds = settings.limits.page_seconds
    for number, page in enumerate(pages, start=first):
        try:
            with time_limit(page_seconds, f"page {number}"):
                extractions.append(extract_page(page, number, settings))
        except (OSError, MemoryError):
            raise
        except Exception as exc:  # a page pdfminer or a stage cannot read
            if memory := memory_error_of(exc):  # wrapped by pdfplumber (PdfminerException)
                raise memory from exc
            extractions.append(PageExtraction.failed(page, number, *page_failure(exc)))
        finally:
            page.close()
        if on_page:
            on_page(number)
    return extractions


def page_failure(exc: BaseException) -> tuple[str, str]:
    """(stage, one-line reason) of a page's exception."""
    if expired := time_limit_of(exc):
        return "time-limit", str(expired)
    if isinstance(exc, PageStageError):
        if isinstance(exc.cause, IngestFailure):  # a reason said for people already (no OCR, no Tesseract)
            return exc.stage, exc.cause.reason
        return exc.stage, one_line(exc.cause)
    return "parse", one_line(exc)


def page_ranges(page_count: int, workers: int) -> list[range]:
    """1-based page numbers of ``page_count`` pages cut into contiguous ranges for ``workers``."""
    n = max(1, min(page_count, workers * RANGES_PER_WORKER))
    bounds = [round(i * page_count / n) for i in range(n + 1)]
    return [range(bounds[i] + 1, bounds[i + 1] + 1) for i in range(n)]


def extract_page_range(path: Path | str, pages: range, settings: PipelineSettings) -> list[PageExtraction]:
    """The pages numbered ``pages`` of the PDF at ``path``, opened here (a worker's share).

    The open stage has checked the file already; the page time limit interrupts a page
    here too (workers run this on their main thread, where SIGALRM reaches).
    """
    with pdfplumber.open(path) as pdf:
        return _extract_numbered(pdf.pages[pages.start - 1 : pages.stop - 1], pages.start, settings)


# The PDF a page-range worker opened once, for every range it is given.
_worker_pdf: pdfplumber.PDF | None = None


def _open_in_worker(path: Path) -> None:
    global _worker_pdf
    _worker_pdf = pdfplumber.open(path)


def _extract_range_in_worker(pages: range, settings: PipelineSettings) -> list[PageExtraction]:
    assert _worker_pdf is not None  # opened by the pool's initializer, _open_in_worker
    return _extract_numbered(_worker_pdf.pages[pages.start - 1 : pages.stop - 1], pages.start, settings)


def _extract_ranges(
    path: Path, ranges: list[range], settings: PipelineSettings, workers: int, on_page: Callable[[int], None] | None
) -> list[PageExtraction]:
    # spawn, not fork: the caller may run Prefect's threads, which a forked child inherits
    # mid-state. Each worker starts a fresh interpreter, opens the file once and takes
    # ranges as it frees up; results come back in range order.
    context = multiprocessing.get_context("spawn")
    extractions: list[PageExtraction] = []
    with ProcessPoolExecutor(
        max_workers=min(workers, len(ranges)), mp_context=context, initializer=_open_in_worker, initargs=(path,)
    ) as pool:
        for pages in pool.map(_extract_range_in_worker, ranges, [settings] * len(ranges)):
            extractions += pages
            if on_page:
                for extraction in pages:
                    on_page(extraction.page.number)
    return extractions
