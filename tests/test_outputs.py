"""exporters.write_outputs: every file of a report in one call, the JSON last; DuckDB reads
each with default settings."""

from __future__ import annotations

import json

import duckdb
from test_nlp_tables import segmentation
from test_table_export import truth_report

from exporters import write_outputs


def test_every_file_written_json_last_and_readable_by_duckdb(tmp_path):
    report, _ = truth_report("source-report")
    report.pipeline.nlp = True
    first_item = report.qa_grids[0].questions[0].answers[0].items[0].id
    report.segmentation.update({first_item: segmentation(True)})
    paths = write_outputs(report, tmp_path, "r")
    assert [p.name for p in paths] == [
        "r.qa.parquet",
        "r.qa.csv",
        "r.tables.xlsx",
        "r.tables.parquet",
        "r.charts.parquet",
        "r.tokens.parquet",
        "r.entities.parquet",
        "r.json",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temp files

    con = duckdb.connect()
    report_json = f"read_json('{tmp_path / 'r.json'}')"
    ((version, grids),) = con.sql(f"SELECT schema_version, len(qa_grids) FROM {report_json}").fetchall()
    assert (version, grids) == ("survey-report/3-1-0", len(report.qa_grids))
    kinds = dict(
        con.sql(f"DESCRIBE SELECT * FROM read_json('{tmp_path / 'r.json'}')").fetchall()[i][:2] for i in range(3)
    )
    assert kinds["schema_version"] == "VARCHAR"  # not a DATE
    for name in ("qa", "tables", "tokens", "entities"):
        ((count,),) = con.sql(f"SELECT count(*) FROM '{tmp_path / f'r.{name}.parquet'}'").fetchall()
        assert count > 0, name
    query = f"SELECT count(*) FROM '{tmp_path / 'r.tokens.parquet'}' WHERE unit_id = '{first_item}'"
    ((tokens,),) = con.sql(query).fetchall()
    assert tokens == 14
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pipeline"]["nlp"] is True


def test_without_nlp_no_token_files(tmp_path):
    report, _ = truth_report("variant-2")
    names = [p.name for p in write_outputs(report, tmp_path, "r")]
    assert names == ["r.qa.parquet", "r.qa.csv", "r.tables.xlsx", "r.tables.parquet", "r.charts.parquet", "r.json"]
