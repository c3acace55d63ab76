"""The consumer API: docmodel.load reads current files and brings 1-x and 2-x files to the current model."""

from __future__ import annotations

import copy
import json

import pytest
from helpers import survey_report
from test_table_export import truth_report

from docmodel import load
from docmodel.document import SCHEMA_VERSION
from docmodel.schema import SchemaError, validate
from exporters.outputs import dump_report


def as_1_3_0(current: dict) -> dict:
    """A 2-0-0 report's data written the 1-3-0 way: no ids, copied logical cells, `references`."""
    doc = copy.deepcopy(current)
    doc["schema_version"] = "1-3-0"
    doc.pop("figures")
    for page in doc["pages"]:
        del page["text_source"], page["ocr_confidence"]
    cells = {}
    for block in doc["blocks"]:
        block.pop("id")
        block.pop("section_id")
        block.pop("figure_id")
        block.pop("note_ids")
        block["raw_text"] = block["raw_text"] if block["raw_text"] is not None else block["text"]
    for table in doc["tables"]:
        table.pop("caption_unit_id")
        table["notes"] = [note["text"] for note in table["notes"]]
        for callout in table["callouts"]:
            callout.pop("section_id")
            callout.pop("figure_id")
            callout.pop("note_ids")
        for unit in table["callouts"] + [c for row in table["rows"] for c in row]:
            cells[unit.pop("id")] = unit
            unit["raw_text"] = unit["raw_text"] if unit["raw_text"] is not None else unit["text"]
    for logical in doc["logical_tables"]:
        logical["rows"] = [[dict(cells[cell_id], row=r) for cell_id in row] for r, row in enumerate(logical["rows"])]
    for grid in doc["qa_grids"]:
        grid.pop("id")
        for question in grid["questions"]:
            question.pop("id")
            for answer in question["answers"]:
                answer.pop("id")
                answer["references"] = answer.pop("referenced_questions")
                for item in answer["items"] or []:
                    item.pop("id")
                    item["references"] = item.pop("referenced_questions")
    return doc


@pytest.mark.parametrize("stem", ["source-report", "variant-3"])
def test_load_reads_current_and_1x_files_alike(stem, tmp_path):
    report, _ = truth_report(stem)
    current = report.model_dump(mode="json")
    (tmp_path / "now.json").write_text(dump_report(current), encoding="utf-8")
    old = as_1_3_0(current)
    validate(old)  # a faithful 1-3-0 file
    assert old["schema_version"] == "1-3-0" and old["logical_tables"][0]["rows"][0][0]["text"]
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")

    loaded = load(tmp_path / "now.json")
    assert loaded.schema_version == f"survey-report/{SCHEMA_VERSION}"
    assert loaded.model_dump(mode="json") == current
    upgraded = load(tmp_path / "old.json")
    assert upgraded.model_dump(mode="json") == current
    key = report.logical_tables[0].caption_id
    assert upgraded.table(key).grid() == report.table(key).grid()


def test_load_refuses_an_invalid_file(tmp_path):
    report, _ = truth_report("variant-1")
    data = report.model_dump(mode="json")
    data["tables"][0]["rows"][0][0].pop("id")
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemaError, match="'id' is a required property"):
        load(tmp_path / "bad.json")


def as_2_2_0(current: dict) -> dict:
    """A current report's data written the 2-2-0 way: a figure's labels in its ``texts``."""
    doc = copy.deepcopy(current)
    doc["schema_version"] = "survey-report/2-2-0"
    labels = [b for b in doc["blocks"] if b["figure_id"]]
    doc["blocks"] = [b for b in doc["blocks"] if not b["figure_id"]]
    for block in doc["blocks"] + [c for t in doc["tables"] for c in t["callouts"]]:
        block.pop("figure_id")
        block.pop("note_ids")
    for figure in doc["figures"]:
        figure["texts"] = [
            {**{k: v for k, v in b.items() if k not in ("figure_id", "note_ids")}, "type": "paragraph"}
            for b in labels
            if b["figure_id"] == figure["id"]
        ]
    return doc


def test_load_brings_a_2x_figure_s_texts_into_the_blocks_as_labels(tmp_path):
    current = survey_report(2023).model_dump(mode="json")
    assert [b["id"] for b in current["blocks"] if b["type"] == "label"] == ["p3-f0.x1"]
    old = as_2_2_0(current)
    validate(old)  # a faithful 2-2-0 file
    assert old["figures"][0]["texts"][0]["text"] == "12"
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    upgraded = load(tmp_path / "old.json")
    assert upgraded.model_dump(mode="json") == current
