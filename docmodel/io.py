"""Reading a report file back as the typed model: ``docmodel.load(path)``.

The file is validated against the schema version it names; files of schema 1-x are
brought to the current model on the way in (ids numbered, logical tables rebuilt as
references, ``references`` renamed, inline GiNZA tokens dropped: a 1-x file's tokens are
read with ``json`` if wanted); files of schema 2-x too (a figure's ``texts`` become its
label blocks).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from docmodel.document import SCHEMA_NAME, SurveyReport, split_schema_version
from docmodel.schema import SchemaError, validate


def load(path: Path | str) -> SurveyReport:
    """The report in ``path`` (``<stem>.json``), checked against the schema it names."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return from_data(data)


def from_data(data: dict) -> SurveyReport:
    validate(data, SCHEMA_NAME)
    named, version = split_schema_version(data["schema_version"])
    if named is None and version.startswith("1-"):
        return upgrade_1x(data)
    if version.startswith("2-"):
        return upgrade_2x(data)
    return SurveyReport.model_validate(data)


def upgrade_2x(data: dict) -> SurveyReport:
    """A schema 2-x report as the current model."""
    data = figure_texts_as_labels(data)
    data.pop("schema_version")
    return SurveyReport.model_validate(data)


def figure_texts_as_labels(data: dict) -> dict:
    """A copy of 2-x report data with each figure's ``texts`` moved into the blocks as
    blocks of type "label" (``figure_id`` set), read where the figure stands on its page."""
    data = copy.deepcopy(data)
    blocks = data.get("blocks", [])
    for figure in data.get("figures", []):
        labels = [{**text, "type": "label", "figure_id": figure["id"]} for text in figure.pop("texts", [])]
        # As the page stage places them: after the page's blocks that start above the figure.
        before = sum(1 for b in blocks if b["page"] < figure["page"])
        above = sum(1 for b in blocks if b["page"] == figure["page"] and b["bbox"]["top"] < figure["bbox"]["top"])
        blocks[before + above : before + above] = labels
    return data


def upgrade_1x(data: dict) -> SurveyReport:
    """A schema 1-x report as the current model (the same content, stored the 2-0-0 way)."""
    # Lazy: numbering and joining are the pipeline's own steps, run the same way here.
    from extractors.document.table_join import join_logical_tables
    from extractors.document.unit_ids import number_report_units, number_table_units

    data = copy.deepcopy(data)
    data.pop("schema_version")
    data["logical_tables"] = []
    for block in data.get("blocks", []):
        block.pop("nlp", None)
    for table in data.get("tables", []):
        for unit in table.get("callouts", []) + [c for row in table.get("rows", []) for c in row]:
            unit.pop("nlp", None)
    for grid in data.get("qa_grids", []):
        for question in grid.get("questions", []):
            question.pop("nlp", None)
            for answer in question.get("answers", []):
                answer["referenced_questions"] = answer.pop("references", [])
                for item in answer.get("items") or []:
                    item.pop("nlp", None)
                    item["referenced_questions"] = item.pop("references", [])
    if data.get("pipeline", {}).get("nlp"):
        data["pipeline"]["nlp"] = False  # the sentence spans were dropped with the tokens
    report = SurveyReport.model_validate(data)
    number_table_units(report.tables)
    grid_tables = {table_id for grid in report.qa_grids for table_id in grid.table_ids}
    report.logical_tables = join_logical_tables([t for t in report.tables if t.id not in grid_tables])
    return number_report_units(report)


__all__ = ["load", "from_data", "SchemaError"]
