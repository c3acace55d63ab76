"""Every setting of the pipeline in one typed model, from the command line to each stage.

``PipelineSettings`` composes the stages' own settings (``LineSettings`` in
``page/lines.py``, ``TableSettings`` in ``page/tables.py`` …; each field there says why
it has its value) with the limits and the NLP switch. It is built once at the top (the
CLI, a test, a benchmark), from the defaults, a TOML or YAML file and ``--set`` overrides,
and handed down: each stage takes the part it needs (``group_lines(chars,
settings.lines)``). A settings file names only what it changes::

    # ingest.toml
    nlp = false
    [lines]
    baseline_tolerance = 0.3
    [tables.grid]
    snap_tolerance = 3.0
    [limits]
    page_seconds = 60

Unknown names are refused (a typo must not silently change nothing).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from extractors.document.qa_grid import QAGridSettings
from extractors.nlp.segment import SegmentSettings
from extractors.page.blocks import BlockSettings
from extractors.page.furniture import FurnitureSettings
from extractors.page.lines import LineSettings
from extractors.page.ocr import OcrSettings
from extractors.page.tables import TableSettings
from extractors.source import SourceLimits


class SettingsError(ValueError):
    """A settings file or ``--set`` override that cannot be applied, said in one line."""


class Limits(BaseModel):
    """What one file may cost before it is refused (``IngestFailure``) or a page is dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pages: int = Field(
        SourceLimits.max_pages,
        gt=0,
        description=("Refuse PDFs with more pages: pdfplumber holds every page's objects in memory."),
    )
    max_bytes: int = Field(SourceLimits.max_bytes, gt=0, description="Refuse PDFs larger than this many bytes.")
    page_seconds: float | None = Field(
        None,
        description=(
            "A page taking longer is recorded as a failed page (pages[].error, stage time-limit); null or 0: no limit."
        ),
    )

    def source(self) -> SourceLimits:
        """The checks of the open stage (``extractors.source``)."""
        return SourceLimits(max_pages=self.max_pages, max_bytes=self.max_bytes)


class PipelineSettings(BaseModel):
    """The settings of every stage; the defaults are what the corpus scores were measured with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def fingerprint(self) -> str:
        """A short digest of every value (defaults included): equal settings, equal
        fingerprints, so a scheduler can tell what an output was made with."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    lines: LineSettings = Field(
        default_factory=LineSettings, description=("Page stage: chars → visual lines (extractors/page/lines.py).")
    )
    tables: TableSettings = Field(
        default_factory=TableSettings,
        description=(
            "Page stage: ruled grids, cell text, call-outs, captions and notes (extractors/page/tables.py, "
            "table_grid.py, table_text.py, table_callouts.py)."
        ),
    )
    furniture: FurnitureSettings = Field(
        default_factory=FurnitureSettings,
        description=("Page stage: section label, slide heading, printed page number (extractors/page/furniture.py)."),
    )
    blocks: BlockSettings = Field(
        default_factory=BlockSettings,
        description=("Page stage: narrative blocks, markers, levels, wrap joining (extractors/page/blocks.py)."),
    )
    qa_grids: QAGridSettings = Field(
        default_factory=QAGridSettings,
        description=(
            "Assemble stage: Q&A grid recognition and answer items (extractors/document/qa_grid.py, qa_cells.py)."
        ),
    )
    segment: SegmentSettings = Field(
        default_factory=SegmentSettings,
        description=("Segment stage: GiNZA batch size and the Sudachi chunk limit (extractors/nlp/)."),
    )
    ocr: OcrSettings = Field(
        default_factory=OcrSettings,
        description=(
            "Page stage: which pages are read by OCR (no text layer, or an unreadable one) and how "
            "(extractors/page/ocr.py, text_layer.py)."
        ),
    )
    limits: Limits = Field(default_factory=Limits, description="Open and pages stages: file and page limits.")
    nlp: bool = Field(True, description="Run the segment stage (GiNZA); false leaves every nlp field null.")

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_names(cls, data: Any) -> Any:
        # pydantic ignores unknown keys of the stage dataclasses; refuse them here too.
        if isinstance(data, Mapping):
            for name, value in data.items():
                field = cls.model_fields.get(name)
                if field is not None and dataclasses.is_dataclass(field.annotation):
                    _check_names(field.annotation, value, name)
        return data

    # -- building ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str, base: PipelineSettings | None = None) -> PipelineSettings:
        """``base`` (default: the defaults) with what the TOML or YAML file at ``path`` sets."""
        return (base or cls()).merged(read_settings_file(Path(path)), what=str(path))

    def merged(self, changes: Mapping[str, Any], what: str = "settings") -> PipelineSettings:
        """These settings with ``changes`` (nested like the model, partial) applied."""
        data = _deep_merge(self.model_dump(), changes)
        try:
            return type(self).model_validate(data)
        except (ValidationError, ValueError) as exc:
            raise SettingsError(f"{what}: {_one_line_errors(exc)}") from exc

    def with_overrides(self, assignments: Iterable[str]) -> PipelineSettings:
        """These settings with ``section.field=value`` assignments (``--set``) applied in order."""
        settings = self
        for assignment in assignments:
            settings = settings.merged(parse_assignment(assignment), what=f"--set {assignment}")
        return settings


def resolve_settings(
    file: Path | None = None, assignments: Iterable[str] = (), base: PipelineSettings | None = None, **explicit: Any
) -> PipelineSettings:
    """The settings of a run: ``base``, then ``file``, then ``--set``, then ``explicit``
    top-level values that are not None (options like ``--no-nlp`` given on the command line)."""
    settings = base or PipelineSettings()
    if file is not None:
        settings = PipelineSettings.load(file, settings)
    settings = settings.with_overrides(assignments)
    given = {name: value for name, value in explicit.items() if value is not None}
    return settings.merged(given, what="options") if given else settings


def read_settings_file(path: Path) -> dict:
    """The table a TOML (``.toml``) or YAML (``.yaml``/``.yml``) settings file holds."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError
        raise SettingsError(
            f"{path}: not valid {'YAML' if path.suffix.lower() in ('.yaml', '.yml') else 'TOML'}: "
            f"{' '.join(str(exc).split())}"
        ) from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: a settings file holds a table of sections, not {type(data).__name__}")
    return data


def parse_assignment(assignment: str) -> dict:
    """``tables.grid.snap_tolerance=3`` → ``{"tables": {"grid": {"snap_tolerance": 3}}}``.

    The value is read as a TOML value (``3``, ``0.5``, ``true``, ``"text"``); anything
    else is taken as a string, and the model then checks its type.
    """
    path, sep, raw = assignment.partition("=")
    names = [name.strip() for name in path.split(".")]
    if not sep or not all(names):
        raise SettingsError(f"--set {assignment}: expected section.field=value")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    for name in reversed(names):
        value = {name: value}
    return value


def _check_names(cls: type, value: Any, where: str) -> None:
    if not isinstance(value, Mapping):
        return
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"{where}: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    hints = get_type_hints(cls)
    for name, inner in value.items():
        if dataclasses.is_dataclass(hints[name]):
            _check_names(hints[name], inner, f"{where}.{name}")


def _deep_merge(base: Any, changes: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(changes, Mapping):
        merged = dict(base)
        for key, value in changes.items():
            merged[key] = _deep_merge(base[key], value) if key in base else value
        return merged
    return changes


def _one_line_errors(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
    return " ".join(str(exc).split())
