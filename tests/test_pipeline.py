"""The pipeline declared once: its stages, its settings from the top, its page ranges."""

from __future__ import annotations

import json

import pytest
from helpers import SOURCE_REPORT, build_pdf
from typer.testing import CliRunner

from extractors import pipeline
from extractors.pipeline import PAGE_RANGE_MIN_PAGES, STAGES, Stage, extract_report, page_ranges
from extractors.settings import PipelineSettings, SettingsError, parse_assignment, resolve_settings
from flows import tasks

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

NO_NLP = PipelineSettings(nlp=False)

# A ruled 2×2 table whose middle rule is drawn 3 pt further right in the lower row: within
# a snap tolerance of 4 pt one column border, within the default 2 pt two (and spans).
OFFSET_RULE_TABLE = b"""0.75 w
72 700 m 328 700 l S 72 670 m 328 670 l S 72 640 m 328 640 l S
72 700 m 72 640 l S 328 700 m 328 640 l S
200 700 m 200 670 l S 203 670 m 203 640 l S
BT /F1 12 Tf 80 680 Td (Region) Tj ET BT /F1 12 Tf 210 680 Td (Share) Tj ET
BT /F1 12 Tf 80 650 Td (North) Tj ET BT /F1 12 Tf 210 650 Td (42) Tj ET
"""


@pytest.fixture
def table_pdf(tmp_path):
    path = tmp_path / "table.pdf"
    path.write_bytes(build_pdf(OFFSET_RULE_TABLE))
    return path


def test_stages_are_declared_once_in_data_path_order():
    assert STAGES == (Stage.OPEN, Stage.PAGES, Stage.ASSEMBLE, Stage.SEGMENT, Stage.VALIDATE, Stage.WRITE)
    assert [str(stage) for stage in STAGES] == ["open", "pages", "assemble", "segment", "validate", "write"]
    assert tuple(Stage) == STAGES
    # The flows' tasks are the stages, named by them.
    flow_tasks = [
        tasks.open_document,
        tasks.extract_pages,
        tasks.assemble,
        tasks.segment,
        tasks.validate_report,
        tasks.write_outputs,
    ]
    assert [t.name for t in flow_tasks] == [str(stage) for stage in STAGES]


def test_settings_load_from_toml_and_yaml(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text("nlp = false\n[tables.grid]\nsnap_tolerance = 4\n[limits]\npage_seconds = 30\n", encoding="utf-8")
    yaml = tmp_path / "s.yaml"
    yaml.write_text(
        "nlp: false\ntables:\n  grid:\n    snap_tolerance: 4\nlimits:\n  page_seconds: 30\n", encoding="utf-8"
    )
    for path in (toml, yaml):
        settings = PipelineSettings.load(path)
        assert settings.nlp is False and settings.tables.grid.snap_tolerance == 4.0
        assert settings.limits.page_seconds == 30.0
        # What the file does not name keeps its default.
        assert settings.tables.grid.join_tolerance == PipelineSettings().tables.grid.join_tolerance
        assert settings.lines == PipelineSettings().lines


def test_set_overrides_and_precedence(tmp_path):
    assert parse_assignment("tables.grid.snap_tolerance=4") == {"tables": {"grid": {"snap_tolerance": 4}}}
    assert parse_assignment("nlp=false") == {"nlp": False}
    file = tmp_path / "s.toml"
    file.write_text("nlp = false\n[lines]\nmax_gap = 3.0\n", encoding="utf-8")
    settings = resolve_settings(file, ["lines.max_gap=5", "qa_grids.items.join_unfinished=false"], nlp=True)
    assert (settings.lines.max_gap, settings.qa_grids.items.join_unfinished, settings.nlp) == (5.0, False, True)


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("tables.grid.snap_tolerence=4", "unknown setting snap_tolerence"),
        ("tabels.grid.snap_tolerance=4", "tabels: Extra inputs are not permitted"),
        ("lines.max_gap=wide", "lines.max_gap: Input should be a valid number"),
        ("lines.max_gap", "expected section.field=value"),
    ],
)
def test_bad_settings_are_refused_in_one_line(assignment, message):
    with pytest.raises(SettingsError, match=message) as caught:
        PipelineSettings().with_overrides([assignment])
    assert "\n" not in str(caught.value)


def test_settings_travel_to_the_table_stage(table_pdf):
    (default,) = extract_report(table_pdf, NO_NLP).tables
    (snapped,) = extract_report(table_pdf, NO_NLP.with_overrides(["tables.grid.snap_tolerance=4"])).tables
    # By default the rule 3 pt off is a sliver and goes, merging the second row's cells;
    # snapped within 4 pt, the two rules are one grid line and every cell keeps its own.
    assert [[(c.col, c.colspan, c.text) for c in row] for row in default.rows] == [
        [(0, 1, "Region"), (1, 1, "Share")],
        [(0, 2, "North 42")],
    ]
    assert [[(c.col, c.colspan, c.text) for c in row] for row in snapped.rows] == [
        [(0, 1, "Region"), (1, 1, "Share")],
        [(0, 1, "North"), (1, 1, "42")],
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_settings_file_changes_the_output_of_run(tmp_path, table_pdf):
    """End to end: a tolerance in a TOML file, through `survey-ingest run --settings`."""
    from flows.cli import app

    settings_file = tmp_path / "wide-snap.toml"
    settings_file.write_text("nlp = false\n\n[tables.grid]\nsnap_tolerance = 4.0\n", encoding="utf-8")
    runner = CliRunner()
    outputs = {}
    for name, extra in (("default", ["--no-nlp"]), ("file", ["--settings", str(settings_file)])):
        out = tmp_path / name
        result = runner.invoke(app, ["run", str(table_pdf), "--out", str(out), "--workers", "1", *extra])
        assert result.exit_code == 0, result.output
        outputs[name] = json.loads((out / "table.json").read_text(encoding="utf-8"))
    default, changed = outputs["default"]["tables"][0], outputs["file"]["tables"][0]
    assert [[cell["colspan"] for cell in row] for row in default["rows"]] == [[1, 1], [2]]
    assert [[cell["colspan"] for cell in row] for row in changed["rows"]] == [[1, 1], [1, 1]]
    assert outputs["file"]["pipeline"]["nlp"] is False

    bad = runner.invoke(
        app, ["run", str(table_pdf), "--out", str(tmp_path / "bad"), "--set", "tables.grid.snap_tolerence=4"]
    )
    assert bad.exit_code == 2 and "unknown setting snap_tolerence" in bad.output


def test_page_ranges_tile_the_pages_in_order():
    for count, workers in ((44, 2), (385, 2), (7, 3), (1, 4)):
        ranges = page_ranges(count, workers)
        assert [n for r in ranges for n in r] == list(range(1, count + 1))
        assert all(len(r) > 0 for r in ranges) and len(ranges) <= count


def test_page_ranges_over_two_workers_give_the_same_report(corpus_reports):
    assert len(corpus_reports["source-report"].pages) >= PAGE_RANGE_MIN_PAGES
    parallel = extract_report(SOURCE_REPORT, NO_NLP, workers=2)
    assert parallel.model_dump_json() == corpus_reports["source-report"].model_dump_json()


def test_page_time_limit_applies_inside_page_range_workers():
    # Far too short for any page: each worker's timer interrupts every page it is given.
    report = extract_report(SOURCE_REPORT, NO_NLP.with_overrides(["limits.page_seconds=0.001"]), workers=2)
    assert [p.number for p in report.pages] == list(range(1, report.source.page_count + 1))
    assert report.failed_pages == len(report.pages)
    assert {p.error.stage for p in report.pages} == {"time-limit"}
    assert report.blocks == [] and report.tables == []


def test_short_files_stay_in_this_process(monkeypatch, table_pdf):
    monkeypatch.setattr(pipeline, "_extract_ranges", lambda *a: pytest.fail("a one-page file started workers"))
    assert len(extract_report(table_pdf, NO_NLP, workers=2).pages) == 1


def test_every_setting_is_documented():
    from extractors.settings import Limits

    for model in (PipelineSettings, Limits):
        undocumented = [name for name, field in model.model_fields.items() if not field.description]
        assert undocumented == [], f"{model.__name__}: {undocumented}"


def test_inbox_settings_keep_its_page_limit_unless_told_otherwise(tmp_path):
    from flows.inbox import INBOX_SETTINGS, PAGE_SECONDS, inbox_settings

    assert inbox_settings().limits.page_seconds == PAGE_SECONDS and inbox_settings().nlp is True
    file = tmp_path / "s.toml"
    file.write_text("[limits]\npage_seconds = 30\nmax_pages = 50\n", encoding="utf-8")
    from_file = PipelineSettings.load(file, INBOX_SETTINGS)
    assert (from_file.limits.page_seconds, from_file.limits.max_pages) == (30.0, 50)
    # The inbox's own options, when given, win over the file; 0 seconds means no limit.
    given = inbox_settings(from_file, nlp=False, page_seconds=0)
    assert (given.limits.page_seconds, given.limits.max_pages, given.nlp) == (0.0, 50, False)
