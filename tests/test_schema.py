"""The committed JSON Schemas match the model, and validation tells good from broken."""

from __future__ import annotations

import copy
import json

import pytest

from docmodel.document import SCHEMA_VERSION, schema_tag, split_schema_version
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
    assert committed["properties"]["schema_version"]["const"] == f"{name}/{SCHEMA_VERSION}"


def _properties_without_description(node, path="") -> list[str]:
    missing = []
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            if "description" not in value:
                missing.append(f"{path}/{key}")
        for key, value in node.items():
            missing += _properties_without_description(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            missing += _properties_without_description(value, f"{path}/{index}")
    return missing


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_property_has_a_description(name):
    schema = generate_schema(name)
    assert _properties_without_description(schema) == []
    # The walk sees nested models: each $defs entry's properties are checked too.
    if name == "survey-report":
        assert {"Cell", "Question", "AnswerItem", "SentenceSpans"} <= schema["$defs"].keys()


def test_schema_version_is_not_a_date_and_keeps_schemaver():
    assert schema_tag() == f"survey-report/{SCHEMA_VERSION}"
    assert split_schema_version("survey-report/2-0-0") == ("survey-report", "2-0-0")
    assert split_schema_version("1-2-0") == (None, "1-2-0")


def test_unit_ids_are_required_in_the_schema():
    defs = generate_schema()["$defs"]
    for name in ("Block", "Cell", "Note", "Question", "Answer", "AnswerItem", "QAGrid"):
        assert defs[name]["required"][0] == "id", name


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
    assert produced_document["schema_version"] == f"survey-report/{SCHEMA_VERSION}"
    doc = dict(produced_document, schema_version="survey-report/0-0-9")
    with pytest.raises(SchemaError, match=r"unknown survey-report schema_version '0-0-9' \(known: .*1-0-0.*2-0-0"):
        validate(doc)
    with pytest.raises(SchemaError, match="names 'ingest-error'"):
        validate(dict(produced_document, schema_version=f"ingest-error/{SCHEMA_VERSION}"), name="survey-report")
    with pytest.raises(SchemaError, match="no schema_version"):
        validate({k: v for k, v in produced_document.items() if k != "schema_version"})


def test_old_version_strings_pick_the_old_files():
    """A 1-x file names a bare version and validates against that version's schema."""
    old = {
        "schema_version": "1-3-0",
        "source": {"file": "x.pdf", "sha256": "0", "size_bytes": 1, "page_count": 1},
        "document": {},
        "pipeline": {"version": "0.1.0", "nlp": False},
        "pages": [],
        "blocks": [],
        "tables": [],
        "logical_tables": [],
        "qa_grids": [],
    }
    validate(old)
    with pytest.raises(SchemaError, match="1-3-0"):
        validate(dict(old, blocks=[{"page": 1}]))
    validate(dict(old, schema_version="1-2-0"))
    error = {
        "schema_version": "1-3-0",
        "file": "x.pdf",
        "sha256": None,
        "reason": "empty",
        "stage": "open",
        "pipeline_version": "0.1.0",
    }
    validate(error)


def test_error_record_validates():
    record = error_record("x.pdf", None, "open", "empty file (0 bytes)", "test").model_dump(mode="json")
    assert record["schema_version"] == f"ingest-error/{SCHEMA_VERSION}"
    validate(record)  # recognised as an error record by its schema_version
    validate(record, name=ERROR_SCHEMA_NAME)
    with pytest.raises(SchemaError):
        validate(dict(record, stage=3))
