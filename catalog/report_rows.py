"""One report of the output folder → its rows of every catalog table.

Read the way the folder holds it: the JSON (as plain data: validating a large report
with the model costs seconds, and the run validated it when it wrote it) and the flat
Parquet files beside it, which already are ``table_cells``, ``qa_answers``, ``tokens``
and ``entities``. Files written before the flat files' columns were renamed
(``table``/``row``/``col``/``start``/``end``, no ``report`` column) are read too; a
report of schema 1-x, or one whose flat files are missing, is read with
``docmodel.load`` and its flat rows made by the exporters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from catalog.tables import TABLES
from catalog.units import TextUnit, grid_table_ids, text_units
from docmodel.document import SCHEMA_NAME, split_schema_version
from exporters.nlp_tables import ENTITIES_SUFFIX, TOKENS_SUFFIX
from exporters.table_export import PARQUET_SUFFIX

REPORT_SUFFIX = ".json"
QA_PARQUET_SUFFIX = ".qa.parquet"
# Flat-file columns before the catalog (issue 19) → their SQL-safe names.
OLD_COLUMN_NAMES = {"table": "table_key", "row": "row_index", "col": "col_index", "start": "start_offset"}
OLD_COLUMN_NAMES |= {"end": "end_offset"}


class NotAReport(ValueError):
    """A JSON file of the folder that is not a survey report (or cannot be read as one)."""


@dataclass
class ReportRows:
    report: str  # the ingested PDF's file name
    report_sha256: str
    tables: dict[str, pa.Table]  # catalog table name → this report's rows
    units: list[TextUnit]


def is_report_file(path: Path) -> bool:
    """``<stem>.json`` of a report: not an error record, not a hidden temp file. Runs name
    their outputs in UTF-8 (``flows.outputs``); a name that is not (a file put there by
    hand) is no report of theirs, and could not be stored as text."""
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return name.endswith(REPORT_SUFFIX) and not name.endswith(".error.json") and not name.startswith(".")


def read_report(path: Path) -> ReportRows:
    """The catalog rows of the report in ``path`` (``<stem>.json``); ``NotAReport`` if it is none."""
    try:
        data = orjson.loads(path.read_bytes())  # 3× the stdlib's speed on the large reports
    except (OSError, orjson.JSONDecodeError) as exc:
        raise NotAReport(f"{path.name}: cannot be read ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("schema_version"), str):
        raise NotAReport(f"{path.name}: not a survey report")
    name, version = split_schema_version(data["schema_version"])
    if name not in (SCHEMA_NAME, None) or not {"source", "pages", "blocks", "tables"} <= data.keys():
        raise NotAReport(f"{path.name}: not a survey report")
    model = None
    if version.startswith("1-"):
        model = _load_model(path)  # 1-x: the current model, upgraded on the way in
        data = model.model_dump(mode="json")
    elif version.startswith("2-"):
        from docmodel.io import figure_texts_as_labels  # lazy, as _load_model: jsonschema is slow to import

        data = figure_texts_as_labels(data)
    report, sha = data["source"]["file"], data["source"]["sha256"]
    stem = path.name[: -len(REPORT_SUFFIX)]

    def flat(suffix: str, make) -> pa.Table:
        nonlocal model
        file = path.with_name(stem + suffix)
        if file.is_file():
            return pq.read_table(file)
        if model is None:
            model = _load_model(path)
        return make(model)

    tables = {
        "reports": [_report_row(data, path)],
        "pages": [_page_row(page) for page in data["pages"]],
        "blocks": [_block_row(block) for block in data["blocks"]],
        "tables": _table_rows(data),
        "table_notes": [
            {"unit_id": n["id"], "table_id": t["id"], "text": n["text"]} for t in data["tables"] for n in t["notes"]
        ],
        "table_callouts": [
            {"unit_id": k["id"], "table_id": t["id"], "page": k["page"], "text": k["text"]}
            for t in data["tables"]
            for k in t.get("callouts", [])
        ],
        "logical_tables": [_logical_row(lt) for lt in data.get("logical_tables", [])],
        "figures": [_figure_row(f) for f in data.get("figures", [])],
        "chart_values": _chart_rows(data.get("figures", [])),
    }
    units = list(text_units(data))
    tables["text_units"] = [u.__dict__ for u in units]
    out = {name: _keyed(pa.Table.from_pylist(rows), name, report, sha) for name, rows in tables.items()}
    out["table_cells"] = _keyed(flat(PARQUET_SUFFIX, _cells_of), "table_cells", report, sha)
    out["qa_answers"] = _keyed(flat(QA_PARQUET_SUFFIX, _qa_of), "qa_answers", report, sha)
    for name, suffix in (("tokens", TOKENS_SUFFIX), ("entities", ENTITIES_SUFFIX)):
        file = path.with_name(stem + suffix)
        nlp_ran = data["pipeline"].get("nlp") and file.is_file()
        out[name] = _keyed(pq.read_table(file) if nlp_ran else pa.table({}), name, report, sha)
    return ReportRows(report, sha, out, units)


def _load_model(path: Path):
    from docmodel import load
    from docmodel.io import SchemaError

    try:
        return load(path)
    except (SchemaError, ValueError) as exc:
        raise NotAReport(f"{path.name}: not a valid survey report ({' '.join(str(exc).split())[:200]})") from exc


def _cells_of(model) -> pa.Table:
    from exporters.table_export import table_cells

    return table_cells(model)


def _qa_of(model) -> pa.Table:
    from exporters.qa_table import QA_SCHEMA, qa_rows

    return pa.Table.from_pandas(qa_rows(model), schema=QA_SCHEMA, preserve_index=False)


def _keyed(rows: pa.Table, name: str, report: str, sha: str) -> pa.Table:
    """``rows`` in the catalog table's columns and types: the report key set on every row,
    old flat-file names renamed, columns the rows lack null."""
    schema = TABLES[name]
    rows = rows.rename_columns([OLD_COLUMN_NAMES.get(c, c) for c in rows.column_names])
    n = rows.num_rows
    columns = []
    for field in schema:
        if field.name == "report":
            columns.append(pa.array([report] * n, pa.string()))
        elif field.name == "report_sha256":
            columns.append(pa.array([sha] * n, pa.string()))
        elif field.name in rows.column_names:
            columns.append(rows[field.name].cast(field.type))
        else:
            columns.append(pa.nulls(n, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _bbox(thing: dict) -> dict:
    return dict(thing.get("bbox") or {})


def _report_row(data: dict, path: Path) -> dict:
    pages = data["pages"]
    failed = [p["number"] for p in pages if p.get("error")]
    title = (data.get("document") or {}).get("title") or next((p["heading"] for p in pages if p.get("heading")), None)
    return {
        "output": path.name,
        "title": title,
        "page_count": data["source"]["page_count"],
        "status": "partial" if failed else "ok",
        "failed_pages": len(failed),
        "failed_page_numbers": failed,
        "pipeline_version": data["pipeline"]["version"],
        "nlp": bool(data["pipeline"].get("nlp")),
        "schema_version": data["schema_version"],
        "ingested_at": datetime.fromtimestamp(path.stat().st_mtime, UTC),
        "pdf_bytes": data["source"].get("size_bytes"),
        "producer": (data.get("document") or {}).get("producer"),
    }


def _page_row(page: dict) -> dict:
    error = page.get("error") or {}
    return {
        "page": page["number"],
        "width": page["width"],
        "height": page["height"],
        "section": page.get("section"),
        "heading": page.get("heading"),
        "printed_page_number": page.get("printed_page_number"),
        "text_source": page.get("text_source", "pdf"),
        "ocr_confidence": page.get("ocr_confidence"),
        "error_stage": error.get("stage"),
        "error_reason": error.get("reason"),
    }


def _block_row(block: dict) -> dict:
    return {
        "unit_id": block["id"],
        "page": block["page"],
        "block_type": block["type"],
        "figure_id": block.get("figure_id"),
        "marker": block.get("marker"),
        "level": block.get("level", 0),
        "text": block["text"],
        **_bbox(block),
    }


def _table_rows(data: dict) -> list[dict]:
    grids = grid_table_ids(data)
    # The key of the joined table a printed part is in: what table_cells.table_key says.
    joined = {part["table_id"]: lt["caption_id"] for lt in data.get("logical_tables", []) for part in lt["parts"]}
    return [
        {
            "table_id": t["id"],
            "page": t["page"],
            "table_key": None if t["id"] in grids else joined.get(t["id"], t.get("caption_id") or t["id"]),
            "caption": t.get("caption"),
            "caption_id": t.get("caption_id"),
            "caption_unit_id": t.get("caption_unit_id"),
            "part": t.get("part"),
            "heading": t.get("heading"),
            "n_rows": t["n_rows"],
            "n_cols": t["n_cols"],
            "header_rows": t["header_rows"],
            "note_position": t.get("note_position"),
            "qa_grid_id": grids.get(t["id"]),
            **_bbox(t),
        }
        for t in data["tables"]
    ]


def _logical_row(lt: dict) -> dict:
    return {
        "caption_id": lt["caption_id"],
        "caption": lt["caption"],
        "table_ids": [p["table_id"] for p in lt["parts"]],
        "pages": [p["page"] for p in lt["parts"]],
        "header_rows": lt["header_rows"],
        "n_rows": len(lt["rows"]),
        "n_cols": lt["n_cols"],
    }


def _figure_row(figure: dict) -> dict:
    return {
        "figure_id": figure["id"],
        "page": figure["page"],
        "kind": figure["kind"],
        "orientation": figure.get("orientation"),
        "caption": figure.get("caption"),
        "caption_id": figure.get("caption_id"),
        "unit": figure.get("unit"),
        "categories": figure.get("categories", []),
        "series_count": len(figure.get("series", [])),
        "data_note": figure.get("data_note"),
        **_bbox(figure),
    }


def _chart_rows(figures: list[dict]) -> list[dict]:
    rows = []
    for figure in figures:
        categories = figure.get("categories", [])
        for s, series in enumerate(figure.get("series", [])):
            for c, value in enumerate(series.get("values", [])):
                rows.append(
                    {
                        "figure_id": figure["id"],
                        "series_index": s,
                        "series_name": series.get("name"),
                        "colour": series.get("colour"),
                        "category_index": c,
                        "category": categories[c] if c < len(categories) else None,
                        "value": value.get("value"),
                        "measured": value.get("measured", False),
                        "unit_id": value.get("unit_id"),
                    }
                )
    return rows
