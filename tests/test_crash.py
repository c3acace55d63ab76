"""Crashes and concurrency: kill -9 a running inbox run at several points, run two at
once; every PDF ends up ingested exactly once into a complete, valid output.

The CLI runs as real subprocesses (own process group, so kill -9 takes its workers too,
as a crashed machine would) against the test session's Prefect server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO, api_env, cli, cut_pdf, load, outputs_in

from docmodel.schema import validate
from extractors.source import sha256_of
from flows.cli import EXIT_BUSY
from flows.inbox import TEMP_FILE, ingest_inbox
from flows.locking import LOCK_NAME, InboxBusy, LockUnsafe, inbox_lock
from flows.manifest import MANIFEST_NAME, Manifest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# Generous: the machine is shared and a run starts Python, Prefect and worker processes.
RUN_SECONDS = 600
POLL_SECONDS = 0.005


def make_inbox(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    return {
        "a.pdf": cut_pdf(folder / "a.pdf", [0, 1]),
        "b.pdf": cut_pdf(folder / "b.pdf", [2, 3, 4]),
        "c.pdf": cut_pdf(folder / "c.pdf", list(range(5, 17))),
        "d.pdf": cut_pdf(folder / "d.pdf", [17, 18]),
    }


def start(inbox: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli("--inbox", str(inbox), "--out", str(out), "--no-nlp", *extra),
        cwd=REPO,
        env=api_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_when(proc: subprocess.Popen, ready, what: str) -> None:
    """kill -9 the run's whole process group as soon as ``ready()`` holds."""
    deadline = time.monotonic() + RUN_SECONDS
    while not ready():
        assert proc.poll() is None, f"the run ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(POLL_SECONDS)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def reports(out: Path) -> list[str]:
    return sorted(n for n in outputs_in(out) if n.endswith(".json") and not n.endswith(".error.json"))


def manifest_count(out: Path) -> int:
    """Entries recorded so far, read-only (the run under test is writing)."""
    try:
        db = sqlite3.connect(f"file:{out / MANIFEST_NAME}?mode=ro", uri=True, timeout=0.05)
    except sqlite3.OperationalError:
        return 0
    try:
        return db.execute("SELECT count(*) FROM entries").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or locked this instant
        return 0
    finally:
        db.close()


def assert_complete(inputs: dict[str, Path], out: Path) -> None:
    """One complete, schema-valid output per input, nothing else (no temp files)."""
    assert sorted(outputs_in(out)) == sorted(name.replace(".pdf", ".json") for name in inputs)
    for name, path in inputs.items():
        doc = load(out / name.replace(".pdf", ".json"))
        validate(doc)
        assert doc["source"]["sha256"] == sha256_of(path)
        assert [p["number"] for p in doc["pages"]] == list(range(1, doc["source"]["page_count"] + 1))
        stem = name.removesuffix(".pdf")
        answers = [a for g in doc["qa_grids"] for q in g["questions"] for a in q["answers"]]
        rows = sum(len(a["items"]) if a["items"] is not None else 1 for a in answers)
        assert len(pd.read_parquet(out / f"{stem}.qa.parquet")) == rows  # complete, readable
        assert len(pd.read_csv(out / f"{stem}.qa.csv", encoding="utf-8-sig")) == rows
    assert not [p for p in out.iterdir() if TEMP_FILE.match(p.name)]
    with Manifest(out) as manifest:
        entries = manifest.entries()
    assert sorted(e.file for e in entries) == sorted(inputs) and all(e.status == "ok" for e in entries)


def test_kill_9_at_several_points_then_rerun_finishes_the_rest(tmp_path):
    inputs = make_inbox(tmp_path / "inbox")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    out.mkdir()
    # What a kill in the middle of a write leaves: a half-written temp file.
    (out / ".a.json.k3x9_q1z.tmp").write_text('{"schema_version": "1-0-0", "sour')

    points = [
        ("the run holds the lock", lambda outputs, entries: (out / MANIFEST_NAME).exists()),
        ("a new output appears", lambda outputs, entries: len(reports(out)) > outputs),
        ("a new file is recorded, others in flight", lambda outputs, entries: manifest_count(out) > entries),
    ]
    for what, ready in points:
        outputs, entries = len(reports(out)), manifest_count(out)
        kill_when(start(inbox, out, "--workers", "2"), partial(ready, outputs, entries), what)
        # Whatever is there after a crash is complete and valid; never half a file.
        for name in reports(out):
            validate(load(out / name))

    done = subprocess.run(
        cli("--inbox", str(inbox), "--out", str(out), "--no-nlp", "--workers", "2"),
        cwd=REPO,
        env=api_env(),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert_complete(inputs, out)
    # And the run after that has nothing left to do.
    assert ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1).outcomes == []


def test_two_concurrent_runs_ingest_each_pdf_once(tmp_path):
    inputs = make_inbox(tmp_path / "inbox")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    runs = [start(inbox, out, "--workers", "1", "--wait") for _ in range(2)]
    results = [run.communicate(timeout=RUN_SECONDS) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    ingested = [line.split()[1] for stdout, _ in results for line in stdout.splitlines() if line.startswith("ok ")]
    assert sorted(ingested) == sorted(inputs)  # each once, by one of the two runs
    assert (
        sum(
            f"0 ingested, 0 partial, 0 failed, 0 duplicates, {len(inputs)} unchanged (0 still failing)" in stdout
            for stdout, _ in results
        )
        == 1
    )
    assert_complete(inputs, out)


def test_a_held_lock_makes_a_run_exit_cleanly_and_dies_with_its_holder(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    cut_pdf(inbox / "a.pdf", [0])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom flows.locking import inbox_lock\n"
            "with inbox_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(600)\n",
            str(out),
        ],
        cwd=REPO,
        env=api_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(InboxBusy):
            with inbox_lock(out, wait=False):
                pass
        busy = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1)
        assert busy.busy and busy.outcomes == [] and outputs_in(out) == {}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    # The kernel dropped the lock with its holder: no stale lock to clean by hand.
    report = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1)
    assert not report.busy and [o.file for o in report.outcomes] == ["a.pdf"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=REPO,
        env=api_env(),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )


def test_run_and_inbox_share_one_lock_and_a_busy_folder_exits_75(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    cut_pdf(inbox / "a.pdf", [0])
    # An `inbox` run holds the folder (its lock, taken by a live process).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom flows.locking import inbox_lock\n"
            "with inbox_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(600)\n",
            str(out),
        ],
        cwd=REPO,
        env=api_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in (
            ["run", str(inbox), "--out", str(out), "--no-nlp"],
            ["inbox", "--inbox", str(inbox), "--out", str(out), "--no-nlp"],
        ):
            busy = run_cli(*command)
            assert busy.returncode == EXIT_BUSY == 75, busy.stdout + busy.stderr
            assert "busy: another run is working" in busy.stdout + busy.stderr
        assert outputs_in(out) == {}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    done = run_cli("run", str(inbox), "--out", str(out), "--no-nlp")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(outputs_in(out)) == ["a.json"]


def test_run_cleans_the_temp_files_of_a_killed_run(tmp_path):
    inputs = {"a.pdf": cut_pdf(tmp_path / "a.pdf", [0, 1])}
    out = tmp_path / "out"
    out.mkdir()
    # What a `run` killed in the middle of a write leaves.
    left = [out / ".a.json.k3x9_q1z.tmp", out / ".a.qa.parquet.zz81a0x.tmp"]
    for path in left:
        path.write_text('{"schema_version": "1-0-0", "sour')
    killed = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(inputs["a.pdf"]), "--out", str(out), "--no-nlp"],
        cwd=REPO,
        env=api_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    kill_when(killed, lambda: (out / LOCK_NAME).exists(), "the run holds the lock")
    done = run_cli("run", str(inputs["a.pdf"]), "--out", str(out), "--no-nlp")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not [p for p in out.iterdir() if TEMP_FILE.match(p.name)]
    validate(load(out / "a.json"))


def test_lock_file_is_never_opened_through_a_symlink(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    cut_pdf(inbox / "a.pdf", [0])
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / LOCK_NAME).symlink_to(victim)
    with pytest.raises(LockUnsafe, match="symlink"):
        with inbox_lock(out, wait=False):
            pass
    for command in (
        ["run", str(inbox), "--out", str(out), "--no-nlp"],
        ["inbox", "--inbox", str(inbox), "--out", str(out), "--no-nlp"],
    ):
        refused = run_cli(*command)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "lock file is a symlink" in refused.stderr and "Traceback" not in refused.stderr
    assert victim.read_text() == "precious\n"  # neither truncated nor written
    # A symlink whose target does not exist is not created through either.
    (out / LOCK_NAME).unlink()
    (out / LOCK_NAME).symlink_to(tmp_path / "absent")
    with pytest.raises(LockUnsafe):
        with inbox_lock(out, wait=False):
            pass
    assert not (tmp_path / "absent").exists()
