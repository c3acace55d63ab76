"""The committed JSON Schemas match the model, and validation tells good from broken."""

from __future__ import annotations

import copy
import json

import pytest

from docmodel.document import SCHEMA_VERSION
from docmodel.schema import (
    ERROR_SCHEMA_NAME,
    MODELS,
    SchemaError,
    generate_schema,
    main,
    schema_id,
    schema_path,
    validate,
)
from extractors.pipeline import extract_report
from extractors.settings import PipelineSettings
from flows.outputs import error_record


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_schema_matches_model(name):
    committed = json.loads(schema_path(name, SCHEMA_VERSION).read_text(encoding="utf-8"))
    assert committed == generate_schema(name), "run `make schema` (python -m docmodel.schema --write)"
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert committed["$id"] == schema_id(name, SCHEMA_VERSION) and SCHEMA_VERSION in committed["$id"]
    assert committed["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_check_command_passes_on_committed_files():
    assert main(["--check"]) == 0


@pytest.fixture(scope="module")
def produced_document(tmp_path_factory):
    from conftest import build_pdf

    path = tmp_path_factory.mktemp("doc") / "tiny.pdf"
    path.write_bytes(build_pdf(pages=2))
    return extract_report(path, PipelineSettings(nlp=False)).model_dump(mode="json")


def test_produced_document_validates(produced_document):
    validate(produced_document)
    assert [p["number"] for p in produced_document["pages"]] == [1, 2]
    assert any("Hello world" in b["text"] for b in produced_document["blocks"])


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: d.pop("source"), "'source' is a required property"),
        (lambda d: d["source"].update(page_count="two"), "source/page_count"),
        (lambda d: d["pages"][0].update(colour="red"), "Additional properties"),
        (lambda d: d["blocks"][0].update(type="poem"), "blocks/0/type"),
        (lambda d: d["pipeline"].pop("nlp"), "'nlp' is a required property"),
    ],
)
def test_broken_document_fails(produced_document, breakage, message):
    doc = copy.deepcopy(produced_document)
    breakage(doc)
    with pytest.raises(SchemaError, match="invalid survey-report") as caught:
        validate(doc)
    assert any(message in e for e in caught.value.errors), caught.value.errors


def test_schema_version_picks_the_file(produced_document):
    doc = dict(produced_document, schema_version="0-0-9")
    with pytest.raises(SchemaError, match=r"unknown survey-report schema_version '0-0-9' \(known: .*1-0-0"):
        validate(doc)
    with pytest.raises(SchemaError, match="no schema_version"):
        validate({k: v for k, v in produced_document.items() if k != "schema_version"})


def test_error_record_validates():
    record = error_record("x.pdf", None, "open", "empty file (0 bytes)", "test").model_dump(mode="json")
    validate(record)  # recognised as an error record by its fields
    validate(record, name=ERROR_SCHEMA_NAME)
    with pytest.raises(SchemaError):
        validate(dict(record, stage=3))
