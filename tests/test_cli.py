"""``survey-ingest``: exit codes, one line per failed file, validate and schema commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from helpers import REPO, api_env, build_pdf
from typer.testing import CliRunner

from docmodel.schema import generate_schema
from extractors import pipeline
from flows.cli import app, find_pdfs, printable

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

runner = CliRunner()
CONSOLE_SCRIPT = Path(sys.executable).parent / "survey-ingest"


@pytest.mark.usefixtures("prefect_harness")
def test_run_exit_codes_and_failure_lines(tmp_path, tiny_pdf, bad_inputs):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(tiny_pdf, inbox / "good.pdf")
    result = runner.invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--no-nlp"])
    assert result.exit_code == 0, result.output
    assert "1 ok, 0 partial, 0 failed of 1 files ingested" in result.output
    assert (tmp_path / "out" / "good.json").exists()
    # The run ends by refreshing the folder's catalog with the report it wrote.
    assert "catalog 1 reports (1 read, 0 removed)" in result.output
    with duckdb.connect(str(tmp_path / "out" / "catalog.duckdb"), read_only=True) as catalog:
        assert catalog.execute("SELECT report, status FROM reports").fetchall() == [("good.pdf", "ok")]

    shutil.copy(bad_inputs["encrypted.pdf"], inbox / "locked.pdf")
    shutil.copy(bad_inputs["not-a-pdf.pdf"], inbox / "fake.pdf")
    result = runner.invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--no-nlp"])
    assert result.exit_code == 1
    failure_lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert failure_lines == [
        "error fake.pdf: open: not a PDF (no %PDF- header)",
        "error locked.pdf: open: encrypted PDF: needs a password",
    ]
    assert "1 ok, 0 partial, 2 failed of 3 files ingested" in result.output
    assert "catalog 1 reports (1 read, 0 removed)" in result.output  # good.pdf again; error records are no reports


@pytest.mark.usefixtures("prefect_harness")
def test_run_a_file_with_a_failed_page_is_partial(tmp_path, monkeypatch):
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(build_pdf(pages=3))
    real = pipeline.extract_page

    def page_two_breaks(page, number, *args, **kwargs):
        if number == 2:
            raise ValueError("injected page failure")
        return real(page, number, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_page", page_two_breaks)
    out = tmp_path / "out"
    args = ["run", str(pdf), "--out", str(out), "--no-nlp", "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output  # a partial file is not a failure …
    assert "partial three.pdf → " in result.output and "failed pages 2)" in result.output
    assert "0 ok, 1 partial, 0 failed of 1 files ingested" in result.output
    doc = json.loads((out / "three.json").read_text(encoding="utf-8"))
    assert doc["failed_pages"] == 1 and doc["pages"][1]["error"]["reason"] == "ValueError: injected page failure"
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1, strict.output  # … unless --strict
    assert "0 ok, 1 partial, 0 failed of 1 files ingested" in strict.output


def test_run_without_pdfs_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path), str(tmp_path / "absent.pdf"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no .pdf files in this folder" in result.output and "absent.pdf: no such file or folder" in result.output
    assert not (tmp_path / "o").exists()


def test_find_pdfs(tmp_path):
    for name in ["b.pdf", "a.PDF", ".hidden.pdf", "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    explicit = tmp_path / "notes.txt"
    found, problems = find_pdfs([tmp_path, explicit])
    assert [p.name for p in found] == ["a.PDF", "b.pdf", "notes.txt"] and problems == []


def test_validate_command(tmp_path):
    doc = {
        "schema_version": "1-0-0",
        "file": "x.pdf",
        "sha256": None,
        "reason": "empty file (0 bytes)",
        "stage": "open",
        "pipeline_version": "0.1.0",
    }
    good, bad, broken = tmp_path / "x.error.json", tmp_path / "y.error.json", tmp_path / "z.json"
    good.write_text(json.dumps(doc))
    bad.write_text(json.dumps(dict(doc, stage=None)))
    broken.write_text("{not json")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0 and "valid   " in result.output
    result = runner.invoke(app, ["validate", str(good), str(bad), str(broken)])
    assert result.exit_code == 1
    assert f"invalid {bad}: invalid ingest-error 1-0-0: stage: None is not of type 'string'" in result.output
    assert f"invalid {broken}: JSONDecodeError" in result.output


def test_console_script_schema_and_validate(tmp_path):
    # The installed entry point, without Prefect: these commands must not start a server.
    result = subprocess.run([CONSOLE_SCRIPT, "schema"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == generate_schema()
    missing = subprocess.run(
        [CONSOLE_SCRIPT, "validate", str(tmp_path / "absent.json")], capture_output=True, text=True, timeout=120
    )
    assert missing.returncode == 1 and "invalid" in missing.stderr


def console_script(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([CONSOLE_SCRIPT, *args], capture_output=True, text=True, timeout=timeout)


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    (tmp_path / "inbox").mkdir()
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(build_pdf())
    cases = {
        "--out is a file": ["run", str(pdf), "--out", str(a_file)],
        "unknown runner": ["run", str(pdf), "--out", str(tmp_path / "o"), "--runner", "bogus"],
        "review of a missing JSON": ["review", str(tmp_path / "absent.json")],
        "bad cron": ["serve", "--inbox", str(tmp_path / "inbox"), "--out", str(tmp_path / "o"), "--cron", "every day"],
        "bad time zone": [
            "serve",
            "--inbox",
            str(tmp_path / "inbox"),
            "--out",
            str(tmp_path / "o"),
            "--cron",
            "0 * * * *",
            "--timezone",
            "Mars/Olympus",
        ],
        "serve a missing inbox": [
            "serve",
            "--inbox",
            str(tmp_path / "absent"),
            "--out",
            str(tmp_path / "o"),
            "--cron",
            "0 * * * *",
        ],
        "inbox a missing inbox": ["inbox", "--inbox", str(tmp_path / "absent"), "--out", str(tmp_path / "o")],
        "unknown command": ["bogus"],
        "unknown option": ["run", str(pdf), "--out", str(tmp_path / "o"), "--bogus"],
    }
    for what, args in cases.items():
        result = console_script(*args)
        assert result.returncode == 2, (what, result.stderr)
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1, (what, result.stderr)
        assert result.stderr.startswith("survey-ingest: error: "), (what, result.stderr)
    assert not (tmp_path / "o").exists()


def test_help_and_version_are_fast_and_import_no_heavy_library():
    for args in (["--help"], ["--version"], ["run", "--help"], ["inbox", "--help"]):
        started = time.perf_counter()
        result = console_script(*args)
        assert result.returncode == 0, result.stderr
        # Generous for a shared 2-core machine; unloaded it is ~0.5 s.
        assert time.perf_counter() - started < 3, args
    assert console_script("--version").stdout.startswith("survey-ingest ")
    probe = (
        "import sys; import flows.cli; heavy = [m for m in ('prefect', 'pdfplumber', 'spacy', 'pdfminer') "
        "if m in sys.modules]; print(heavy)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_printable_escapes_what_a_terminal_would_act_on():
    assert printable("a\x1b[2Jb\nc\u202ed.pdf") == "a\\x1b[2Jb\\nc\\u202ed.pdf"
    assert printable(b"\x93\xfa.pdf".decode("utf-8", "surrogateescape")) == "\\x93\\xfa.pdf"
    assert printable("報告書 (1).pdf") == "報告書 (1).pdf"


def test_find_pdfs_does_not_follow_symlinks_out_of_the_folder(tmp_path):
    folder, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.pdf").write_bytes(b"%PDF-")
    (folder / "own.pdf").write_bytes(b"%PDF-")
    (folder / "out.pdf").symlink_to(elsewhere / "secret.pdf")
    (folder / "in.pdf").symlink_to(folder / "own.pdf")
    found, problems = find_pdfs([folder])
    assert [p.name for p in found] == ["in.pdf", "own.pdf"]
    assert len(problems) == 1 and "out.pdf: symlink leading outside" in problems[0]
    found, problems = find_pdfs([folder], follow_symlinks=True)
    assert [p.name for p in found] == ["in.pdf", "out.pdf", "own.pdf"] and problems == []


@pytest.mark.usefixtures("prefect_harness")
def test_run_logs_reach_prefect_not_the_terminal(tmp_path, tiny_pdf):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import FlowRunSort

    env = {**api_env(), "PREFECT_LOGGING_LEVEL": "WARNING"}  # run logs still go to the API at INFO
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(tiny_pdf), "--out", str(tmp_path / "out"), "--no-nlp"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert " | INFO " not in result.stderr and "Finished in state" not in result.stderr  # no Prefect log lines
    with get_client(sync_client=True) as client:
        # This run's logs only: the session's earlier runs may hold more than a page of them.
        [run] = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    line = f"{tiny_pdf.name}: ok: 1 pages"
    assert any(log.message.startswith(line) for log in logs), [log.message for log in logs]


def test_progress_display_has_a_row_per_file_being_worked():
    import io

    from rich.console import Console

    from flows.cli import RichProgress
    from flows.ingest import FileOutcome

    display = RichProgress(Console(file=io.StringIO(), width=120), total_files=2)
    display.stage_started("a.pdf", "open")
    display.stage_started("b.pdf", "open")
    display.file_started("a.pdf", 3)
    display.stage_started("a.pdf", "pages")
    display.page_done("a.pdf", 2)
    display.stage_started("b.pdf", "segment")
    rows = {t.description: (t.completed, t.total) for t in display.progress.tasks}
    assert rows == {"files": (0, 2), "  a.pdf · pages": (2, 3), "  b.pdf · segment (GiNZA)": (0, None)}

    display.file_done(FileOutcome(file="a.pdf", status="ok", output="a.json", pages=3))
    display.page_done("a.pdf", 3)  # a worker's event that arrives after its file's end
    rows = {t.description: (t.completed, t.total) for t in display.progress.tasks}
    assert rows == {"files": (1, 2), "  b.pdf · segment (GiNZA)": (0, None)}
    assert "a.pdf → a.json" in display.console.file.getvalue()
