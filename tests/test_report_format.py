"""Report format 2-0-0 on every corpus PDF: unit ids unique, each thing stored once, small."""

from __future__ import annotations

import pytest
from helpers import CORPUS, CORPUS_STEMS, no_nlp

from docmodel.schema import validate
from exporters.outputs import dump_report
from extractors.document.unit_ids import unit_ids

# Issue 12: the source report's JSON without NLP was 0.94 MB (1-3-0).
SOURCE_REPORT_MAX_BYTES = 750_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=CORPUS_STEMS)
def extracted(request):
    from extractors.pipeline import extract_report

    return request.param, extract_report(CORPUS / f"{request.param}.pdf", no_nlp())


def test_unit_ids_are_unique_in_the_report(extracted):
    stem, report = extracted
    ids = unit_ids(report)
    assert all(ids) and len(ids) == len(set(ids)), stem
    assert len(ids) > 500
    every_cell = [cell for table in report.tables for row in table.rows for cell in row]
    assert {c.id for c in every_cell} <= set(ids)
    assert [b.id for b in report.blocks] == [f"b{n}" for n in range(1, len(report.blocks) + 1)]
    items = [i for g in report.qa_grids for q in g.questions for a in q.answers for i in a.items or []]
    assert items and all(i.id.startswith("g") and ".q" in i.id and ".a" in i.id and ".i" in i.id for i in items)


def test_each_thing_is_stored_once(extracted):
    stem, report = extracted
    cells = {cell.id: cell for table in report.tables for row in table.rows for cell in row}
    for logical in report.logical_tables:
        referenced = [cell_id for row in logical.rows for cell_id in row]
        assert referenced and set(referenced) <= cells.keys(), (stem, logical.caption_id)
        assert len(referenced) == len(set(referenced))
    units = [*report.blocks, *cells.values(), *(c for t in report.tables for c in t.callouts)]
    assert all(u.raw_text != u.text for u in units)
    assert any(u.raw_text is not None for u in units)  # kept where the printed code points differ
    data = report.model_dump(mode="json")
    validate(data)
    if stem == "source-report":
        assert len(dump_report(data).encode("utf-8")) <= SOURCE_REPORT_MAX_BYTES
