"""Unusable inputs fail in ``open_source`` with a one-line reason; hostile names stay inside
the output folder. No Prefect here: these are the extractor and output helpers alone."""

from __future__ import annotations

import pytest
from helpers import BAD_INPUTS, SOURCE_REPORT

from exporters.files import write_text_atomic as write_atomic
from extractors.errors import IngestFailure
from extractors.source import SourceLimits, open_source
from flows.outputs import error_path, output_stem, report_path, unique_stems


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_fails_with_one_line_reason(bad_inputs, name):
    with pytest.raises(IngestFailure) as caught:
        open_source(bad_inputs[name])
    failure = caught.value
    assert failure.stage == "open"
    assert BAD_INPUTS[name] in failure.reason
    assert "\n" not in failure.reason and len(failure.reason) < 200


def test_missing_file_fails(tmp_path):
    with pytest.raises(IngestFailure, match="no such file"):
        open_source(tmp_path / "absent.pdf")


def test_page_and_byte_limits():
    with pytest.raises(IngestFailure, match="too many pages: 44, limit is 10"):
        open_source(SOURCE_REPORT, SourceLimits(max_pages=10))
    with pytest.raises(IngestFailure, match="file too large"):
        open_source(SOURCE_REPORT, SourceLimits(max_bytes=1000))


def test_good_pdf_fingerprint(tiny_pdf):
    pdf, source = open_source(tiny_pdf)
    try:
        assert source.file == "tiny.pdf"
        assert source.page_count == 1 and source.size_bytes == tiny_pdf.stat().st_size
        assert len(source.sha256) == 64
        assert pdf.pages[0].extract_text() == "Hello world"
    finally:
        pdf.close()


def test_failure_survives_pickling():
    import pickle

    failure = pickle.loads(pickle.dumps(IngestFailure("open", "empty file")))
    assert (failure.stage, failure.reason, str(failure)) == ("open", "empty file", "open: empty file")


@pytest.mark.parametrize(
    "name, stem",
    [
        ("report.pdf", "report"),
        ("Report.PDF", "Report"),
        ("調査報告書 (案).pdf", "調査報告書 (案)"),
        ("../../etc/passwd.pdf", "passwd"),
        ("..\\..\\evil.pdf", "evil"),
        ("..pdf", "document"),
        (".hidden.pdf", "hidden"),
        ("a\x00b\nc\x1b.pdf", "a_b_c_"),
        ("rtl\u202etxt.pdf", "rtl_txt"),
        ("", "document"),
    ],
)
def test_output_stem_is_safe(name, stem):
    assert output_stem(name) == stem


def test_output_paths_stay_in_folder(tmp_path):
    for name in ["../x.pdf", "/abs/y.pdf", "..", "a/../../b.pdf", "x" * 400 + ".pdf", "é" * 300 + ".pdf"]:
        stem = output_stem(name)
        for path in (report_path(tmp_path, stem), error_path(tmp_path, stem)):
            assert path.resolve().parent == tmp_path.resolve()
            assert len(path.name.encode()) <= 255


def test_unique_stems_within_batch():
    assert unique_stems(["a/x.pdf", "b/x.pdf", "X.pdf", "y.pdf"]) == ["x", "x-2", "X-3", "y"]


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, "old\n")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file left


def test_write_atomic_keeps_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, "old\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half \ud800 written")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
