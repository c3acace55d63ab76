"""Per-page extractions → the whole ``SurveyReport`` (pure: no I/O, no Prefect).

Document-level stages run here because they need every page at once: tables printed
over several slides are joined, and Q&A grid parts are recognised and joined.
"""

from __future__ import annotations

from collections.abc import Sequence

from docmodel.document import DocumentInfo, LogicalTable, PipelineInfo, Source, SurveyReport, Table
from docmodel.qa import QAGrid
from extractors.document.qa_grid import QAGridSettings, extract_qa_grids
from extractors.document.table_join import join_logical_tables
from extractors.document.unit_ids import number_report_units, number_table_units
from extractors.page.extract import PageExtraction
from extractors.settings import PipelineSettings


def build_qa_grids(tables: list[Table], settings: QAGridSettings = QAGridSettings()) -> list[QAGrid]:
    """Every Q&A grid among the printed tables (the one entry point to the grid stage)."""
    return extract_qa_grids(tables, settings)


def build_logical_tables(tables: list[Table]) -> list[LogicalTable]:
    """Captioned tables printed over several slides, joined (the table-join stage)."""
    return list(join_logical_tables(tables))


def assemble_report(
    source: Source,
    info: DocumentInfo,
    page_extractions: Sequence[PageExtraction],
    settings: PipelineSettings = PipelineSettings(),
    *,
    pipeline_version: str,
) -> SurveyReport:
    """The report of one PDF from its pages, in page order.

    ``pipeline.nlp`` is false here: the segment stage sets it when it has run.
    """
    extractions = sorted(page_extractions, key=lambda e: e.page.number)
    tables = [table for e in extractions for table in e.tables]
    number_table_units(tables)
    qa_grids = build_qa_grids(tables, settings.qa_grids)
    # A Q&A grid slide is also a printed table; it is reported once, as a grid.
    grid_table_ids = {table_id for grid in qa_grids for table_id in grid.table_ids}
    logical_tables = build_logical_tables([t for t in tables if t.id not in grid_table_ids])
    report = SurveyReport(
        source=source,
        document=info,
        pipeline=PipelineInfo(version=pipeline_version, nlp=False),
        failed_pages=sum(e.page.error is not None for e in extractions),
        pages=[e.page for e in extractions],
        blocks=[block for e in extractions for block in e.blocks],
        tables=tables,
        logical_tables=logical_tables,
        qa_grids=qa_grids,
        figures=[figure for e in extractions for figure in e.figures],
    )
    return number_report_units(report)
