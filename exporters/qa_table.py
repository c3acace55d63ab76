"""Q&A grids → one flat table per report: ``<stem>.qa.parquet`` and ``<stem>.qa.csv``.

One row per answer item, plus one row per answer the respondent did not give (the cell
printed 回答なし / 該当なし / ―), so every question × respondent appears at least once.
The CSV is UTF-8 with a BOM so spreadsheet programs open the Japanese intact, CRLF line
ends (a cell may hold a lone CR). A list column (``referenced_questions``: list<int64> in
Parquet) is written to the CSV as JSON array text, ``[3, 10]``, ``[]`` when empty: the
same values, and a string a reader does not mistake for a number (DuckDB:
``referenced_questions::INTEGER[]``; pandas: ``json.loads``).

CSV injection (OWASP): a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, and a PDF's text is not ours to trust.
In the CSV such a text cell gets a leading ``'`` (``=1+1`` → ``'=1+1``), which
spreadsheets show as text; the Parquet file keeps the text as extracted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from docmodel.document import SurveyReport
from docmodel.qa import QAGrid
from exporters.files import atomic_file

# Column → pyarrow type; the order is the column order of both files.
QA_SCHEMA = pa.schema(
    [
        ("report", pa.string()),
        ("grid", pa.string()),
        ("grid_title", pa.string()),
        ("respondent_group", pa.string()),
        ("question_number", pa.int64()),
        ("question_label", pa.string()),
        ("question_text", pa.string()),
        ("respondent", pa.string()),
        ("respondent_index", pa.int64()),
        ("item_index", pa.int64()),
        ("item_text", pa.string()),
        ("item_marker", pa.string()),
        ("item_level", pa.int64()),
        ("no_answer", pa.bool_()),
        ("no_answer_text", pa.string()),
        ("referenced_questions", pa.list_(pa.int64())),
        ("page", pa.int64()),
        # Unit ids (as in the JSON, the search index and the NLP files): what a search hit joins on.
        ("question_id", pa.string()),
        ("answer_id", pa.string()),
        ("item_id", pa.string()),  # null for a no-answer row
    ]
)
QA_COLUMNS = QA_SCHEMA.names
LIST_COLUMNS = [f.name for f in QA_SCHEMA if pa.types.is_list(f.type)]
# OWASP CSV injection: first characters that make a spreadsheet cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def grid_rows(grid: QAGrid, report: str) -> list[dict]:
    """Flat rows of one grid: an answer's items in order, or one row for a no-answer."""
    rows = []
    for question in grid.questions:
        base = {
            "report": report,
            "grid": grid.caption_id,
            "grid_title": grid.title,
            "respondent_group": grid.respondent_group,
            "question_number": question.number,
            "question_label": question.label,
            "question_text": question.text,
            "question_id": question.id,
        }
        for answer in question.answers:
            who = {
                **base,
                "respondent": answer.respondent,
                "respondent_index": grid.respondents.index(answer.respondent) + 1,
                "answer_id": answer.id,
            }
            first_page = answer.sources[0].page if answer.sources else None
            if answer.items is None:
                rows.append(
                    {
                        **who,
                        "item_index": None,
                        "item_text": None,
                        "item_marker": None,
                        "item_level": None,
                        "no_answer": True,
                        "no_answer_text": answer.no_answer_text,
                        "referenced_questions": [ref.number for ref in answer.referenced_questions],
                        "page": first_page,
                        "item_id": None,
                    }
                )
                continue
            for index, item in enumerate(answer.items, start=1):
                rows.append(
                    {
                        **who,
                        "item_index": index,
                        "item_text": item.text,
                        "item_marker": item.marker,
                        "item_level": item.level,
                        "no_answer": False,
                        "no_answer_text": None,
                        "referenced_questions": list(item.referenced_questions),
                        "page": item.page or first_page,
                        "item_id": item.id,
                    }
                )
    return rows


def qa_rows(report: SurveyReport) -> pd.DataFrame:
    """The report's Q&A grids as one DataFrame, one row per answer item or no-answer."""
    rows = [row for grid in report.qa_grids for row in grid_rows(grid, report.source.file)]
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    table = pa.Table.from_pylist(rows, schema=QA_SCHEMA)
    return table.to_pandas(types_mapper=_nullable)


def _nullable(arrow_type: pa.DataType):
    """Nullable pandas dtypes, so an int column with a no-answer row stays integer."""
    if arrow_type == pa.int64():
        return pd.Int64Dtype()
    if arrow_type == pa.bool_():
        return pd.BooleanDtype()
    if arrow_type == pa.string():
        return pd.StringDtype()
    return None


def csv_cell(text):
    """A text cell as written to CSV: ``'`` before a formula start (see the module doc)."""
    if isinstance(text, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as written to CSV: list columns as JSON array text (``[3, 10]``, ``[]``), formula starts escaped."""
    out = frame.copy()
    for column, arrow_type in zip(QA_SCHEMA.names, QA_SCHEMA.types, strict=True):
        if arrow_type == pa.string():
            out[column] = out[column].map(csv_cell, na_action="ignore")
    for column in LIST_COLUMNS:
        out[column] = [json.dumps([int(n) for n in values]) if values is not None else "[]" for values in frame[column]]
    return out


def write_qa_tables(report: SurveyReport, out_dir: Path | str, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.qa.parquet`` and ``<stem>.qa.csv`` into out_dir; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = qa_rows(report)
    parquet_path = out_dir / f"{stem}.qa.parquet"
    csv_path = out_dir / f"{stem}.qa.csv"
    table = pa.Table.from_pandas(frame, schema=QA_SCHEMA, preserve_index=False)
    with atomic_file(parquet_path) as tmp:
        pq.write_table(table, tmp)
    with atomic_file(csv_path) as tmp:
        # CRLF line ends (RFC 4180): the writer then quotes a cell holding a lone CR too,
        # which would otherwise end the row early in a reader.
        csv_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return parquet_path, csv_path
