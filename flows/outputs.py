"""What a run leaves in the output folder, and how it gets there safely.

- ``<stem>.json``: the report; ``<stem>.error.json``: why the file could not be ingested.
- Every write is atomic: a temp file in the same folder, flushed and fsynced, then
  ``os.replace``d over the target, so a reader (or a crash) sees the old file or the new
  one, never half of one.
- The stem comes from the input's file name but can never leave the output folder or
  hide: separators, control characters and leading dots are replaced.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from docmodel.document import IngestError, SurveyReport
from exporters.files import write_text_atomic

REPORT_SUFFIX = ".json"
ERROR_SUFFIX = ".error.json"
# Most file systems cap a name at 255 bytes; leave room for ".error.json" and the
# temp-file prefix/suffix.
MAX_STEM_BYTES = 200
FALLBACK_STEM = "document"

_UNSAFE = re.compile(r"[/\\:*?\"<>|]")


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls (NUL, newline, ESC …); Cf: invisible format characters
    # (bidi overrides) that make a name display as something else.
    return unicodedata.category(ch) in ("Cc", "Cf")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")[:max_bytes]
    return data.decode("utf-8", errors="ignore")


def output_stem(file_name: str) -> str:
    """A safe stem for the outputs of input ``file_name`` (a name or a path)."""
    name = re.split(r"[/\\]", file_name)[-1]
    name = unicodedata.normalize("NFC", name)
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    name = "".join("_" if _is_control(ch) else ch for ch in name)
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = _truncate_utf8(name, MAX_STEM_BYTES).rstrip(" .")
    return name or FALLBACK_STEM


def unique_stems(file_names: list[str]) -> list[str]:
    """``output_stem`` of each name, made unique within one batch (``x``, ``x-2`` …)."""
    seen: dict[str, int] = {}
    stems = []
    for name in file_names:
        stem = output_stem(name)
        key = stem.casefold()  # case-insensitive file systems would collide too
        count = seen.get(key, 0) + 1
        seen[key] = count
        stems.append(stem if count == 1 else f"{stem}-{count}")
    return stems


def report_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f"{stem}{REPORT_SUFFIX}"


def error_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f"{stem}{ERROR_SUFFIX}"


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that it is either fully there or untouched."""
    return write_text_atomic(path, text)


def dump_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_report(out_dir: Path, stem: str, report: SurveyReport | dict) -> Path:
    """Write ``<stem>.json``; a stale ``<stem>.error.json`` from an earlier run goes."""
    data = report.model_dump(mode="json") if isinstance(report, SurveyReport) else report
    path = write_atomic(report_path(Path(out_dir), stem), dump_json(data))
    error_path(Path(out_dir), stem).unlink(missing_ok=True)
    return path


def write_error(out_dir: Path, stem: str, record: IngestError) -> Path:
    """Write ``<stem>.error.json``. An earlier good ``<stem>.json`` is kept, not lost."""
    return write_atomic(error_path(Path(out_dir), stem), dump_json(record.model_dump(mode="json")))


def error_record(file: str, sha256: str | None, stage: str, reason: str, pipeline_version: str) -> IngestError:
    return IngestError(file=file, sha256=sha256, stage=stage, reason=reason, pipeline_version=pipeline_version)
