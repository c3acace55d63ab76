"""``survey-ingest``: exit codes, one line per failed file, validate and schema commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docmodel.schema import generate_schema
from flows.cli import app, find_pdfs

runner = CliRunner()
CONSOLE_SCRIPT = Path(sys.executable).parent / "survey-ingest"


@pytest.mark.usefixtures("prefect_harness")
def test_run_exit_codes_and_failure_lines(tmp_path, tiny_pdf, bad_inputs):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(tiny_pdf, inbox / "good.pdf")
    result = runner.invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--no-nlp"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 files ingested" in result.output
    assert (tmp_path / "out" / "good.json").exists()

    shutil.copy(bad_inputs["encrypted.pdf"], inbox / "locked.pdf")
    shutil.copy(bad_inputs["not-a-pdf.pdf"], inbox / "fake.pdf")
    result = runner.invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"), "--no-nlp"])
    assert result.exit_code == 1
    failure_lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert failure_lines == [
        "error fake.pdf: open: not a PDF (no %PDF- header)",
        "error locked.pdf: open: encrypted PDF: needs a password",
    ]
    assert "1 of 3 files ingested" in result.output


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
    doc = {"schema_version": "1-0-0", "file": "x.pdf", "sha256": None, "reason": "empty file (0 bytes)",
           "stage": "open", "pipeline_version": "0.1.0"}
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
    missing = subprocess.run([CONSOLE_SCRIPT, "validate", str(tmp_path / "absent.json")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "invalid" in missing.stderr
