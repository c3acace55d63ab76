"""Every file of one report, written by one call: ``write_outputs(report, out_dir, stem)``.

    <stem>.qa.parquet, <stem>.qa.csv          Q&A grids, one row per answer item (qa_table)
    <stem>.tables.xlsx, <stem>.tables.parquet ordinary tables, parts joined (table_export);
                                              the xlsx also a sheet per chart read as data
    <stem>.charts.parquet                     chart data, one row per category × series (chart_export)
    <stem>.tokens.parquet, <stem>.entities.parquet   GiNZA analysis by unit id (nlp_tables;
                                              only when the NLP stage ran, else removed)
    <stem>.json                               the report (schema survey-report/2-0-0), last

Each file is written atomically (``exporters.files``); the JSON goes last because its
presence marks the report done, so a reader that finds it finds the others complete.
"""

from __future__ import annotations

import json
from pathlib import Path

from docmodel.document import SurveyReport
from exporters.chart_export import write_chart_parquet
from exporters.files import write_text_atomic
from exporters.nlp_tables import write_nlp_tables
from exporters.qa_table import write_qa_tables
from exporters.table_export import write_table_exports

REPORT_SUFFIX = ".json"
# One space per level: a line per field for diffs and eyes, at 0.8 the size of indent=2.
JSON_INDENT = 1


def dump_report(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=JSON_INDENT) + "\n"


def write_outputs(report: SurveyReport, out_dir: Path | str, stem: str, data: dict | None = None) -> list[Path]:
    """Write every output file of ``report``; returns their paths, the JSON last.

    ``data`` is ``report.model_dump(mode="json")`` when the caller already has it (validated).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        *write_qa_tables(report, out_dir, stem),
        *write_table_exports(report, out_dir, stem),
        *write_chart_parquet(report, out_dir, stem),
        *write_nlp_tables(report, out_dir, stem),
    ]
    data = report.model_dump(mode="json") if data is None else data
    paths.append(write_text_atomic(out_dir / f"{stem}{REPORT_SUFFIX}", dump_report(data)))
    return paths
