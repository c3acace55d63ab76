"""Operators and attackers: hostile PDFs end within the resource caps with one line each,
hostile names ingest (or fail) with one line each, exports are safe to open.

The PDFs are written byte by byte here: a decompression bomb, deep nesting, a huge page,
ten thousand tiny objects. The run goes through the real CLI.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from helpers import REPO, SOURCE_REPORT, api_env, build_pdf, load, outputs_in

from docmodel.schema import validate
from exporters.qa_table import csv_cell
from flows import inbox as inbox_module
from flows.inbox import OUTSIDE_LINK, STILL_WRITING, ingest_inbox, scan_folder
from flows.ingest import outcomes_of
from flows.outputs import output_stem
from flows.resources import ResourceLimitExceeded, check_inflated_size, memory_limit, wall_clock_limit

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 24 Tf 72 700 Td (Hello world) Tj ET"


def pdf_of(content: bytes, *, flate: bool = False, media_box: str = "0 0 612 792", extra_objects: int = 0) -> bytes:
    """One page with ``content`` (Flate-compressed as given when ``flate``), plus
    ``extra_objects`` small unreferenced objects; a correct xref table."""
    stream_dict = f"<< /Length {len(content)}{' /Filter /FlateDecode' if flate else ''} >>".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] /Contents 4 0 R "
            f"/Resources << /Font << /F1 5 0 R >> >> >>"
        ).encode(),
        stream_dict + b"\nstream\n" + content + b"\nendstream",
        FONT,
        *(b"<< /N %d >>" % i for i in range(extra_objects)),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def bomb(inflated_bytes: int) -> bytes:
    """Flate data of ``inflated_bytes`` spaces (~1000:1), after a line of real text."""
    deflate = zlib.compressobj(9)
    parts = [deflate.compress(TEXT + b"\n")]
    block = b" " * (64 << 20)
    for _ in range(inflated_bytes // len(block)):
        parts.append(deflate.compress(block))
    parts.append(deflate.flush())
    return b"".join(parts)


BOMB_BYTES = 2 << 30  # 2 GiB inflated


def write_hostile_pdfs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "bomb.pdf": pdf_of(bomb(BOMB_BYTES), flate=True),
        # 100,000 nested arrays in the content stream, then text.
        "deep-nesting.pdf": pdf_of(b"[" * 100_000 + b"]" * 100_000 + b"\n" + TEXT),
        "huge-page.pdf": pdf_of(TEXT, media_box="0 0 200000 200000"),
        "tiny-objects.pdf": pdf_of(
            b"BT /F1 1 Tf "
            + b"".join(b"1 0 0 1 %d %d Tm (x) Tj " % (i % 50 * 12, i // 50 * 7) for i in range(1_000))
            + b"ET",
            extra_objects=10_000,
        ),
        "good.pdf": build_pdf(),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


# Runs the CLI and, at exit, writes the process's peak resident size (VmHWM, kB). The
# high-water mark of a fresh address space: rusage would also count the test process a
# fork copied before exec (hundreds of MB once GiNZA is loaded).
PEAK_RSS_LAUNCHER = """
import atexit, runpy, sys
peak_file = sys.argv[1]
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(peak_file, "w").write(line.split()[1])
atexit.register(_peak)
sys.argv = ["survey-ingest", *sys.argv[2:]]
runpy.run_module("flows.cli", run_name="__main__")
"""


def run_measured(args: list[str], peak_file: Path, timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    """``survey-ingest ARGS`` in a subprocess; its output and its peak RSS in MB."""
    command = [sys.executable, "-c", PEAK_RSS_LAUNCHER, str(peak_file), *args]
    result = subprocess.run(command, cwd=REPO, env=api_env(), capture_output=True, text=True, timeout=timeout)
    return result, int(peak_file.read_text()) / 1024


def test_hostile_pdfs_end_within_the_caps_with_one_line_each(tmp_path):
    inputs = write_hostile_pdfs(tmp_path / "in")
    assert inputs["bomb.pdf"].stat().st_size < 4 << 20  # a few MB that inflate to 2 GiB
    out = tmp_path / "out"
    started = time.perf_counter()
    args = ["run", str(tmp_path / "in"), "--out", str(out), "--no-nlp", "--workers", "1"]
    args += ["--file-seconds", "120", "--max-memory-mb", "1024"]
    result, peak_mb = run_measured(args, tmp_path / "peak-rss-kb", timeout=600)
    seconds = time.perf_counter() - started
    print(f"hostile run: {seconds:.1f} s, peak RSS of the run {peak_mb:.0f} MB")
    assert result.returncode == 1, result.stdout + result.stderr  # the bomb failed
    assert "Traceback" not in result.stderr
    lines = {
        line.split()[1].rstrip(":"): line
        for line in result.stderr.splitlines()
        if line.split() and line.split()[0] in ("ok", "partial", "error")
    }
    assert sorted(lines) == sorted(inputs), result.stderr
    assert lines["bomb.pdf"].startswith("error bomb.pdf: resource-limit: streams inflate past 512 MB")
    record = load(out / "bomb.error.json")
    validate(record)
    assert record["stage"] == "resource-limit" and record["reason"].startswith("streams inflate past")
    for name in ("deep-nesting.pdf", "huge-page.pdf", "tiny-objects.pdf", "good.pdf"):
        assert not lines[name].startswith("error"), lines[name]
        validate(load(out / name.replace(".pdf", ".json")))
    assert load(out / "huge-page.json")["pages"][0]["width"] == 200000
    assert peak_mb < 1024, peak_mb  # the bomb never inflated in memory
    assert seconds < 300


def test_inflate_check_counts_without_keeping(tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf_of(bomb(256 << 20), flate=True))
    check_inflated_size(path, 300 << 20)  # under the cap: fine
    with pytest.raises(Exception, match="resource-limit: streams inflate past 100 MB"):
        check_inflated_size(path, 100 << 20)
    # Not Flate at all (or encrypted): nothing counted.
    path.write_bytes(pdf_of(TEXT))
    check_inflated_size(path, 1)
    # Streams followed by more of the file (every real PDF): each counted to its end, quickly.
    started = time.perf_counter()
    check_inflated_size(SOURCE_REPORT, 512 << 20)
    assert time.perf_counter() - started < 5


def test_wall_clock_cap_interrupts_the_file():
    started = time.monotonic()
    with pytest.raises(ResourceLimitExceeded, match="^slow.pdf took longer than 0.5 s"):
        with wall_clock_limit(0.5, "slow.pdf"):
            try:
                time.sleep(10)
            except Exception:  # a per-page handler must not swallow it
                pytest.fail("caught as an ordinary exception")
    assert time.monotonic() - started < 5


def slow_pdf(pages: int) -> bytes:
    """``pages`` pages of ~10,000 small chars each: ~0.3 s a page, none pathological."""
    rows = [b"(" + b"w%03d " % i * 22 + b") '" for i in range(90)]
    return build_pdf(b"\n".join([b"BT /F1 7 Tf 9 TL 20 780 Td", *rows, b"ET"]), pages=pages)


@pytest.mark.parametrize("workers", ["1", "2"])  # in the run's process; in a process pool
def test_wall_clock_cap_ends_a_slow_file_and_the_run_goes_on(tmp_path, workers):
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "slow.pdf").write_bytes(slow_pdf(300))
    (inputs / "good.pdf").write_bytes(build_pdf())
    # What the slow file would take uncapped, from a thirtieth of it.
    (tmp_path / "sample.pdf").write_bytes(slow_pdf(10))
    started = time.perf_counter()
    extract_report(tmp_path / "sample.pdf", PipelineSettings(nlp=False))
    uncapped = 30 * (time.perf_counter() - started)
    cap = 3

    started = time.perf_counter()
    command = [sys.executable, "-m", "flows.cli", "run", str(inputs), "--out", str(out), "--no-nlp"]
    command += ["--workers", workers, "--file-seconds", str(cap)]
    result = subprocess.run(command, cwd=REPO, env=api_env(), capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    print(f"capped run {seconds:.1f} s; the slow file uncapped ~{uncapped:.0f} s")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    reason = f"slow.pdf took longer than {cap} s"
    assert f"error slow.pdf: resource-limit: {reason}" in result.stderr.splitlines(), result.stderr
    record = load(out / "slow.error.json")
    validate(record)
    assert (record["stage"], record["reason"]) == ("resource-limit", reason)
    assert not (out / "slow.json").exists()
    validate(load(out / "good.json"))
    assert "1 ok, 0 partial, 1 failed of 2 files" in result.stderr
    # Interrupted at the cap, not when the file was done (the run's own start-up aside).
    assert uncapped > 45 and seconds < uncapped - 20, (seconds, uncapped)


def test_memory_error_under_the_cap_is_the_files_resource_limit():
    with pytest.raises(ResourceLimitExceeded, match=r"^big.pdf needed more than 512 MB of memory$"):
        with memory_limit(512 << 20, "big.pdf"):
            raise MemoryError


def test_hostile_names_each_get_their_own_outputs(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    data = build_pdf()
    names = [
        b"\x93\xfa\x96\x7b.pdf",  # Shift_JIS 日本, not UTF-8
        b"new\nline.pdf",
        "bidi\u202efdp.pdf".encode(),
        b"-rf.pdf",
        b"a..b.pdf",
        b"x.pdf",
        b"x.error.pdf",
        b"X.QA.pdf",
        b"same-a.pdf",
        b"same-b.pdf",
    ]
    for i, name in enumerate(names):
        distinct = b"" if name.startswith(b"same-") else b"%" + str(i).encode() + b"\n"
        (inbox / name.decode("utf-8", "surrogateescape")).write_bytes(data + distinct)
    state = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, return_state=True)
    report = outcomes_of(state)
    assert not report.failed and state.is_completed(), report
    assert len(report.outcomes) == len(names) - 1 and report.duplicates == ["same-b.pdf"]
    assert "\\x93\\xfa\\x96{.pdf" in [o.file for o in report.outcomes]
    outputs = sorted(outputs_in(out))
    # One report per name, identical content included; x.error.pdf does not take x.pdf's error record.
    assert len(outputs) == len(names) and not [n for n in outputs if n.endswith(".error.json")]
    assert "x.error_.json" in outputs and "X.QA_.json" in outputs and "x.json" in outputs
    assert all(n.isprintable() for n in outputs)
    assert load(out / "same-b.json") == load(out / "same-a.json")
    sjis = load(out / f"{output_stem(names[0].decode('utf-8', 'surrogateescape'))}.json")
    assert sjis["source"]["file"] == "\\x93\\xfa\\x96{.pdf"
    assert (
        outcomes_of(
            ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, return_state=True)
        ).outcomes
        == []
    )


def test_error_record_names_cannot_collide():
    assert output_stem("x.error.pdf") == "x.error_" and output_stem("x.pdf") == "x"
    assert output_stem("y.Review.pdf") == "y.Review_" and output_stem("errors.pdf") == "errors"


def test_a_copy_pausing_between_chunks_is_left_and_a_truncated_file_is_not(tmp_path):
    # Hashing a small file takes microseconds: a copy that pauses 20 ms between chunks is
    # seen still by a size check around the hash. It has no PDF trailer yet, and it grows
    # while the scan watches it; a truncated file that stays as it is goes on to fail.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    content = build_pdf()
    (inbox / "truncated.pdf").write_bytes(content[:200])
    copying = inbox / "copying.pdf"
    copying.write_bytes(content[:100])
    done = threading.Event()

    def copy() -> None:
        with copying.open("ab") as f:
            for k in range(100, len(content), 4):
                if done.wait(0.02):
                    break
                f.write(content[k : k + 4])
                f.flush()

    writer = threading.Thread(target=copy)
    writer.start()
    try:
        scan = scan_folder(inbox)
    finally:
        done.set()
        writer.join()
    assert [f.name for f in scan.files] == ["truncated.pdf"]
    assert scan.left == [("copying.pdf", STILL_WRITING)]


def test_a_file_still_being_written_is_left_for_the_next_run(tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "done.pdf").write_bytes(build_pdf())
    growing = inbox / "growing.pdf"
    growing.write_bytes(build_pdf()[:200])
    real = inbox_module.sha256_of

    def upload_goes_on(path):
        digest = real(path)
        if Path(path).name == "growing.pdf":
            with open(path, "ab") as f:
                f.write(b"more bytes")
        return digest

    monkeypatch.setattr(inbox_module, "sha256_of", upload_goes_on)
    scan = scan_folder(inbox)
    assert [f.name for f in scan.files] == ["done.pdf"] and scan.left == [("growing.pdf", STILL_WRITING)]
    report = outcomes_of(ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, return_state=True))
    assert [o.file for o in report.outcomes] == ["done.pdf"] and report.left == [("growing.pdf", STILL_WRITING)]
    assert not (out / "growing.error.json").exists()
    # The upload finished: the next run takes it.
    monkeypatch.setattr(inbox_module, "sha256_of", real)
    growing.write_bytes(build_pdf() + b"%uploaded\n")
    again = outcomes_of(ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, return_state=True))
    assert [o.file for o in again.outcomes] == ["growing.pdf"] and again.outcomes[0].ok


def test_unreadable_file_fails_with_one_line(tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "locked.pdf").write_bytes(build_pdf())
    (inbox / "fine.pdf").write_bytes(build_pdf() + b"%x\n")
    real_open = open

    def no_permission(path, *args, **kwargs):  # tests may run as root, which reads anything
        if str(path).endswith("locked.pdf"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_permission)
    state = ingest_inbox(str(inbox), str(out), nlp=False, runner="thread", workers=1, return_state=True)
    report = outcomes_of(state)
    assert state.is_failed() and [o.file for o in report.ingested] == ["fine.pdf"]
    [failed] = report.failed
    assert failed.file == "locked.pdf" and "Permission denied" in failed.reason and "\n" not in failed.reason


def test_symlink_out_of_the_inbox_is_not_followed(tmp_path):
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    (elsewhere / "private.pdf").write_bytes(build_pdf())
    (inbox / "link.pdf").symlink_to(elsewhere / "private.pdf")
    assert scan_folder(inbox).left == [("link.pdf", OUTSIDE_LINK)]
    assert [f.name for f in scan_folder(inbox, follow_symlinks=True).files] == ["link.pdf"]


def test_csv_cell_rule():
    # OWASP CSV injection; the export itself is tested in test_qa_export.
    for text in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    for text in ("回答なし", "1 = 1", "", None):
        assert csv_cell(text) == text
