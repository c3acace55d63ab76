"""The whole extraction of one PDF as one plain function (no Prefect, no NLP).

The flows run the same stages as tasks; scorers, benchmarks and tests call this.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from docmodel.document import SurveyReport
from extractors.assemble import assemble_report
from extractors.page import PageExtraction, extract_page
from extractors.source import SourceLimits, document_info, open_source

PACKAGE = "survey-ingest"


def pipeline_version() -> str:
    """The installed package version (pyproject's ``version``)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def extract_pages(pdf) -> list[PageExtraction]:
    """Every page of an open pdfplumber PDF, each page's parsed layout dropped when done."""
    extractions = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            extractions.append(extract_page(page, number))
        finally:
            page.close()
    return extractions


def extract_report(path: Path | str, limits: SourceLimits = SourceLimits()) -> SurveyReport:
    pdf, source = open_source(Path(path), limits)
    with pdf:
        info = document_info(pdf)
        pages = extract_pages(pdf)
    return assemble_report(source, info, pages, pipeline_version=pipeline_version(), nlp=False)
