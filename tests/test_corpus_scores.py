"""The acceptance floors, scored against the corpus truth from one extraction per PDF.

Tables (TEDS, exact cells, captions and legends), narrative blocks and page furniture,
Q&A grids, and the leak check all read the same ``SurveyReport`` the JSON is made of.
"""

from __future__ import annotations

import pytest
from helpers import CORPUS, CORPUS_STEMS

from evaluation.__main__ import score_file
from evaluation.tables import mean_report
from evaluation.truth import load_truth, truth_tables
from extractors.document.table_join import join_logical_tables

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def scores(corpus_reports):
    return {stem: score_file(CORPUS / f"{stem}.pdf", report) for stem, report in corpus_reports.items()}


def test_the_corpus_has_its_five_reports():
    assert CORPUS_STEMS == ["source-report", "variant-1", "variant-2", "variant-3", "variant-4"]


def test_table_floors(scores):
    results = [s.tables for s in scores.values()]
    for r in results:
        print(f"{r['file']:24} TEDS {r['teds']:.4f} struct {r['teds_struct']:.4f} cells {r['cells_exact']:.4f}")
    mean = mean_report(results)
    assert mean["teds"] >= 0.98
    assert mean["cells_exact"] >= 0.97
    assert all(r["teds"] >= 0.95 and r["extra_tables"] == 0 for r in results)


# Tables of real government PDFs (other producers) against their hand-made truth, per
# file: (TEDS, TEDS-Struct, exact cells) at what the table stages achieve (okinawa and
# the means as of shading across borderless seams, 2026-12-07) — TEDS cut to two decimals
# (1.000 → 0.999) for float noise, exact cells as the count, so one cell lost fails.
# None: annotated pages without a table. No file may show a false table. Issue 21's
# target for this truth: TEDS ≥ 0.98, cells exact ≥ 0.95.
REAL_FLOORS: dict[str, tuple[float, float, int] | None] = {
    "cio-dp2020-02-municipal-notices": (0.999, 0.999, 834),  # of 838 cells
    "cio-dp2021-06-att-data-talent-framework": (0.999, 0.999, 335),  # of 336
    "cio-dp2021-07-att-metadata-concept": (0.999, 0.999, 110),  # of 112
    "mext-genai-guideline-v2-2024": (0.999, 0.999, 24),  # of 24
    "mhlw-ec-clinics-aichi": (0.999, 0.999, 437),  # of 442
    "mhlw-ec-clinics-hokkaido": (0.999, 0.999, 129),  # of 137
    "mhlw-employment-trend-survey-r4": (0.999, 0.999, 319),  # of 319
    "mhlw-harassment-survey-r5-report": (0.999, 0.999, 602),  # of 602
    "mhlw-harassment-survey-r5-summary-slides": None,  # chart slides
    "mhlw-mf-cell-tissue-guidance-2013": (0.999, 0.999, 132),  # of 134
    "okinawa-covid-positive-list-2021-09-24": (0.79, 0.80, 312),  # of 414: one irregular block not found
    "pmda-mf-system-overview-slides": (0.999, 0.999, 66),  # of 66
}
# Means over the files (TEDS over those with tables, cells exact over all truth cells).
REAL_MEAN_FLOORS = {"teds": 0.98, "teds_struct": 0.98, "cells_exact": 0.96}


@pytest.fixture(scope="module")
def real_scores():
    from evaluation.realworld import print_real_scores, real_pdfs, score_real_file

    scores = {pdf.stem: score_real_file(pdf) for pdf in real_pdfs(CORPUS / "real")}
    print_real_scores(list(scores.values()))
    return scores


def test_every_real_pdf_with_truth_has_its_floors(real_scores):
    assert sorted(real_scores) == sorted(REAL_FLOORS)


@pytest.mark.parametrize("stem", sorted(REAL_FLOORS))
def test_real_government_pdf_table_floors(real_scores, stem):
    score, floors = real_scores[stem], REAL_FLOORS[stem]
    assert score.false_positives == 0
    if floors is None:
        assert score.tables == 0
        return
    teds, teds_struct, cells_right = floors
    assert score.teds is not None and score.teds_struct is not None
    assert score.teds >= teds and score.teds_struct >= teds_struct, score.per_table
    assert score.cells_right >= cells_right, score.per_table


def test_real_government_pdf_mean_floors(real_scores):
    from evaluation.realworld import mean_real

    mean = mean_real(list(real_scores.values()))
    assert mean["false_positives"] == 0
    assert all(mean[key] >= floor for key, floor in REAL_MEAN_FLOORS.items()), mean


def test_table_headers_captions_and_legends(scores):
    mean = mean_report([s.tables for s in scores.values()])
    assert mean["header_rows_ok"] >= 0.95
    assert mean["caption_ok"] >= 0.95
    assert mean["around_ok"] >= 0.95


def test_multi_part_tables_join_with_page_provenance(corpus_reports):
    for stem, report in corpus_reports.items():
        logical = {t.caption_id: t for t in join_logical_tables(report.tables)}
        parts: dict[str, list] = {}
        for t in truth_tables(load_truth(CORPUS / f"{stem}.yaml")):
            if t.part is not None:
                parts.setdefault(t.caption_id, []).append(t)
        assert set(logical) == set(parts), stem
        for caption_id, truth_parts in parts.items():
            expected_rows = len(truth_parts[0].rows) + sum(len(t.rows) - t.header_rows for t in truth_parts[1:])
            assert len(logical[caption_id].rows) == expected_rows, (stem, caption_id)
            assert [p.page for p in logical[caption_id].parts] == [t.page for t in truth_parts]


@pytest.mark.parametrize("stem", CORPUS_STEMS)
def test_narrative_blocks(scores, stem):
    blocks = scores[stem].blocks
    assert blocks.truth_blocks >= 200
    assert blocks.exact_share >= 0.97, blocks.misses[:10]
    assert blocks.type_accuracy >= 0.97
    assert blocks.marker_accuracy >= 0.97
    assert blocks.furniture_accuracy >= 0.97, blocks.misses[:10]
    assert blocks.precision >= 0.95


def test_qa_grid_floors(scores):
    """Over the public corpus: answer cells and question texts >= 0.99, respondents in order."""
    qa = [s.qa for s in scores.values()]
    for stem, s in scores.items():
        print(f"{stem:16} cells {s.qa.cells_right}/{s.qa.cells} questions {s.qa.questions_right}/{s.qa.questions}")
        assert s.qa.grids_found == s.qa.grids_expected
        assert s.qa.respondents_all_in_order, s.qa.misses
        assert s.qa.answer_cell_accuracy >= 0.95 and s.qa.question_text_accuracy >= 0.95, s.qa.misses[:5]
    assert sum(q.cells_right for q in qa) / sum(q.cells for q in qa) >= 0.99
    assert sum(q.questions_right for q in qa) / sum(q.questions for q in qa) >= 0.99


def test_no_radical_or_private_use_code_point_in_any_output_text(scores):
    assert {stem: s.leaks for stem, s in scores.items()} == {stem: [] for stem in scores}


# Text structure of real pages (other producers) against hand-made block truth
# (``<stem>.blocks.yaml``, scored by ``evaluation.real_blocks``): per file, blocks exact
# and reading order kept at what the block stage achieves now, cut to two decimals.
# Issue 22's target for this truth: blocks exact ≥ 0.95 pooled.
BLOCK_FLOORS: dict[str, tuple[float, float]] = {
    "cio-dp2021-07-att-metadata-concept": (0.99, 0.99),
    "mext-genai-guideline-v2-2024": (0.99, 0.99),
    "mext_r6_st_whitepaper_ch1": (0.96, 0.99),
    "mhlw-employment-trend-survey-r4": (0.95, 0.99),
    "soumu-ict-whitepaper-r6-ch4s1": (0.94, 0.99),
}
BLOCK_POOLED_FLOORS = {"exact": 0.96, "order": 0.99}


@pytest.fixture(scope="module")
def block_scores():
    from evaluation.real_blocks import block_truth_pdfs, print_block_scores, score_file

    scores = {pdf.stem: score_file(pdf) for pdf in block_truth_pdfs(CORPUS / "real")}
    print_block_scores(list(scores.values()))
    return scores


def test_every_real_pdf_with_block_truth_has_its_floors(block_scores):
    assert sorted(block_scores) == sorted(BLOCK_FLOORS)


@pytest.mark.parametrize("stem", sorted(BLOCK_FLOORS))
def test_real_pages_block_floors(block_scores, stem):
    score, (exact, order) = block_scores[stem], BLOCK_FLOORS[stem]
    misses = [m for p in score.pages for m in p.misses]
    assert score.exact_share >= exact, misses
    assert score.order_share >= order


def test_real_pages_pooled_block_floors(block_scores):
    from evaluation.real_blocks import mean_blocks

    mean = mean_blocks(list(block_scores.values()))
    assert all(mean[key] >= floor for key, floor in BLOCK_POOLED_FLOORS.items()), mean
