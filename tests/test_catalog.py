"""The catalog of an output folder: OUT/catalog.duckdb built from every report, refreshed
as reports are re-written or removed, never seen half-built.

Reports are small model-built surveys (``helpers.survey_report``) written with the
exporters exactly as a run writes them.
"""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest
from helpers import survey_report

from catalog import duck_store
from catalog.sync import CATALOG_NAME, SEARCH_NAME, build_catalog, refresh_catalog
from catalog.tables import TABLES
from exporters import write_outputs
from exporters.qa_table import qa_rows
from flows.catalog_refresh import refresh_outputs_catalog
from flows.outputs import copy_outputs

VALUE_CELL = "row_index = 1 AND col_index = 1"  # the table's one value: its budget


def write_survey(out, year: int, **kwargs):
    report = survey_report(year, **kwargs)
    write_outputs(report, out, f"survey-r{year}")
    return report


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    for year in (4, 5):
        write_survey(folder, year)
    return folder


def rows(out, sql: str, *params):
    with duckdb.connect(str(out / CATALOG_NAME), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_holds_every_report_in_every_table_keyed_by_report(out):
    reports = {year: survey_report(year) for year in (4, 5)}
    result = build_catalog(out)
    assert result.reports == 2 and result.read == ["survey-r4.json", "survey-r5.json"] and not result.problems
    keys = {(r.source.file, r.source.sha256) for r in reports.values()}
    for table in TABLES:
        found = set(rows(out, f"SELECT DISTINCT report, report_sha256 FROM {table}"))
        if table in ("tokens", "entities", "logical_tables"):  # no NLP; one-part tables only
            assert found == set(), table
        else:
            assert found == keys, table
    report = reports[5]
    assert rows(
        out,
        "SELECT title, page_count, status, failed_pages, schema_version FROM reports WHERE report = ?",
        "survey-r5.pdf",
    ) == [("令和5年度 研究体制調査 報告書", 3, "ok", 0, report.schema_version)]
    assert rows(out, "SELECT count(*) FROM blocks WHERE report = 'survey-r5.pdf'") == [(len(report.blocks),)]
    assert rows(out, "SELECT count(*) FROM qa_answers WHERE report = 'survey-r5.pdf'") == [(len(qa_rows(report)),)]
    assert rows(
        out,
        f"SELECT text FROM table_cells WHERE report = 'survey-r5.pdf' AND table_key = '図表3' AND {VALUE_CELL}",
    ) == [("105",)]
    assert rows(
        out, "SELECT table_id, table_key, qa_grid_id FROM tables WHERE report = 'survey-r5.pdf' ORDER BY table_id"
    ) == [
        ("p2-t0", "図表3", None),
        ("p3-t0", None, "g1"),
    ]
    assert rows(out, "SELECT figure_id, kind, categories FROM figures") == [("p3-f0", "bar", ["医療", "情報"])] * 2
    assert rows(
        out, "SELECT category, value, unit_id FROM chart_values WHERE report = 'survey-r4.pdf' ORDER BY category_index"
    ) == [
        ("医療", 12.0, "p3-f0.x1"),
        ("情報", 7.5, None),
    ]
    kinds = dict(rows(out, "SELECT unit_kind, count(*) FROM text_units WHERE report = 'survey-r4.pdf' GROUP BY ALL"))
    # Q&A grid slides are searched through their questions and items, not as cells.
    assert kinds == {
        "block": 2,
        "caption": 2,
        "note": 1,
        "callout": 1,
        "cell": 4,
        "question": 1,
        "answer_item": 1,
        "figure_text": 1,
        "figure_note": 1,
    }


def test_column_names_are_sql_safe_and_the_flat_files_use_them(out):
    build_catalog(out)
    reserved = {
        name
        for (name,) in duckdb.sql(
            "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category <> 'unreserved'"
        ).fetchall()
    }
    for table, schema in TABLES.items():
        assert table not in reserved
        assert not set(schema.names) & reserved, (table, set(schema.names) & reserved)
    # The flat files: the catalog's columns, less report_sha256 (one report per file).
    flat = {"table_cells": "survey-r4.tables.parquet", "qa_answers": "survey-r4.qa.parquet"}
    for table, name in flat.items():
        assert pq.read_schema(out / name).names == [n for n in TABLES[table].names if n != "report_sha256"]
        assert set(pq.read_table(out / name)["report"].to_pylist()) == {"survey-r4.pdf"}
    # One SQL over every report's flat files needs no file names and no quoting.
    per_report = duckdb.sql(
        f"SELECT report, count(DISTINCT table_key) FROM read_parquet('{out}/*.tables.parquet') "
        "GROUP BY report ORDER BY report"
    ).fetchall()
    assert per_report == [("survey-r4.pdf", 1), ("survey-r5.pdf", 1)]


def test_refresh_replaces_a_rewritten_report_and_reads_only_it(out):
    build_catalog(out)
    write_survey(out, 5, budget=999)  # re-ingested: new content, so a new sha256
    result = refresh_catalog(out)
    assert result.read == ["survey-r5.json"] and result.reports == 2
    assert rows(out, "SELECT report, text FROM table_cells WHERE row_index = 1 AND col_index = 1 ORDER BY report") == [
        ("survey-r4.pdf", "104"),
        ("survey-r5.pdf", "999"),
    ]
    assert rows(out, "SELECT count(*) FROM reports") == [(2,)]
    assert rows(out, "SELECT count(DISTINCT report_sha256) FROM blocks WHERE report = 'survey-r5.pdf'") == [(1,)]


def test_refresh_drops_a_removed_report_from_catalog_and_search(out):
    from catalog.search import search

    build_catalog(out)
    assert [h.report for h in search(out, "令和4年度に固有の記述")][:1] == ["survey-r4.pdf"]
    (out / "survey-r4.json").unlink()
    result = refresh_catalog(out)
    assert result.removed == ["survey-r4.json"] and result.reports == 1
    for table in TABLES:
        assert rows(out, f"SELECT count(*) FROM {table} WHERE report = 'survey-r4.pdf'") == [(0,)], table
    assert all(h.report != "survey-r4.pdf" for h in search(out, "令和4年度に固有の記述"))


def test_refresh_without_changes_rewrites_nothing(out):
    build_catalog(out)
    before = {name: (out / name).stat().st_ino for name in (CATALOG_NAME, SEARCH_NAME)}
    assert refresh_catalog(out).read == []
    assert {name: (out / name).stat().st_ino for name in (CATALOG_NAME, SEARCH_NAME)} == before


def test_refresh_makes_a_missing_catalog(out):
    result = refresh_catalog(out)
    assert result.reports == 2 and (out / CATALOG_NAME).is_file() and (out / SEARCH_NAME).is_file()


def test_a_killed_refresh_leaves_the_previous_catalog_and_no_temp_file(out, monkeypatch):
    build_catalog(out)
    before = digest(out / CATALOG_NAME)
    write_survey(out, 5, budget=999)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as a Ctrl-C half-way through the copy's update

    monkeypatch.setattr(duck_store, "apply", killed)
    with pytest.raises(KeyboardInterrupt):
        refresh_catalog(out)
    assert digest(out / CATALOG_NAME) == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert rows(
        out, "SELECT text FROM table_cells WHERE report = 'survey-r5.pdf' AND row_index = 1 AND col_index = 1"
    ) == [("105",)]
    monkeypatch.undo()
    refresh_catalog(out)  # the next refresh catches up: the catalog recorded nothing of the failed one
    assert rows(
        out, "SELECT text FROM table_cells WHERE report = 'survey-r5.pdf' AND row_index = 1 AND col_index = 1"
    ) == [("999",)]


def test_a_reader_keeps_its_catalog_while_a_refresh_replaces_it(out):
    build_catalog(out)
    with duckdb.connect(str(out / CATALOG_NAME), read_only=True) as reader:
        write_survey(out, 5, budget=999)
        refresh_catalog(out)  # DuckDB would refuse to open a file another process holds for writing
        assert reader.execute(
            "SELECT text FROM table_cells WHERE report = 'survey-r5.pdf' AND row_index = 1 AND col_index = 1"
        ).fetchall() == [("105",)]
    assert rows(
        out, "SELECT text FROM table_cells WHERE report = 'survey-r5.pdf' AND row_index = 1 AND col_index = 1"
    ) == [("999",)]


def test_a_duplicate_copy_is_one_report_and_outlives_its_original(out):
    copy_outputs(out, "survey-r4", "survey-r4 (copy)", "survey-r4.json")
    build_catalog(out)
    assert rows(out, "SELECT report, output FROM reports ORDER BY report") == [
        ("survey-r4.pdf", "survey-r4 (copy).json"),
        ("survey-r5.pdf", "survey-r5.json"),
    ]
    (out / "survey-r4 (copy).json").unlink()
    assert refresh_catalog(out).reports == 2
    assert rows(out, "SELECT count(*) FROM blocks WHERE report = 'survey-r4.pdf'") == [(3,)]  # a chart label too


def test_files_that_are_no_report_are_skipped_and_named(out):
    (out / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
    (out / "broken.json").write_text("{", encoding="utf-8")
    # A name that is not UTF-8 (put there by hand: runs name outputs in UTF-8) is passed over.
    (out / b"\x93\xfa.json".decode("utf-8", "surrogateescape")).write_bytes((out / "survey-r4.json").read_bytes())
    write_survey(out, 6)
    (out / "survey-r6.tables.parquet").write_bytes(b"PAR1 not parquet")  # a damaged flat file
    result = build_catalog(out)
    assert result.reports == 2
    assert sorted(p.split(":")[0] for p in result.problems) == ["broken.json", "notes.json", "survey-r6.json"]
    recorded = [name for (name,) in rows(out, "SELECT output FROM catalog_files ORDER BY output")]
    assert recorded == ["broken.json", "notes.json", "survey-r4.json", "survey-r5.json", "survey-r6.json"]


def test_old_flat_files_are_read_with_their_old_column_names(out):
    table = pq.read_table(out / "survey-r4.tables.parquet").drop_columns(["report"])
    old = table.rename_columns(
        [{"table_key": "table", "row_index": "row", "col_index": "col"}.get(c, c) for c in table.column_names]
    )
    pq.write_table(old, out / "survey-r4.tables.parquet")
    build_catalog(out)
    assert rows(
        out,
        f"SELECT report, table_key, text FROM table_cells WHERE report = 'survey-r4.pdf' AND {VALUE_CELL}",
    ) == [("survey-r4.pdf", "図表3", "104")]


def test_a_failed_refresh_is_recorded_and_leaves_the_reports(out):
    (out / CATALOG_NAME).mkdir()  # something in the catalog's place that cannot be replaced
    outcome = refresh_outputs_catalog(out)
    assert outcome.failed and outcome.error and "catalog failed" in outcome.line()
    assert (out / "survey-r4.json").is_file() and (out / "survey-r5.json").is_file()
    shutil.rmtree(out / CATALOG_NAME)
    assert refresh_outputs_catalog(out).summary.startswith("2 reports")


def test_a_killed_refresh_of_the_search_index_leaves_the_last_committed_one(out, monkeypatch):
    from catalog import search_index
    from catalog.search import search

    build_catalog(out)
    write_survey(out, 5, budget=999)
    reader = search(out, "令和5年度に固有の記述")  # the index as a searcher sees it before

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # after the report's old units were deleted, before the new ones

    monkeypatch.setattr(search_index, "unit_words", killed)
    with pytest.raises(KeyboardInterrupt):
        refresh_catalog(out)
    assert search(out, "令和5年度に固有の記述") == reader  # the deletes were never committed
    monkeypatch.undo()
    assert refresh_catalog(out).read == ["survey-r5.json"]  # the index caught up; the catalog was already done
    assert search(out, "999")[0].report == "survey-r5.pdf"
