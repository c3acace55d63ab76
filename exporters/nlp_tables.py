"""GiNZA's analysis beside the report, in columns: ``<stem>.tokens.parquet`` and
``<stem>.entities.parquet``.

The report's JSON keeps each unit's sentence spans; every token and entity is a row
here, keyed by the unit id (``blocks[].id``, ``tables[].rows[][].id``, ``qa_grids[]
.questions[].id``, ``…answers[].items[].id``). Offsets index the unit's ``text`` (Python
string indices, end exclusive), so ``text[start:end] == surface``; the rules are those
of ``docmodel.nlp``.

Column names are SQL-safe (``start_offset``/``end_offset``: ``end`` is an SQL keyword) and
the same as the catalog's ``tokens`` and ``entities`` (``catalog``); ``report`` (the
ingested PDF's file name, as in ``<stem>.qa.parquet``) comes first in both files.

tokens: one row per token (whitespace-only tokens are not listed)

    report    string  the ingested PDF's file name (source.file)
    unit_id   string  the unit the token is in
    sentence  int32   0-based sentence of the unit
    token     int32   0-based position of the token in the unit
    start_offset/end_offset int32   offsets into the unit's text
    surface, lemma, pos (UPOS), tag (SudachiPy POS), reading (katakana; null if none)
    entity    string  IOB label: "B-Person", "I-Person", or "O"
    bunsetu   int32   0-based bunsetu (文節) of the unit; null for units analysed without phrases
    phrase_label string  GiNZA phrase type of the bunsetu ("NP", "VP", …); null as above
    in_phrase bool    whether the token is in the bunsetu's content phrase; null as above

entities: report, unit_id, start_offset, end_offset, label, text — one row per named entity.
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from docmodel.document import SurveyReport
from docmodel.nlp import Segmentation
from exporters.files import atomic_file

TOKEN_SCHEMA = pa.schema(
    [
        ("report", pa.string()),
        ("unit_id", pa.string()),
        ("sentence", pa.int32()),
        ("token", pa.int32()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("surface", pa.string()),
        ("lemma", pa.string()),
        ("pos", pa.string()),
        ("tag", pa.string()),
        ("reading", pa.string()),
        ("entity", pa.string()),
        ("bunsetu", pa.int32()),
        ("phrase_label", pa.string()),
        ("in_phrase", pa.bool_()),
    ]
)
ENTITY_SCHEMA = pa.schema(
    [
        ("report", pa.string()),
        ("unit_id", pa.string()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("label", pa.string()),
        ("text", pa.string()),
    ]
)
TOKENS_SUFFIX = ".tokens.parquet"
ENTITIES_SUFFIX = ".entities.parquet"


def _token_rows(report: str, unit_id: str, seg: Segmentation, out: dict[str, list]) -> None:
    entities = seg.entities
    ent_starts = [e.start for e in entities]
    phrases = seg.phrases
    bunsetu_starts = [p.bunsetu_start for p in phrases] if phrases is not None else []
    index = 0
    for s, sentence in enumerate(seg.sentences):
        for token in sentence.tokens:
            e = bisect.bisect_right(ent_starts, token.start) - 1
            entity = "O"
            if e >= 0 and token.start < entities[e].end:
                first = token.start <= entities[e].start
                entity = ("B-" if first else "I-") + entities[e].label
            bunsetu = phrase_label = in_phrase = None
            if phrases is not None:
                b = bisect.bisect_right(bunsetu_starts, token.start) - 1
                if b >= 0 and token.start < phrases[b].bunsetu_end:
                    bunsetu, phrase_label = b, phrases[b].label
                    in_phrase = phrases[b].start <= token.start and token.end <= phrases[b].end
                else:
                    in_phrase = False
            for name, value in (
                ("report", report),
                ("unit_id", unit_id),
                ("sentence", s),
                ("token", index),
                ("start_offset", token.start),
                ("end_offset", token.end),
                ("surface", token.surface),
                ("lemma", token.lemma),
                ("pos", token.pos),
                ("tag", token.tag),
                ("reading", token.reading),
                ("entity", entity),
                ("bunsetu", bunsetu),
                ("phrase_label", phrase_label),
                ("in_phrase", in_phrase),
            ):
                out[name].append(value)
            index += 1


def token_table(report: SurveyReport) -> pa.Table:
    """Every token of every analysed unit, in document order."""
    columns: dict[str, list] = {name: [] for name in TOKEN_SCHEMA.names}
    for unit_id, seg in report.segmentation.items():
        _token_rows(report.source.file, unit_id, seg, columns)
    return pa.Table.from_pydict(columns, schema=TOKEN_SCHEMA)


def entity_table(report: SurveyReport) -> pa.Table:
    """Every named entity of every analysed unit, in document order."""
    rows = [
        {
            "report": report.source.file,
            "unit_id": unit_id,
            "start_offset": e.start,
            "end_offset": e.end,
            "label": e.label,
            "text": e.text,
        }
        for unit_id, seg in report.segmentation.items()
        for e in seg.entities
    ]
    return pa.Table.from_pylist(rows, schema=ENTITY_SCHEMA)


def nlp_paths(out_dir: Path, stem: str) -> tuple[Path, Path]:
    return out_dir / f"{stem}{TOKENS_SUFFIX}", out_dir / f"{stem}{ENTITIES_SUFFIX}"


def write_nlp_tables(report: SurveyReport, out_dir: Path | str, stem: str) -> list[Path]:
    """Write the two files when the NLP stage ran; otherwise remove stale ones. Returns the paths written."""
    tokens_path, entities_path = nlp_paths(Path(out_dir), stem)
    if not report.pipeline.nlp:
        tokens_path.unlink(missing_ok=True)
        entities_path.unlink(missing_ok=True)
        return []
    for path, table in ((tokens_path, token_table(report)), (entities_path, entity_table(report))):
        with atomic_file(path) as tmp:
            pq.write_table(table, tmp)
    return [tokens_path, entities_path]
