"""Flat Q&A export: one row per answer item or no-answer, Parquet + BOM'd CSV."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import yaml
from helpers import CORPUS

from docmodel.document import DocumentInfo, PipelineInfo, Source, SurveyReport
from evaluation.qa import truth_tables
from exporters.qa_table import QA_COLUMNS, qa_rows, write_qa_tables
from extractors.document.qa_grid import extract_qa_grids
from extractors.document.unit_ids import number_report_units


def report_with_grids(stem: str) -> SurveyReport:
    truth = yaml.safe_load((CORPUS / f"{stem}.yaml").read_text(encoding="utf-8"))
    return SurveyReport(
        source=Source(file=f"{stem}.pdf", sha256="0" * 64, size_bytes=1, page_count=len(truth["slides"])),
        document=DocumentInfo(),
        pipeline=PipelineInfo(version="test", nlp=False),
        pages=[],
        blocks=[],
        tables=[],
        qa_grids=extract_qa_grids(truth_tables(truth)),
    )


def expected_rows(report: SurveyReport) -> tuple[int, int]:
    items = sum(len(a.items) for g in report.qa_grids for q in g.questions for a in q.answers if a.items is not None)
    nulls = sum(a.items is None for g in report.qa_grids for q in g.questions for a in q.answers)
    return items, nulls


@pytest.mark.parametrize("stem", ["source-report", "variant-2"])
def test_row_count_is_items_plus_no_answers(stem):
    report = number_report_units(report_with_grids(stem))  # unit ids as the pipeline numbers them
    frame = qa_rows(report)
    items, nulls = expected_rows(report)
    assert nulls > 0 and items > 100
    assert len(frame) == items + nulls
    assert int(frame["no_answer"].sum()) == nulls
    assert list(frame.columns) == QA_COLUMNS
    assert frame.loc[frame["no_answer"], "item_text"].isna().all()
    assert frame.loc[frame["no_answer"], "no_answer_text"].notna().all()
    # Unit ids join a row to the JSON (and to a search hit): an item's id is its answer's plus ".iN".
    ids = {i.id for g in report.qa_grids for q in g.questions for a in q.answers for i in a.items or []}
    assert set(frame["item_id"].dropna()) == ids
    assert frame.loc[frame["no_answer"], "item_id"].isna().all()
    answered = frame[~frame["no_answer"]]
    assert all(
        i.startswith(f"{a}.i") and a.startswith(f"{q}.a")
        for q, a, i in answered[["question_id", "answer_id", "item_id"]].itertuples(index=False)
    )


def test_parquet_and_csv_round_trip(tmp_path):
    report = report_with_grids("source-report")
    parquet_path, csv_path = write_qa_tables(report, tmp_path / "out", "source-report")
    assert parquet_path.name == "source-report.qa.parquet" and csv_path.name == "source-report.qa.csv"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        csv_path.name,
        parquet_path.name,
    ]  # no temp files left
    items, nulls = expected_rows(report)

    parquet = pd.read_parquet(parquet_path)
    assert len(parquet) == items + nulls
    assert list(parquet.columns) == QA_COLUMNS

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(csv_path, encoding="utf-8-sig", keep_default_na=False)
    assert len(csv) == items + nulls
    assert list(csv.columns) == QA_COLUMNS
    assert set(csv["respondent_group"]) == {
        "研究機関・大学等（管理部門）",
        "研究機関・大学等（研究者）",
        "研究機関・大学等（FA）",
    }
    first = csv.iloc[0]
    assert first["question_label"] == "質問1" and first["item_text"].startswith("回答は2017")
    assert "\n有の場合" in first["question_text"]

    # Referenced questions: a list in Parquet, the same list as JSON array text in the CSV, on the same rows.
    assert "references" not in parquet.columns  # an SQL reserved word
    with_refs = parquet[parquet["referenced_questions"].map(len) > 0]
    assert len(with_refs) >= 10
    row = with_refs.iloc[0]
    assert csv.loc[with_refs.index[0], "referenced_questions"] == json.dumps(
        [int(n) for n in row["referenced_questions"]]
    )
    assert all(str(n) in row["item_text"] or "質問" in row["item_text"] for n in row["referenced_questions"])
    assert [json.loads(v) for v in csv["referenced_questions"]] == [list(v) for v in parquet["referenced_questions"]]
    assert set(csv.loc[parquet["referenced_questions"].map(len) == 0, "referenced_questions"]) == {"[]"}


def test_duckdb_reads_both_files_with_defaults(tmp_path):
    import duckdb

    parquet_path, csv_path = write_qa_tables(report_with_grids("source-report"), tmp_path, "r")
    con = duckdb.connect()
    from_parquet = con.sql(
        f"SELECT question_number, referenced_questions FROM '{parquet_path}' "
        "WHERE len(referenced_questions) > 0 ORDER BY ALL"
    ).fetchall()
    from_csv = con.sql(
        f"SELECT question_number, referenced_questions::BIGINT[] FROM read_csv('{csv_path}') "
        "WHERE referenced_questions <> '[]' ORDER BY ALL"
    ).fetchall()
    assert from_parquet == from_csv and len(from_parquet) >= 10
    types = dict(
        con.sql(f"DESCRIBE SELECT * FROM read_csv('{csv_path}')").fetchall()[i][:2] for i in range(len(QA_COLUMNS))
    )
    assert types["referenced_questions"] == "VARCHAR" and types["question_number"] == "BIGINT"


def test_overwrites_atomically(tmp_path):
    report = report_with_grids("variant-1")
    write_qa_tables(report, tmp_path, "r")
    empty = report.model_copy(update={"qa_grids": []})
    parquet_path, csv_path = write_qa_tables(empty, tmp_path, "r")
    assert len(pd.read_parquet(parquet_path)) == 0
    assert pd.read_csv(csv_path, encoding="utf-8-sig").columns.tolist() == QA_COLUMNS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.qa.csv", "r.qa.parquet"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped(tmp_path):
    report = report_with_grids("source-report")
    hostile = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    grid = report.qa_grids[0]
    question = grid.questions[0]
    answer = next(a for a in question.answers if a.items)
    repeated = answer.items * len(hostile)
    items = [item.model_copy(update={"text": text}) for item, text in zip(repeated, hostile, strict=False)]
    answer = answer.model_copy(update={"items": items})
    question = question.model_copy(update={"answers": [answer], "label": "=label"})
    report = report.model_copy(update={"qa_grids": [grid.model_copy(update={"questions": [question]})]})
    parquet_path, csv_path = write_qa_tables(report, tmp_path, "evil")
    # The stdlib reader: it keeps a quoted CR inside a cell, as spreadsheets do.
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["item_text"] for row in rows] == ["'" + text for text in hostile]
    assert {row["question_label"] for row in rows} == {"'=label"}
    assert list(pd.read_parquet(parquet_path)["item_text"]) == hostile  # the data itself is not changed
