"""The whole extraction of one PDF as one plain function (no Prefect, no NLP).

The flows run the same stages as tasks; scorers, benchmarks and tests call this.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from docmodel.document import SurveyReport
from extractors.document.assemble import assemble_report
from extractors.errors import one_line
from extractors.limits import time_limit, time_limit_of
from extractors.page.extract import PageExtraction, PageStageError, extract_page
from extractors.source import SourceLimits, document_info, open_source

PACKAGE = "survey-ingest"


def pipeline_version() -> str:
    """The installed package version (pyproject's ``version``)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def extract_pages(pdf, page_seconds: float | None = None,
                  on_page: Callable[[int], None] | None = None) -> list[PageExtraction]:
    """Every page of an open pdfplumber PDF, each page's parsed layout dropped when done.

    A page that raises or runs longer than ``page_seconds`` costs that page only: it is
    kept as a page with an ``error`` (stage and one-line reason) and no content. I/O
    errors still propagate (they may be transient: the flows retry the file).
    ``on_page(number)`` is told of each page done.
    """
    extractions = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            with time_limit(page_seconds, f"page {number}"):
                extractions.append(extract_page(page, number))
        except OSError:
            raise
        except Exception as exc:  # a page pdfminer or a stage cannot read
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
        return exc.stage, one_line(exc.cause)
    return "parse", one_line(exc)


def extract_report(path: Path | str, limits: SourceLimits = SourceLimits()) -> SurveyReport:
    pdf, source = open_source(Path(path), limits)
    with pdf:
        info = document_info(pdf)
        pages = extract_pages(pdf)
    return assemble_report(source, info, pages, pipeline_version=pipeline_version(), nlp=False)
