"""Search across every report of an output folder: BM25 over every text unit, Japanese
found through dictionary forms (GiNZA's lemmas, or SudachiPy on the query) and bigrams."""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers import survey_report
from typer.testing import CliRunner

from catalog.search import MARK_CLOSE, MARK_OPEN, SearchUnavailable, search
from catalog.sync import SEARCH_NAME, build_catalog
from catalog.terms import bigrams, query_terms, sudachi_available
from exporters import write_outputs
from flows.cli import app

runner = CliRunner()


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    for year in (4, 5):
        write_outputs(survey_report(year), folder, f"survey-r{year}")
    build_catalog(folder)
    return folder


def test_bigrams_fold_widths_and_case_and_split_at_punctuation():
    assert bigrams("評価する。ＡＩ") == "評価 価す する ai"
    assert bigrams("Ｘ") == "x" and bigrams("、。") == ""


def test_the_query_is_segmented_by_sudachi_into_dictionary_forms():
    assert sudachi_available()  # installed with GiNZA, pinned in pyproject
    terms = query_terms("評価し")
    assert terms.lemmas == ["評価", "する"]
    assert query_terms("知的財産の帰属").lemmas == ["知的財産", "帰属"]  # particle の dropped


def test_a_phrase_finds_its_unit_first_with_the_hit_marked(out):
    hits = search(out, "令和5年度に固有の記述")
    assert (hits[0].report, hits[0].unit_id, hits[0].unit_kind, hits[0].page) == ("survey-r5.pdf", "b2", "block", 1)
    assert f"{MARK_OPEN}令和5年度に固有の記述{MARK_CLOSE}" in hits[0].snippet
    # Every word of the query must be there: the other year's paragraph (令和4年度…) is no hit.
    assert [(h.report, h.unit_id) for h in hits] == [("survey-r5.pdf", "b2")]
    # A word query ranks the unit holding the exact wording first, then units holding the words.
    ranked = search(out, "研究支援者")
    assert ranked[0].unit_kind == "answer_item" and len({h.report for h in ranked}) == 2


def test_every_kind_of_unit_is_searched(out):
    found = {
        query: {(h.unit_kind, h.unit_id) for h in search(out, query)}
        for query in ("研究費", "単位は百万円", "前年度より増加", "研究体制について", "研究支援者", "研究体制調査")
    }
    assert ("cell", "p2-t0.r1.c0") in found["研究費"]
    assert ("note", "p2-t0.n1") in found["単位は百万円"]
    assert ("callout", "p2-t0.k1") in found["前年度より増加"]
    assert ("question", "g1.q1") in found["研究体制について"]
    assert ("answer_item", "g1.q1.a1.i1") in found["研究支援者"]
    assert ("figure_note", "p3-f0.n1") in found["研究体制調査"]


def test_an_inflected_query_finds_the_dictionary_form_without_nlp(out):
    # The reports were ingested without NLP: 評価し reaches 評価する through its dictionary forms' bigrams.
    hits = search(out, "評価し")
    assert {(h.report, h.unit_id) for h in hits} == {("survey-r4.pdf", "b2"), ("survey-r5.pdf", "b2")}
    assert f"{MARK_OPEN}評価{MARK_CLOSE}する" in hits[0].snippet


def test_widths_and_case_do_not_matter(out):
    assert [(h.report, h.unit_id) for h in search(out, "１０４")] == [("survey-r4.pdf", "p2-t0.r1.c1")]


def test_limit_and_no_hits(out):
    assert len(search(out, "研究", limit=3)) == 3
    assert search(out, "存在しない語句ですよ") == []
    assert search(out, "、。") == []  # nothing searchable in the query


def test_no_index_says_how_to_make_one(tmp_path):
    with pytest.raises(SearchUnavailable, match="survey-ingest catalog"):
        search(tmp_path, "研究")


def test_cli_catalog_then_search_text_and_json(tmp_path):
    folder = tmp_path / "out"
    write_outputs(survey_report(4), folder, "survey-r4")
    built = runner.invoke(app, ["catalog", str(folder)])
    assert built.exit_code == 0, built.output
    assert "1 reports (1 read, 0 removed)" in built.output
    text = runner.invoke(app, ["search", str(folder), "前年度より増加", "--limit", "1"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        f"survey-r4.pdf  p.2  p2-t0.k1 (callout)  {MARK_OPEN}前年度より増加{MARK_CLOSE}"
    ]
    as_json = runner.invoke(app, ["search", str(folder), "研究費", "--json"])
    hits = json.loads(as_json.output)
    assert hits[0]["unit_id"] == "p2-t0.r1.c0" and hits[0]["text"] == "研究費" and hits[0]["page"] == 2
    missing = runner.invoke(app, ["search", str(tmp_path), "研究費"])
    assert missing.exit_code == 1


@pytest.mark.slow
def test_reports_with_nlp_are_searched_by_ginza_lemmas(tmp_path):
    from extractors.nlp.segment import segment_report

    folder = tmp_path / "out"
    report = segment_report(survey_report(4))
    report.pipeline.nlp = True
    write_outputs(report, folder, "survey-r4")
    build_catalog(folder)
    con = sqlite3.connect(folder / SEARCH_NAME)
    (words,) = con.execute("SELECT words FROM units WHERE unit_id = 'b2'").fetchone()
    assert "評価" in words.split() and "する" in words.split()  # GiNZA's dictionary forms
    # Only the words can match: the inflected form is nowhere in the text.
    (matched,) = con.execute('SELECT count(*) FROM units WHERE units MATCH \'words : ("評価" AND "する")\'').fetchone()
    assert matched == 1
    assert [h.unit_id for h in search(folder, "評価し")] == ["b2"]


def test_query_syntax_of_the_index_is_never_the_users(out):
    # Whatever is typed is searched as text: FTS5 operators, quotes and columns have no effect.
    for query in (
        '"',
        "*",
        "AND OR NOT",
        "NEAR(研究 費)",
        "(研究",
        "grams:研究",
        "-研究",
        "研究*",
        "'; DROP TABLE units; --",
    ):
        search(out, query)  # no syntax error
    assert [h.unit_id for h in search(out, "研究費 OR 存在しない")] == []  # OR is a word here, not an operator
    assert search(out, "(研究費)")[0].unit_id == "p2-t0.r1.c0"
