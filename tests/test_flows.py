"""The Prefect flows end to end: good PDFs become schema-valid JSON, bad ones leave an
error record with a one-line reason, and the batch goes on."""

from __future__ import annotations

import errno
import hashlib
import json

import pandas as pd
import pytest
from helpers import BAD_INPUTS, REAL_PDFS, SOURCE_REPORT, build_pdf

from docmodel.schema import validate
from extractors import pipeline
from extractors.errors import IngestFailure
from flows import tasks
from flows.ingest import (
    ERROR,
    OK,
    PARTIAL,
    ingest_batch,
    ingest_report,
    outcomes_of,
    summary_markdown,
    summary_rows,
)
from flows.tasks import is_transient, pipeline_version

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_source_report_ingests_to_valid_json(tmp_path):
    outcome = ingest_report(SOURCE_REPORT, tmp_path, nlp=False)
    assert outcome.status == OK, outcome.reason
    doc = _load(tmp_path / "source-report.json")
    validate(doc)
    assert doc["source"] == {
        "file": "source-report.pdf",
        "sha256": hashlib.sha256(SOURCE_REPORT.read_bytes()).hexdigest(),
        "size_bytes": SOURCE_REPORT.stat().st_size,
        "page_count": 44,
    }
    assert doc["pipeline"] == {"version": pipeline_version(), "nlp": False}
    assert [p["number"] for p in doc["pages"]] == list(range(1, 45))
    assert (outcome.pages, outcome.tables, outcome.qa_grids) == (44, len(doc["tables"]), len(doc["qa_grids"]))
    assert len(doc["qa_grids"]) == 3  # 付表1–3 of the corpus truth
    assert doc["tables"] and doc["blocks"]
    # The flat Q&A tables and the analyst tables beside the JSON (no NLP files), and no temp files left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "source-report.charts.parquet",
        "source-report.json",
        "source-report.qa.csv",
        "source-report.qa.parquet",
        "source-report.tables.parquet",
        "source-report.tables.xlsx",
    ]
    answers = [a for g in doc["qa_grids"] for q in g["questions"] for a in q["answers"]]
    expected_rows = sum(len(a["items"]) if a["items"] is not None else 1 for a in answers)
    assert len(pd.read_parquet(tmp_path / "source-report.qa.parquet")) == expected_rows
    csv = pd.read_csv(tmp_path / "source-report.qa.csv", encoding="utf-8-sig")
    assert len(csv) == expected_rows and set(csv["respondent"]) == {
        r for g in doc["qa_grids"] for r in g["respondents"]
    }


def test_batch_records_bad_inputs_and_ingests_the_rest(tmp_path, bad_inputs, tiny_pdf):
    out = tmp_path / "out"
    out.mkdir()
    # An earlier run's good output of a file that is now broken is kept, and a stale
    # error record of a file that now ingests is removed.
    (out / "encrypted.json").write_text("earlier good output\n")
    (out / "tiny.error.json").write_text("{}\n")
    paths = [bad_inputs[name] for name in sorted(BAD_INPUTS)] + [tiny_pdf] + REAL_PDFS
    state = ingest_batch(paths, out, nlp=False, return_state=True)
    # Failed files make a Failed flow run (automations fire); the outcomes are its result.
    assert state.is_failed()
    assert state.message == f"{1 + len(REAL_PDFS)} ok, 0 partial, {len(BAD_INPUTS)} failed of {len(paths)} files"
    outcomes = outcomes_of(state)

    assert [o.file for o in outcomes] == [p.name for p in paths]
    by_file = {o.file: o for o in outcomes}
    for name, expected in BAD_INPUTS.items():
        outcome = by_file[name]
        assert outcome.status == ERROR and outcome.stage == "open"
        assert expected in outcome.reason and "\n" not in outcome.reason
        record = _load(out / name.replace(".pdf", ".error.json"))
        validate(record)
        assert record == {
            "schema_version": record["schema_version"],
            "file": name,
            "sha256": hashlib.sha256(bad_inputs[name].read_bytes()).hexdigest(),
            "reason": outcome.reason,
            "stage": "open",
            "pipeline_version": pipeline_version(),
        }
    for path in [tiny_pdf, *REAL_PDFS]:
        assert by_file[path.name].status == OK, by_file[path.name].reason
        doc = _load(out / f"{path.stem}.json")
        validate(doc)
        assert doc["source"]["page_count"] == by_file[path.name].pages > 0
    assert (out / "encrypted.json").read_text() == "earlier good output\n"
    assert not (out / "tiny.error.json").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_batch_ingests_identical_content_once_and_writes_it_for_every_name(tmp_path, tiny_pdf, bad_inputs, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    copy, other = inputs / "copy-of-tiny.pdf", inputs / "other.pdf"
    copy.write_bytes(tiny_pdf.read_bytes())
    other.write_bytes(build_pdf(b"BT /F1 24 Tf 72 700 Td (Another file) Tj ET"))
    broken, broken_copy = bad_inputs["not-a-pdf.pdf"], inputs / "not-a-pdf-again.pdf"
    broken_copy.write_bytes(broken.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (out / "copy-of-tiny.error.json").write_text("{}\n")  # a stale record of the name: a report replaces it
    opened = []
    real_open = pipeline.open_document

    def counted_open(path, settings):
        opened.append(path.name)
        return real_open(path, settings)

    monkeypatch.setattr(pipeline, "open_document", counted_open)
    paths = [tiny_pdf, copy, other, broken, broken_copy]
    state = ingest_batch(paths, out, nlp=False, workers=1, return_state=True)
    outcomes = outcomes_of(state)

    # Each content is opened (and extracted) once; every name has its outcome, in input order.
    assert sorted(opened) == ["not-a-pdf.pdf", "other.pdf", "tiny.pdf"]
    assert [(o.file, o.status, o.duplicate_of) for o in outcomes] == [
        ("tiny.pdf", OK, None),
        ("copy-of-tiny.pdf", OK, "tiny.pdf"),
        ("other.pdf", OK, None),
        ("not-a-pdf.pdf", ERROR, None),
        ("not-a-pdf-again.pdf", ERROR, "not-a-pdf.pdf"),
    ]
    assert state.message == "3 ok, 0 partial, 2 failed of 5 files"
    # The duplicate's outputs are its own files, copies of its owner's (as the inbox's).
    assert outcomes[1].output == str(out / "copy-of-tiny.json") and outcomes[1].pages == outcomes[0].pages == 1
    for suffix in (".json", ".qa.csv", ".qa.parquet", ".tables.parquet", ".tables.xlsx", ".charts.parquet"):
        assert (out / f"copy-of-tiny{suffix}").read_bytes() == (out / f"tiny{suffix}").read_bytes(), suffix
    assert not (out / "copy-of-tiny.error.json").exists()
    assert _load(out / "copy-of-tiny.json")["source"]["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert _load(out / "not-a-pdf-again.error.json") == _load(out / "not-a-pdf.error.json")
    assert (outcomes[4].stage, outcomes[4].reason) == (outcomes[3].stage, outcomes[3].reason)
    assert [row["note"] for row in summary_rows(outcomes)] == [
        "",
        "duplicate of tiny.pdf",
        "",
        "",
        "duplicate of not-a-pdf.pdf",
    ]


def test_batch_artifacts(tmp_path, tiny_pdf, bad_inputs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    assert ingest_batch([tiny_pdf, bad_inputs["empty.pdf"]], tmp_path, nlp=False, return_state=True).is_failed()
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-batch-files", "ingest-batch-summary"])),
            sort="CREATED_DESC",
            limit=2,
        )
    kinds = {a.key: a for a in artifacts}
    rows = kinds["ingest-batch-files"].data
    rows = json.loads(rows) if isinstance(rows, str) else rows
    assert [(r["file"], r["status"], r["pages"]) for r in rows] == [("tiny.pdf", OK, 1), ("empty.pdf", ERROR, None)]
    assert rows[1]["error"] == "open: empty file (0 bytes)"
    assert "1 ok, 0 partial, 1 failed of 2 files" in kinds["ingest-batch-summary"].data
    assert "`empty.pdf` (open): empty file (0 bytes)" in kinds["ingest-batch-summary"].data


@pytest.mark.parametrize("workers", [1, 2])  # stage tasks under the flow; under a task per file in a pool
def test_task_runs_are_named_by_file(tmp_path, tiny_pdf, bad_inputs, workers):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    state = ingest_batch([tiny_pdf, bad_inputs["empty.pdf"]], tmp_path, nlp=False, workers=workers, return_state=True)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    names = sorted(run.name for run in runs)
    stages = ["open", "pages", "assemble", "segment", "validate", "write"]
    expected = {f"{stage} tiny.pdf" for stage in stages} | {"open empty.pdf"}
    if workers > 1:
        expected |= {"ingest tiny.pdf", "ingest empty.pdf"}
    assert set(names) == expected, names


class RecordedProgress:
    """A front end's hook that keeps every event (``flows.progress.ProgressHook``)."""

    def __init__(self):
        self.events: list[tuple] = []

    def file_started(self, file, pages):
        self.events.append(("file_started", file, pages))

    def page_done(self, file, page):
        self.events.append(("page_done", file, page))

    def stage_started(self, file, stage):
        self.events.append(("stage_started", file, stage))

    def file_done(self, outcome):
        self.events.append(("file_done", outcome.file))


@pytest.mark.parametrize("workers", [1, 2])  # in this process; relayed from a process pool
def test_progress_hears_every_files_stages_and_pages(tmp_path, tiny_pdf, workers):
    from flows.progress import PROGRESS

    other = tmp_path / "other.pdf"
    other.write_bytes(build_pdf(b"BT /F1 24 Tf 72 700 Td (Another file) Tj ET", pages=3))
    hook = RecordedProgress()
    token = PROGRESS.set(hook)
    try:
        ingest_batch([tiny_pdf, other], tmp_path / "out", nlp=False, workers=workers)
    finally:
        PROGRESS.reset(token)
    for file, pages in (("tiny.pdf", 1), ("other.pdf", 3)):
        mine = [event[0::2] for event in hook.events if event[1] == file]
        assert [e[1] for e in mine if e[0] == "stage_started"] == [
            "open",
            "pages",
            "assemble",
            "segment",
            "validate",
            "write",
        ]
        assert [e[1] for e in mine if e[0] == "file_started"] == [pages]
        assert [e[1] for e in mine if e[0] == "page_done"] == list(range(1, pages + 1))
        assert mine.count(("file_done",)) == 1


def test_transient_error_is_retried(tmp_path, tiny_pdf, monkeypatch):
    calls = []
    real = pipeline.extract_page

    def flaky(page, number, settings):
        calls.append(number)
        if len(calls) == 1:
            raise OSError(errno.EIO, "I/O error")
        return real(page, number, settings)

    monkeypatch.setattr(pipeline, "extract_page", flaky)
    monkeypatch.setattr(tasks.extract_pages, "retry_delay_seconds", [0])
    outcome = ingest_report(tiny_pdf, tmp_path, nlp=False)
    assert outcome.status == OK and calls == [1, 1]


@pytest.mark.parametrize(
    "error, reason",
    [
        (IngestFailure("pages", "page 1: unreadable"), "page 1: unreadable"),
        (KeyError("x"), "page 1: KeyError: 'x'"),
    ],
)
def test_permanent_page_error_is_not_retried(tmp_path, tiny_pdf, monkeypatch, error, reason):
    calls = []

    def broken(page, number, settings):
        calls.append(number)
        raise error

    monkeypatch.setattr(pipeline, "extract_page", broken)
    state = ingest_report(tiny_pdf, tmp_path, nlp=False, return_state=True)
    outcome = outcomes_of(state)
    assert calls == [1]
    # The page is lost, not the file: a partial report, and a Failed run saying so.
    assert (outcome.status, outcome.failed_pages) == (PARTIAL, [1])
    assert state.is_failed() and state.message == "0 ok, 1 partial, 0 failed of 1 files"
    doc = _load(tmp_path / "tiny.json")
    assert doc["failed_pages"] == 1 and doc["pages"][0]["error"]["reason"].endswith(reason.removeprefix("page 1: "))


def test_memory_error_on_a_page_fails_that_file_as_a_resource_limit(tmp_path, tiny_pdf, monkeypatch):
    other = tmp_path / "other.pdf"
    other.write_bytes(build_pdf(b"BT /F1 24 Tf 72 700 Td (Another file) Tj ET", pages=2))
    real = pipeline.extract_page
    calls = []

    def out_of_memory_in_tiny(page, number, settings):
        calls.append(page.pdf.stream.name)
        if page.pdf.stream.name == str(tiny_pdf):
            raise MemoryError
        return real(page, number, settings)

    monkeypatch.setattr(pipeline, "extract_page", out_of_memory_in_tiny)
    out = tmp_path / "out"
    state = ingest_batch([tiny_pdf, other], out, nlp=False, workers=1, return_state=True)
    tiny, second = outcomes_of(state)
    # The file fails, once (no retry, no partial report); the run and the other file go on.
    assert (tiny.status, tiny.stage) == (ERROR, "resource-limit")
    assert tiny.reason.startswith("tiny.pdf needed more than "), tiny.reason
    assert calls.count(str(tiny_pdf)) == 1 and not (out / "tiny.json").exists()
    record = _load(out / "tiny.error.json")
    validate(record)
    assert (record["stage"], record["reason"]) == ("resource-limit", tiny.reason)
    assert second.status == OK and second.pages == 2

    # Without the batch's caps (one file, ingest_report) it is the same resource limit.
    outcome = outcomes_of(ingest_report(tiny_pdf, tmp_path / "alone", nlp=False, return_state=True))
    assert (outcome.status, outcome.stage) == (ERROR, "resource-limit")
    assert outcome.reason == "tiny.pdf ran out of memory"


def test_hostile_stem_stays_in_output_folder(tmp_path, tiny_pdf):
    out = tmp_path / "out"
    outcome = ingest_report(tiny_pdf, out, nlp=False, stem="../escaped")
    # An explicit stem is still made safe.
    assert outcome.status == OK
    assert sorted(p.name for p in out.iterdir()) == [
        "escaped.charts.parquet",
        "escaped.json",
        "escaped.qa.csv",
        "escaped.qa.parquet",
        "escaped.tables.parquet",
        "escaped.tables.xlsx",
    ]
    assert not (tmp_path / "escaped.json").exists()


def test_is_transient():
    assert is_transient(OSError(errno.EIO, "I/O error"))
    assert is_transient(TimeoutError())
    assert not is_transient(FileNotFoundError(errno.ENOENT, "gone"))
    assert not is_transient(OSError(errno.ENOSPC, "disk full"))
    assert not is_transient(IngestFailure("open", "empty file"))
    assert not is_transient(ValueError("bug"))
    assert not is_transient(None)


def test_summary_markdown_names_failures():
    from flows.ingest import FileOutcome

    text = summary_markdown(
        [
            FileOutcome("a.pdf", OK, "a.json", pages=3, tables=2, qa_grids=1),
            FileOutcome("b.pdf", ERROR, "b.error.json", stage="open", reason="empty file (0 bytes)"),
        ],
        seconds=2.0,
    )
    assert "1 ok, 0 partial, 1 failed of 2 files in 2.0 s; 3 pages, 2 tables, 1 Q&A grids." in text
    assert "- `b.pdf` (open): empty file (0 bytes)" in text
    text = summary_markdown([FileOutcome("c.pdf", PARTIAL, "c.json", pages=3, failed_pages=[2, 3])], seconds=1.0)
    assert "0 ok, 1 partial, 0 failed of 1 files" in text and "- `c.pdf`: pages 2, 3" in text


def test_nlp_stage_runs_and_is_recorded(tmp_path, tiny_pdf):
    outcome = ingest_report(tiny_pdf, tmp_path, nlp=True)
    assert outcome.status == OK, outcome.reason
    doc = _load(tmp_path / "tiny.json")
    validate(doc)
    assert doc["pipeline"]["nlp"] is True
    # Tokens beside the report, keyed by the unit ids of the JSON; the JSON keeps sentence spans.
    tokens = pd.read_parquet(tmp_path / "tiny.tokens.parquet")
    block = doc["blocks"][0]
    mine = tokens[tokens["unit_id"] == block["id"]]
    assert "".join(mine["surface"]) == block["text"].replace(" ", "") and len(mine) >= 2
    assert block["nlp"]["sentences"][0]["start"] == 0 and block["nlp"]["sentences"][-1]["end"] == len(block["text"])
    assert (tmp_path / "tiny.entities.parquet").exists()
