"""One hostile folder through every entry point: ``run`` and ``inbox`` here, the served
deployment in ``test_inbox`` (``test_serve_…``). All read it with ``flows.folder``:
the two good files ingest, each bad entry is skipped with one line, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import NON_UTF8_SHOWN, REPO, api_env, load, write_hostile_folder

from docmodel.schema import validate
from flows.folder import folder_pdfs

OUTPUTS = ["bad_xff_xfename.json", "good.json"]


def test_the_folder_scan_skips_each_bad_entry_with_its_reason(tmp_path):
    skipped = write_hostile_folder(tmp_path / "in")
    scan = folder_pdfs(tmp_path / "in")
    assert sorted(p.name for p in scan.files) == sorted(["good.pdf", "bad\udcff\udcfename.pdf"])
    assert dict(scan.skipped) == skipped


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("command", ["run", "inbox"])
def test_a_hostile_folder_through_the_cli(tmp_path, command):
    skipped = write_hostile_folder(tmp_path / "in")
    out = tmp_path / "out"
    where = [str(tmp_path / "in")] if command == "run" else ["--inbox", str(tmp_path / "in")]
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", command, *where, "--out", str(out), "--no-nlp", "--workers", "2"],
        cwd=REPO,
        env=api_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = done.stdout + done.stderr
    assert "Traceback" not in said
    # Skipped entries make `run` exit 1 (it was asked for the folder); the inbox leaves them.
    assert done.returncode == (1 if command == "run" else 0), said
    for name, why in skipped.items():
        assert sum(name in line and why in line for line in said.splitlines()) == 1, (name, said)
    assert NON_UTF8_SHOWN in said
    assert sorted(p.name for p in out.glob("*.json") if not p.name.startswith("manifest")) == OUTPUTS
    for name in OUTPUTS:
        validate(load(out / name))
