"""Every example of docs/consumer-guide.md runs against real output, so the guide cannot rot.

The code blocks are taken from the markdown as they are: ```python blocks run in order in
one namespace, ```sql blocks run in DuckDB with default settings and must return rows (a
block whose first line is ``-- duckdb -readonly FILE`` runs in that database, read-only).
They run in a folder holding ``outputs/`` (the source report ingested with NLP and
variant-1 without, written by ``exporters.write_outputs`` as the flow does, and the
catalog a run leaves) and ``schemas/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import SOURCE_REPORT, no_nlp

GUIDE = Path(__file__).parent.parent / "docs" / "consumer-guide.md"
SCHEMAS = Path(__file__).parent.parent / "schemas"
BLOCK = re.compile(r"^```(python|sql)\n(.*?)^```", re.S | re.M)
DATABASE = re.compile(r"^-- duckdb -readonly (\S+)\n")

pytestmark = pytest.mark.slow


def guide_blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def test_the_guide_has_examples_of_each_kind():
    kinds = [kind for kind, _ in guide_blocks()]
    assert kinds.count("python") >= 3 and kinds.count("sql") >= 3
    # Cross-survey examples run in the catalog.
    assert sum(bool(DATABASE.match(code)) for kind, code in guide_blocks() if kind == "sql") >= 2
    assert "consumer-guide.md" in (GUIDE.parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    from catalog.sync import refresh_catalog
    from exporters import write_outputs
    from extractors.nlp.segment import segment_report
    from extractors.pipeline import extract_report

    root = tmp_path_factory.mktemp("consumer")
    report = segment_report(extract_report(SOURCE_REPORT, no_nlp()))
    report.pipeline.nlp = True
    write_outputs(report, root / "outputs", "source-report")
    variant = SOURCE_REPORT.with_name("variant-1.pdf")
    write_outputs(extract_report(variant, no_nlp()), root / "outputs", "variant-1")
    # A deck of charts, for the chart examples (no NLP: the examples read its figures).
    slides = SOURCE_REPORT.parent / "real" / "mhlw-harassment-survey-r5-summary-slides.pdf"
    write_outputs(extract_report(slides, no_nlp()), root / "outputs", slides.stem)
    refresh_catalog(root / "outputs")  # as `run` ends
    (root / "schemas").symlink_to(SCHEMAS, target_is_directory=True)
    return root


def test_every_example_runs(workdir, monkeypatch, capsys):
    import duckdb

    monkeypatch.chdir(workdir)
    namespace: dict = {}
    blocks = guide_blocks()
    for number, (kind, code) in enumerate(blocks, start=1):
        if kind == "python":
            exec(compile(code, f"{GUIDE.name} block {number}", "exec"), namespace)
        else:
            database = DATABASE.match(code)
            con = duckdb.connect(database.group(1), read_only=True) if database else duckdb.connect()
            rows = con.sql(code).fetchall()
            assert rows, f"block {number} returned no rows:\n{code}"
    out = capsys.readouterr().out
    assert "survey-report/3-1-0" in out and "valid survey-report/3-1-0" in out
