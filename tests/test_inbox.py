"""The inbox flow: each PDF ingested once per content, bad files recorded, names safe.

Real files in tmp_path inboxes, real flow runs; the CLI runs as a real subprocess.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from helpers import (
    BAD_INPUTS,
    NON_UTF8_SHOWN,
    REPO,
    api_env,
    build_pdf,
    cut_pdf,
    load,
    outputs_in,
    run_cli,
    slow_second_page,
    write_bad_inputs,
    write_hostile_folder,
)

from docmodel.schema import validate
from extractors.source import sha256_of
from flows import tasks
from flows.inbox import UNCHANGED, inbox_rows, inbox_settings, ingest_inbox, made_with, plan_inbox, scan_inbox
from flows.manifest import Manifest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_second_run_ingests_nothing_and_changed_content_only_that_file(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    cut_pdf(inbox / "a.pdf", [0, 1])
    cut_pdf(inbox / "b.pdf", [2, 3])
    inputs_before = {p.name: p.read_bytes() for p in inbox.iterdir()}

    first = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert sorted(o.file for o in first.outcomes) == ["a.pdf", "b.pdf"] and not first.failed
    assert sorted(outputs_in(out)) == ["a.json", "b.json"]
    assert first.catalog is not None and first.catalog.summary.startswith("2 reports (2 read, 0 removed)")
    stamps = {name: path.stat().st_mtime_ns for name, path in outputs_in(out).items()}

    second = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert second.outcomes == [] and sorted(second.unchanged) == ["a.pdf", "b.pdf"]
    assert {name: path.stat().st_mtime_ns for name, path in outputs_in(out).items()} == stamps
    assert [row["note"] for row in inbox_rows(second, {e.file: e for e in Manifest(out).entries()})] == [UNCHANGED] * 2

    cut_pdf(inbox / "b.pdf", [4, 5])  # new content under the same name
    third = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert [o.file for o in third.outcomes] == ["b.pdf"] and third.unchanged == ["a.pdf"]
    assert outputs_in(out)["a.json"].stat().st_mtime_ns == stamps["a.json"]
    b = load(out / "b.json")
    assert b["source"]["sha256"] == sha256_of(inbox / "b.pdf")
    # The catalog holds the re-ingested b.pdf's content only: its rows were replaced.
    assert third.catalog is not None and third.catalog.summary.startswith("2 reports (1 read, 0 removed)")
    with duckdb.connect(str(out / "catalog.duckdb"), read_only=True) as catalog:
        assert catalog.execute("SELECT DISTINCT report_sha256 FROM pages WHERE report = 'b.pdf'").fetchall() == [
            (b["source"]["sha256"],)
        ]
    assert [p["number"] for p in b["pages"]] == [1, 2]
    # Inputs are only read.
    assert inputs_before["a.pdf"] == (inbox / "a.pdf").read_bytes()
    assert sorted(p.name for p in inbox.iterdir()) == ["a.pdf", "b.pdf"]


def test_identical_content_under_two_names_is_ingested_once(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    cut_pdf(inbox / "report.pdf", [0, 1])
    (inbox / "report (copy).pdf").write_bytes((inbox / "report.pdf").read_bytes())

    report = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert [o.file for o in report.outcomes] == ["report (copy).pdf"]  # first by name
    assert report.duplicates == ["report.pdf"]
    # Ingested once, but each name has its own outputs.
    assert sorted(outputs_in(out)) == ["report (copy).json", "report.json"]
    assert (out / "report.json").read_bytes() == (out / "report (copy).json").read_bytes()
    assert (out / "report.qa.csv").read_bytes() == (out / "report (copy).qa.csv").read_bytes()
    with Manifest(out) as manifest:
        copy, original = manifest.get("report (copy).pdf"), manifest.get("report.pdf")
    assert copy.sha256 == original.sha256 and (original.output, copy.output) == ("report.json", "report (copy).json")
    assert original.duplicate_of == "report (copy).pdf" and copy.duplicate_of is None

    # A third name for the same content, in a later run: recorded, not ingested.
    (inbox / "again.pdf").write_bytes((inbox / "report.pdf").read_bytes())
    later = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert later.outcomes == [] and later.duplicates == ["again.pdf"]
    assert sorted(later.unchanged) == ["report (copy).pdf", "report.pdf"]


def test_a_changed_setting_reingests_and_says_so_an_unchanged_one_does_not(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    cut_pdf(inbox / "a.pdf", [0])

    def run(**options):
        return ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, **options)

    first = run()
    assert [o.file for o in first.outcomes] == ["a.pdf"] and first.settings_changed == []
    assert run().unchanged == ["a.pdf"]
    changed = run(page_seconds=33.0)
    assert [o.file for o in changed.outcomes] == ["a.pdf"] and changed.settings_changed == ["a.pdf"]
    assert "1 re-ingested for changed settings" in changed.counts()
    again = run(page_seconds=33.0)
    assert again.outcomes == [] and again.unchanged == ["a.pdf"]
    # The settings as a file says them: --set through the CLI is the same change.
    said = run_cli("--inbox", str(inbox), "--out", str(out), "--no-nlp", "--workers", "1", "--page-seconds", "120")
    assert said.returncode == 0, said.stderr
    assert "settings  a.pdf: ingested again, the settings changed" in said.stdout


def test_schema_model_or_revision_change_reingests_all_addition_does_not(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    cut_pdf(inbox / "a.pdf", [0])
    cut_pdf(inbox / "b.pdf", [1])
    ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1)
    files, pipeline = scan_inbox(inbox), made_with(tasks.pipeline_version(), inbox_settings(None, nlp=False))
    with Manifest(out) as manifest:
        recorded = manifest.get("a.pdf").schema_version
        model, revision, addition = (int(part) for part in recorded.split("-"))
        assert plan_inbox(files, manifest, out, pipeline, recorded).ingest == []
        assert plan_inbox(files, manifest, out, pipeline, f"{model}-{revision}-{addition + 1}").ingest == []
        for newer in (f"{model}-{revision + 1}-0", f"{model + 1}-0-0"):
            assert [f.name for f, _stem in plan_inbox(files, manifest, out, pipeline, newer).ingest] == [
                "a.pdf",
                "b.pdf",
            ]
        assert [f.name for f, _stem in plan_inbox(files, manifest, out, pipeline + ".1", recorded).ingest] == [
            "a.pdf",
            "b.pdf",
        ]
    # A deleted output is made again.
    (out / "a.json").unlink()
    assert [o.file for o in ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1).outcomes] == [
        "a.pdf"
    ]


# Limits of the bad-input run: the good files (2 pages, ~0.5 MB) are inside them.
MAX_PAGES, MAX_BYTES, PAGE_SECONDS = 4, 1_500_000, 4
MORE_BAD_INPUTS = {
    "too-many-pages.pdf": "too many pages",
    "too-large.pdf": "too large",
    "garbage-body.pdf": "corrupt",
}


def write_more_bad_inputs(folder: Path) -> None:
    (folder / "too-many-pages.pdf").write_bytes(build_pdf(pages=MAX_PAGES + 1))
    # A valid PDF padded with a comment line past the byte limit.
    small = build_pdf()
    (folder / "too-large.pdf").write_bytes(small[:9] + b"%" + b"x" * MAX_BYTES + b"\n" + small[9:])
    slow_second_page(folder / "slow-page.pdf")
    (folder / "garbage-body.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")


def test_bad_input_folder_records_each_file_and_goes_on(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_bad_inputs(inbox)
    write_more_bad_inputs(inbox)
    cut_pdf(inbox / "good-1.pdf", [0, 1])
    cut_pdf(inbox / "good-2.pdf", [9, 10])
    expected = {**BAD_INPUTS, **MORE_BAD_INPUTS}
    assert len(expected) >= 10 and sorted(p.name for p in inbox.iterdir()) == sorted(
        [*expected, "good-1.pdf", "good-2.pdf", "slow-page.pdf"]
    )

    result = run_cli(
        "--inbox",
        str(inbox),
        "--out",
        str(out),
        "--no-nlp",
        "--workers",
        "2",
        "--max-pages",
        str(MAX_PAGES),
        "--max-bytes",
        str(MAX_BYTES),
        "--page-seconds",
        str(PAGE_SECONDS),
    )
    assert result.returncode == 1, result.stdout + result.stderr  # partial failure
    assert "2 ingested, 1 partial, 10 failed" in result.stdout
    # A page over the time limit costs that page: the file is partial, not an error.
    assert "partial   slow-page.pdf → slow-page.json (2 pages" in result.stdout
    assert "failed pages 2)" in result.stdout

    names = outputs_in(out)
    assert sorted(n for n in names if not n.endswith(".error.json")) == ["good-1.json", "good-2.json", "slow-page.json"]
    for good in ("good-1.json", "good-2.json", "slow-page.json"):
        validate(load(out / good))
    slow = load(out / "slow-page.json")
    assert slow["failed_pages"] == 1 and slow["pages"][1]["error"]["stage"] == "time-limit"
    assert "page 2 took" in slow["pages"][1]["error"]["reason"]
    pipeline = tasks.pipeline_version()
    with Manifest(out) as manifest:
        for file, words in expected.items():
            record = load(out / file.replace(".pdf", ".error.json"))
            validate(record)
            assert record["file"] == file and words in record["reason"], record
            assert record["pipeline_version"] == pipeline and record["stage"]
            assert record["sha256"] == sha256_of(inbox / file)
            entry = manifest.get(file)
            assert entry.status == "error" and entry.permanent and entry.reason == record["reason"]
        slow_entry = manifest.get("slow-page.pdf")
        assert (slow_entry.status, slow_entry.failed_pages) == ("partial", "2")
        assert len(manifest.entries()) == len(expected) + 3

    # Permanent errors are not retried, but the next run still reports them and fails.
    again = run_cli(
        "--inbox",
        str(inbox),
        "--out",
        str(out),
        "--no-nlp",
        "--workers",
        "1",
        "--max-pages",
        str(MAX_PAGES),
        "--max-bytes",
        str(MAX_BYTES),
        "--page-seconds",
        str(PAGE_SECONDS),
    )
    assert again.returncode == 1, again.stdout + again.stderr
    assert "0 ingested, 0 partial, 0 failed, 0 duplicates, 13 unchanged (11 still failing)" in again.stdout
    failing = [line for line in again.stdout.splitlines() if line.startswith("failing ")]
    assert len(failing) == 11 and any(line.startswith("failing   slow-page.pdf: failed pages 2") for line in failing)


def test_output_names_cannot_leave_or_hide_in_the_output_folder(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    data = cut_pdf(tmp_path / "one.pdf", [0]).read_bytes()
    # Separators cannot be in a name read from a folder; dots, controls and bidi overrides can.
    hostile = [" ..pdf", "\x1b[2J.pdf", "a\nb.pdf", "a\u202eb.pdf", "a_b.pdf", "CON:..pdf"]
    for i, name in enumerate(hostile):
        (inbox / name).write_bytes(data + b"%" + str(i).encode() + b"\n")  # distinct content
    (inbox / ".partial-upload.pdf").write_bytes(data)  # hidden: not picked up

    report = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=2)
    assert sorted(o.file for o in report.outcomes) == sorted(hostile) and not report.failed
    names = sorted(outputs_in(out))
    assert len(names) == len(hostile)
    assert all(n.isprintable() and not n.startswith(".") and "/" not in n for n in names), names
    assert {p.parent for p in out.rglob("*")} == {out}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "one.pdf", "out"]
    # Three names make the stem "a_b": each got its own output, kept across runs.
    again = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1)
    assert again.outcomes == [] and sorted(outputs_in(out)) == names


def test_serve_starts_a_cron_deployment_that_a_manual_run_triggers(tmp_path):
    from prefect.client.orchestration import get_client

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_hostile_folder(inbox)  # the served deployment reads a folder as run and inbox do (test_hostile_folder)
    cut_pdf(inbox / "a.pdf", [0])
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "serve",
            "--cron",
            "0 3 * * *",
            "--timezone",
            "Asia/Tokyo",
            "--inbox",
            str(inbox),
            "--out",
            str(out),
            "--no-nlp",
            "--workers",
            "1",
            "--name",
            "test-inbox",
        ],
        cwd=REPO,
        env=api_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        deployment = None
        with get_client(sync_client=True) as client:
            while deployment is None:
                assert serve.poll() is None and time.monotonic() < deadline, "serve did not create its deployment"
                try:
                    deployment = client.read_deployment_by_name("ingest-inbox/test-inbox")
                except Exception:  # not there yet
                    time.sleep(1)
        assert [s.schedule.cron for s in deployment.schedules] == ["0 3 * * *"]
        assert deployment.schedules[0].schedule.timezone == "Asia/Tokyo"
        assert deployment.parameters["inbox"] == str(inbox.resolve())
        assert deployment.parameters["settings"]["nlp"] is False

        # The README's manual trigger; the serving process picks the run up.
        trigger = subprocess.run(
            [str(Path(sys.executable).parent / "prefect"), "deployment", "run", "ingest-inbox/test-inbox"],
            cwd=REPO,
            env=api_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert trigger.returncode == 0, trigger.stdout + trigger.stderr
        outputs = [out / name for name in ("a.json", "good.json", "bad_xff_xfename.json")]
        while not all(path.exists() for path in outputs):
            assert serve.poll() is None and time.monotonic() < deadline + 300, "the triggered run made no output"
            time.sleep(1)
        for path in outputs:
            validate(load(path))
        with get_client(sync_client=True) as client:
            names = [run.name for run in client.read_task_runs()]
        assert any(NON_UTF8_SHOWN in name for name in names), names
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=60)


def readme_work_pool_recipe() -> list[list[str]]:
    """The README's work-pool commands, as argument lists (continuations joined, comments dropped)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- work-pool recipe:", 1)[1].split("\n", 1)[1].split("\n\n", 1)[0]
    return [shlex.split(line, comments=True) for line in block.replace("\\\n", " ").splitlines()]


def test_work_pool_recipe_runs_as_written(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    cut_pdf(inbox / "a.pdf", [0])
    commands = readme_work_pool_recipe()
    assert [c[:3] for c in commands] == [
        ["prefect", "work-pool", "create"],
        ["prefect", "--no-prompt", "deploy"],
        ["prefect", "worker", "start"],
        ["prefect", "deployment", "run"],
    ]
    prefect = str(Path(sys.executable).parent / "prefect")
    paths = {"inbox=/data/inbox": f"inbox={inbox}", "out=/data/out": f"out={out}"}
    create, deploy, worker, trigger = [[prefect, *(paths.get(a, a) for a in c[1:])] for c in commands]

    def run(command: list[str], timeout: float = 300) -> None:
        done = subprocess.run(command, cwd=REPO, env=api_env(), capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stdout + done.stderr

    run(create)
    run(deploy)
    run(trigger)
    run([*worker, "--run-once"], timeout=600)  # picks up the triggered run and works it to the end
    validate(load(out / "a.json"))
    assert (out / "a.tokens.parquet").exists()  # the deployment's defaults: NLP on
