"""What a run leaves in the output folder, and how it gets there safely.

- ``<stem>.json``: the report; ``<stem>.error.json``: why the file could not be ingested;
  ``<stem>.qa.parquet`` / ``<stem>.qa.csv``: the flat Q&A tables; ``<stem>.charts.parquet``:
  chart data.
- Once per folder, ``catalog.duckdb`` and ``catalog.search.sqlite``: every report of the
  folder in SQL tables and its search index (``catalog``), refreshed at the end of
  ``run`` and ``inbox`` (``flows.catalog_refresh``). Their names end in neither
  ``.json`` nor a report suffix, so no report is ever taken for them or they for one.
- Every write is atomic: a temp file in the same folder (``.<target>.<random>.tmp``),
  flushed and fsynced, then ``os.replace``d over the target, so a reader (or a crash) sees
  the old file or the new one, never half of one. A run holding the folder's lock removes
  the temp files a killed run left (``clean_temp_files``).
- The stem comes from the input's file name but can never leave the output folder or
  hide: separators, control characters and leading dots are replaced.
- Reserved suffixes: a stem never ends in ``.error``, ``.qa`` or ``.review`` (any case);
  such a stem gets ``_`` appended (``x.error.pdf`` → ``x.error_.json``), so no input's
  report can be, or overwrite, another input's error record or tables.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

from docmodel.document import IngestError
from exporters.chart_export import CHARTS_SUFFIX
from exporters.files import TEMP_SUFFIX, atomic_file, write_text_atomic
from exporters.nlp_tables import ENTITIES_SUFFIX, TOKENS_SUFFIX
from exporters.table_export import PARQUET_SUFFIX, XLSX_SUFFIX
from extractors.source import display_name  # noqa: F401  (re-exported: flows name files through outputs)

REPORT_SUFFIX = ".json"
ERROR_SUFFIX = ".error.json"
# Most file systems cap a name at 255 bytes; leave room for ".error.json" and the
# temp-file prefix/suffix.
MAX_STEM_BYTES = 200
FALLBACK_STEM = "document"
# The last dotted part of a stem may not be one of these (see the module doc).
RESERVED_SUFFIXES = ("error", "qa", "review")
QA_SUFFIXES = (".qa.parquet", ".qa.csv")
# The files ``exporters.write_outputs`` writes beside a report's JSON.
EXPORT_SUFFIXES = (*QA_SUFFIXES, XLSX_SUFFIX, PARQUET_SUFFIX, CHARTS_SUFFIX, TOKENS_SUFFIX, ENTITIES_SUFFIX)
# Temp files of ``exporters.files.atomic_file``: ".<target name>.<random>.tmp".
TEMP_FILE = re.compile(r"^\..+\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")

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
    name = display_name(re.split(r"[/\\]", file_name)[-1])
    name = unicodedata.normalize("NFC", name)
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    name = "".join("_" if _is_control(ch) else ch for ch in name)
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = _truncate_utf8(name, MAX_STEM_BYTES).rstrip(" .")
    name = name or FALLBACK_STEM
    if "." in name and name.rsplit(".", 1)[1].casefold() in RESERVED_SUFFIXES:
        name += "_"
    return name


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


def dump_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_error(out_dir: Path, stem: str, record: IngestError) -> Path:
    """Write ``<stem>.error.json``. An earlier good ``<stem>.json`` is kept, not lost."""
    return write_text_atomic(error_path(Path(out_dir), stem), dump_json(record.model_dump(mode="json")))


def error_record(file: str, sha256: str | None, stage: str, reason: str, pipeline_version: str) -> IngestError:
    return IngestError(
        file=display_name(file), sha256=sha256, stage=stage, reason=reason, pipeline_version=pipeline_version
    )


def output_names(stem: str) -> list[str]:
    """Every file name a report of ``stem`` may have in the output folder, the JSON last
    (its presence marks the report done)."""
    return [*(f"{stem}{suffix}" for suffix in EXPORT_SUFFIXES), f"{stem}{REPORT_SUFFIX}"]


def copy_outputs(out_dir: Path, from_stem: str, to_stem: str, output: str) -> Path:
    """Give ``to_stem`` its own copy of ``from_stem``'s outputs (identical content under
    another name: the inbox's and ``run``'s duplicates both come here): every file of the
    report, the JSON last, or the error record. Returns the copy of ``output`` (the owner's
    main output's file name). Each copy is atomic; the copies are byte for byte, so they
    name the owner's file (``source.file``) as the owner's do.

    Like a write of ``to_stem``'s own: a report removes ``to_stem``'s stale error record
    and the files the owner's report does not have (NLP tables); an error record keeps
    an earlier good report."""
    out_dir = Path(out_dir)
    if output.endswith(ERROR_SUFFIX):
        pairs = [(error_path(out_dir, from_stem), error_path(out_dir, to_stem))]
    else:
        names = zip(output_names(from_stem), output_names(to_stem), strict=True)
        pairs = [(out_dir / a, out_dir / b) for a, b in names]
    for source, target in pairs:
        if source.is_file():
            with atomic_file(target) as tmp:
                shutil.copyfile(source, tmp)
        elif not output.endswith(ERROR_SUFFIX):
            target.unlink(missing_ok=True)
    if not output.endswith(ERROR_SUFFIX):
        error_path(out_dir, to_stem).unlink(missing_ok=True)
    return pairs[-1][1]


def clean_temp_files(out_dir: Path) -> int:
    """Remove temp files a killed run left. Only called under the folder's lock, when no
    other run of this folder can be writing one."""
    removed = 0
    for path in Path(out_dir).iterdir():
        if TEMP_FILE.match(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
