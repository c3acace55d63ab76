"""JSON Schemas (draft 2020-12) generated from the document model, and validation.

One file per schema and version: ``schemas/<name>/<version>.json``, its ``$id`` the same
path under ``SCHEMA_BASE_URI``. Versions follow SchemaVer MODEL-REVISION-ADDITION (see
``docmodel.document``); files of older versions stay so old outputs keep validating.

    python -m docmodel.schema --write   # regenerate the current version's files
    python -m docmodel.schema --check   # exit 1 when a committed file differs from the model
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from pydantic import BaseModel

from docmodel.document import SCHEMA_NAME, SCHEMA_VERSION, IngestError, SurveyReport, schema_tag, split_schema_version

SCHEMA_BASE_URI = "https://survey-ingest.invalid/schemas"
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"

ERROR_SCHEMA_NAME = "ingest-error"
# The error record is versioned with the document schema: both name SCHEMA_VERSION.
MODELS: dict[str, type[BaseModel]] = {SCHEMA_NAME: SurveyReport, ERROR_SCHEMA_NAME: IngestError}
TITLES = {SCHEMA_NAME: "Survey report", ERROR_SCHEMA_NAME: "Ingest error record"}
# Shown per invalid document; the rest are counted.
MAX_REPORTED_ERRORS = 5


class SchemaError(ValueError):
    """A document does not validate, or names a schema we do not have."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or []


def schema_id(name: str, version: str) -> str:
    return f"{SCHEMA_BASE_URI}/{name}/{version}.json"


def schema_path(name: str, version: str, root: Path = SCHEMAS_DIR) -> Path:
    return root / name / f"{version}.json"


def generate_schema(name: str = SCHEMA_NAME, version: str = SCHEMA_VERSION) -> dict:
    """The JSON Schema of model ``name`` as the code defines it now."""
    body = MODELS[name].model_json_schema()
    # Pin the version field: a document checked against the wrong version's file fails
    # on this field first, which says what is wrong.
    body["properties"]["schema_version"] = {**body["properties"]["schema_version"], "const": schema_tag(name, version)}
    body["required"] = sorted({*body.get("required", []), "schema_version"}, key=list(body["properties"]).index)
    # Unit ids default to "" only so that stages can build units before the report numbers
    # them; every unit of a written report has one.
    for definition in body.get("$defs", {}).values():
        if "id" in definition.get("properties", {}):
            definition["properties"]["id"].pop("default", None)
            definition["required"] = ["id", *[r for r in definition.get("required", []) if r != "id"]]
    header = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(name, version),
        "title": f"{TITLES[name]} {version}",
    }
    body.pop("title", None)
    return header | body


def dump_schema(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(root: Path = SCHEMAS_DIR) -> list[Path]:
    """(Re)write the current version's file of every schema; returns the files changed."""
    changed = []
    for name in MODELS:
        path = schema_path(name, SCHEMA_VERSION, root)
        text = dump_schema(generate_schema(name))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_schemas(root: Path = SCHEMAS_DIR) -> list[Path]:
    """Current-version files that are missing or differ from the model."""
    return [
        schema_path(name, SCHEMA_VERSION, root)
        for name in MODELS
        if not schema_path(name, SCHEMA_VERSION, root).exists()
        or schema_path(name, SCHEMA_VERSION, root).read_text(encoding="utf-8") != dump_schema(generate_schema(name))
    ]


@cache
def load_schema(name: str, version: str) -> dict:
    path = schema_path(name, version)
    if name not in MODELS or not path.exists():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.json"))) or "none"
        raise SchemaError(f"unknown {name} schema_version {version!r} (known: {known})")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validator(name: str, version: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name, version))


def schema_name_of(doc: dict) -> str:
    """Which schema a JSON document claims: named in schema_version from 2-0-0 on
    ("survey-report/2-0-0"); before that, error records carry stage + reason, no source."""
    version = doc.get("schema_version")
    named = split_schema_version(version)[0] if isinstance(version, str) else None
    if named:
        return named
    return ERROR_SCHEMA_NAME if {"stage", "reason"} <= doc.keys() and "source" not in doc else SCHEMA_NAME


def _describe(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def validate(doc: dict, name: str | None = None) -> None:
    """Validate ``doc`` against the schema file its ``schema_version`` names.

    ``schema_version`` is ``"<name>/<version>"`` from 2-0-0 on, a bare ``"1-3-0"`` before.

    ``name`` is the schema (``survey-report`` or ``ingest-error``); guessed from the
    document when not given. Raises ``SchemaError`` listing the first problems.
    """
    if not isinstance(doc, dict):
        raise SchemaError(f"not a JSON object but {type(doc).__name__}")
    value = doc.get("schema_version")
    if not isinstance(value, str):
        raise SchemaError("no schema_version in the document")
    named, version = split_schema_version(value)
    name = name or schema_name_of(doc)
    if named is not None and named != name:
        raise SchemaError(f"schema_version {value!r} names {named!r}, not {name!r}")
    errors = sorted(_validator(name, version).iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        described = [_describe(e) for e in errors]
        more = f" (+{len(described) - MAX_REPORTED_ERRORS} more)" if len(described) > MAX_REPORTED_ERRORS else ""
        raise SchemaError(f"invalid {name} {version}: " + "; ".join(described[:MAX_REPORTED_ERRORS]) + more, described)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docmodel.schema", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the current version's schema files")
    group.add_argument("--check", action="store_true", help="fail when a committed schema differs from the model")
    args = parser.parse_args(argv)
    if args.write:
        for path in write_schemas():
            print(f"wrote {path.relative_to(SCHEMAS_DIR.parent)}")
        return 0
    stale = stale_schemas()
    for path in stale:
        print(
            f"{path.relative_to(SCHEMAS_DIR.parent)} differs from the model: run `make schema` "
            f"(and bump SCHEMA_VERSION if {SCHEMA_VERSION} was already released)",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
