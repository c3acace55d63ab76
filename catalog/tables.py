"""The catalog's tables: name → Arrow schema, every one starting with the report key.

Column names are SQL-safe: no reserved word (``table``, ``row``, ``end``, ``order``)
needs quoting. Where a report has a flat file, its table here has that file's columns
(``table_cells`` = ``<stem>.tables.parquet``, ``qa_answers`` = ``<stem>.qa.parquet``,
``tokens``/``entities`` = the NLP files) plus ``report_sha256``.
"""

from __future__ import annotations

import pyarrow as pa

from exporters.nlp_tables import ENTITY_SCHEMA, TOKEN_SCHEMA
from exporters.qa_table import QA_SCHEMA
from exporters.table_export import TABLE_CELL_SCHEMA

KEY = [("report", pa.string()), ("report_sha256", pa.string())]
_BBOX = [("x0", pa.float64()), ("top", pa.float64()), ("x1", pa.float64()), ("bottom", pa.float64())]


def _keyed(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([*KEY, *fields])


def _with_sha(flat: pa.Schema) -> pa.Schema:
    """A flat file's columns (``report`` first) with ``report_sha256`` after ``report``."""
    rest = [(f.name, f.type) for f in flat if f.name != "report"]
    return _keyed(*rest)


TABLES: dict[str, pa.Schema] = {
    "reports": _keyed(
        ("output", pa.string()),  # the report's JSON in the output folder
        ("title", pa.string()),  # PDF metadata title, else the first page's heading
        ("page_count", pa.int32()),
        ("status", pa.string()),  # ok, or partial when pages failed
        ("failed_pages", pa.int32()),
        ("failed_page_numbers", pa.list_(pa.int32())),
        ("pipeline_version", pa.string()),
        ("nlp", pa.bool_()),
        ("schema_version", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),  # when the JSON was written
        ("pdf_bytes", pa.int64()),
        ("producer", pa.string()),
    ),
    "pages": _keyed(
        ("page", pa.int32()),
        ("width", pa.float64()),
        ("height", pa.float64()),
        ("section", pa.string()),
        ("heading", pa.string()),
        ("printed_page_number", pa.int32()),
        ("text_source", pa.string()),
        ("ocr_confidence", pa.float64()),
        ("error_stage", pa.string()),
        ("error_reason", pa.string()),
    ),
    "blocks": _keyed(
        ("unit_id", pa.string()),
        ("page", pa.int32()),
        ("block_type", pa.string()),
        ("figure_id", pa.string()),  # the figure a "label" block is printed inside
        ("marker", pa.string()),
        ("level", pa.int32()),
        ("text", pa.string()),
        *_BBOX,
    ),
    "tables": _keyed(
        ("table_id", pa.string()),
        ("page", pa.int32()),
        ("table_key", pa.string()),  # table_cells.table_key of its joined table; null for a Q&A grid slide
        ("caption", pa.string()),
        ("caption_id", pa.string()),
        ("caption_unit_id", pa.string()),
        ("part", pa.int32()),
        ("heading", pa.string()),
        ("n_rows", pa.int32()),
        ("n_cols", pa.int32()),
        ("header_rows", pa.int32()),
        ("note_position", pa.string()),
        ("qa_grid_id", pa.string()),  # the Q&A grid the slide is part of
        *_BBOX,
    ),
    "table_notes": _keyed(("unit_id", pa.string()), ("table_id", pa.string()), ("text", pa.string())),
    "table_callouts": _keyed(
        ("unit_id", pa.string()), ("table_id", pa.string()), ("page", pa.int32()), ("text", pa.string())
    ),
    "table_cells": _with_sha(TABLE_CELL_SCHEMA),
    "logical_tables": _keyed(
        ("caption_id", pa.string()),
        ("caption", pa.string()),
        ("table_ids", pa.list_(pa.string())),
        ("pages", pa.list_(pa.int32())),
        ("header_rows", pa.int32()),
        ("n_rows", pa.int32()),
        ("n_cols", pa.int32()),
    ),
    "qa_answers": _with_sha(QA_SCHEMA),
    "tokens": _with_sha(TOKEN_SCHEMA),
    "entities": _with_sha(ENTITY_SCHEMA),
    "figures": _keyed(
        ("figure_id", pa.string()),
        ("page", pa.int32()),
        ("kind", pa.string()),
        ("orientation", pa.string()),
        ("caption", pa.string()),
        ("caption_id", pa.string()),
        ("unit", pa.string()),
        ("categories", pa.list_(pa.string())),
        ("series_count", pa.int32()),
        ("data_note", pa.string()),
        *_BBOX,
    ),
    "chart_values": _keyed(
        ("figure_id", pa.string()),
        ("series_index", pa.int32()),
        ("series_name", pa.string()),
        ("colour", pa.string()),
        ("category_index", pa.int32()),
        ("category", pa.string()),
        ("value", pa.float64()),
        ("measured", pa.bool_()),
        ("unit_id", pa.string()),
    ),
    # Every text unit search indexes, in document order (catalog.units).
    "text_units": _keyed(
        ("unit_id", pa.string()),
        ("unit_kind", pa.string()),
        ("page", pa.int32()),
        ("parent_id", pa.string()),  # the table, figure or Q&A question/answer the unit belongs to
        ("text", pa.string()),
    ),
}
