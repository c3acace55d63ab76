"""A page that breaks costs that page, not the file (extractor level, no Prefect).

One stage is made to raise (or to run past the time limit) on one page of a real
multi-page PDF; the report must say which page failed, where and why, and hold every
other page's content as if nothing happened.
"""

from __future__ import annotations

import time

import pytest
from helpers import CORPUS, no_nlp
from pdfplumber.utils.exceptions import PdfminerException

import extractors.page.extract as page_extract
from docmodel.schema import validate
from extractors.pipeline import extract_report
from extractors.settings import Limits, PipelineSettings

PDF = CORPUS / "real" / "mhlw-ec-clinics-aichi.pdf"  # 7 pages
BROKEN_PAGE = 3
# The names extract_page calls each stage by, as the page's error record names them.
STAGES = {"lines": "group_lines", "tables": "extract_tables", "furniture": "find_furniture", "blocks": "build_blocks"}


def _break_on_page(monkeypatch, function_name: str, page_number: int, behaviour) -> None:
    """Make one stage function misbehave on one page: ``behaviour()`` runs before it."""
    original = getattr(page_extract, function_name)
    real_extract_page = page_extract.extract_page
    current = {}

    def patched_extract_page(page, number, *args, **kwargs):
        current["page"] = number  # the stages are not told their page number
        return real_extract_page(page, number, *args, **kwargs)

    def patched(*args, **kwargs):
        if current.get("page") == page_number:
            behaviour()
        return original(*args, **kwargs)

    monkeypatch.setattr(page_extract, function_name, patched)
    monkeypatch.setattr("extractors.pipeline.extract_page", patched_extract_page)


def _assert_only_page_failed(report, page_number: int, stage: str, reason_part: str) -> None:
    failed = [p for p in report.pages if p.error is not None]
    assert [p.number for p in failed] == [page_number]
    assert report.failed_pages == 1
    assert failed[0].error.stage == stage and reason_part in failed[0].error.reason
    assert "\n" not in failed[0].error.reason
    assert not any(b.page == page_number for b in report.blocks)
    assert not any(t.page == page_number for t in report.tables)
    assert [p.number for p in report.pages] == list(range(1, report.source.page_count + 1))
    # Every other page keeps its content: each page of this list prints a table.
    assert {t.page for t in report.tables} == set(range(1, report.source.page_count + 1)) - {page_number}
    validate(report.model_dump(mode="json"))


@pytest.fixture(scope="module")
def intact():
    return extract_report(PDF, no_nlp())


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_stage_raising_on_one_page_costs_that_page_only(monkeypatch, intact, stage):
    def explode():
        raise ValueError(f"injected failure in {stage}\nsecond line")

    _break_on_page(monkeypatch, STAGES[stage], BROKEN_PAGE, explode)
    report = extract_report(PDF, no_nlp())
    _assert_only_page_failed(report, BROKEN_PAGE, stage, f"injected failure in {stage}")
    assert [t.model_dump() for t in report.tables] == [t.model_dump() for t in intact.tables if t.page != BROKEN_PAGE]


@pytest.mark.parametrize("wrapped", [False, True])
def test_memory_error_on_a_page_fails_the_file(monkeypatch, wrapped):
    # Under a memory cap the next pages would fail too: not a page's error but the file's
    # (the flows record it at stage ``resource-limit``), also when pdfplumber wraps it.
    def out_of_memory():
        error = MemoryError()
        raise PdfminerException(error) if wrapped else error

    _break_on_page(monkeypatch, "build_blocks", BROKEN_PAGE, out_of_memory)
    with pytest.raises(MemoryError):
        extract_report(PDF, no_nlp())


def test_a_page_over_the_time_limit_costs_that_page_only(monkeypatch):
    limit = 8.0  # well over a normal page of this file, even on a loaded machine
    _break_on_page(monkeypatch, "build_blocks", BROKEN_PAGE, lambda: time.sleep(10 * limit))
    settings = PipelineSettings(nlp=False, limits=Limits(page_seconds=limit))
    started = time.monotonic()
    report = extract_report(PDF, settings)
    # The timer interrupts the sleeping page: the run does not wait for it.
    assert time.monotonic() - started < 10 * limit
    _assert_only_page_failed(report, BROKEN_PAGE, "time-limit", f"page {BROKEN_PAGE}")
