"""GiNZA's analysis beside the report: <stem>.tokens.parquet and <stem>.entities.parquet."""

from __future__ import annotations

import pyarrow.parquet as pq
from test_segment import tiny_report

from docmodel.nlp import Segmentation
from exporters.nlp_tables import ENTITY_SCHEMA, TOKEN_SCHEMA, write_nlp_tables

TEXT = "東京大学の山田太郎教授が来日した。次の文"


def tok(surface, start, pos="NOUN"):
    return {
        "surface": surface,
        "lemma": surface,
        "pos": pos,
        "tag": "名詞-普通名詞-一般",
        "reading": None,
        "start": start,
        "end": start + len(surface),
    }


def phrase(text, label, start, end, bunsetu_end):
    return {
        "text": text,
        "label": label,
        "start": start,
        "end": end,
        "bunsetu_start": start,
        "bunsetu_end": bunsetu_end,
    }


def segmentation(phrases: bool) -> Segmentation:
    words = ["東京", "大学", "の", "山田", "太郎", "教授", "が", "来日", "し", "た", "。"]
    starts = [0, 2, 4, 5, 7, 9, 11, 12, 14, 15, 16]
    assert "".join(words) == TEXT[:17] and [TEXT.index(w, s) for w, s in zip(words, starts, strict=True)] == starts
    return Segmentation.model_validate(
        {
            "sentences": [
                {
                    "text": TEXT[:17],
                    "start": 0,
                    "end": 17,
                    "tokens": [tok(w, s) for w, s in zip(words, starts, strict=True)],
                },
                {"text": TEXT[17:], "start": 17, "end": 20, "tokens": [tok("次", 17), tok("の", 18), tok("文", 19)]},
            ],
            "entities": [
                {"text": "東京大学", "label": "University", "start": 0, "end": 4},
                {"text": "山田太郎", "label": "Person", "start": 5, "end": 9},
            ],
            "phrases": [
                phrase("東京大学", "NP", 0, 4, 5),
                phrase("山田太郎教授", "NP", 5, 11, 12),
                phrase("来日", "VP", 12, 14, 17),
            ]
            if phrases
            else None,
        }
    )


def test_tokens_and_entities_by_unit_id(tmp_path):
    report = tiny_report()
    report.pipeline.nlp = True
    report.segmentation.update({"b1": segmentation(False), "g1.q1.a1.i1": segmentation(True)})
    tokens_path, entities_path = write_nlp_tables(report, tmp_path, "r")
    assert (tokens_path.name, entities_path.name) == ("r.tokens.parquet", "r.entities.parquet")
    tokens = pq.read_table(tokens_path)
    assert tokens.schema == TOKEN_SCHEMA
    rows = tokens.to_pylist()
    assert len(rows) == 28 and [r["unit_id"] for r in rows[:1] + rows[-1:]] == ["b1", "g1.q1.a1.i1"]
    block = [r for r in rows if r["unit_id"] == "b1"]
    assert [r["token"] for r in block] == list(range(14))
    assert [r["sentence"] for r in block] == [0] * 11 + [1] * 3
    assert all(TEXT[r["start_offset"] : r["end_offset"]] == r["surface"] for r in rows)
    assert {r["report"] for r in rows} == {report.source.file}
    assert [r["entity"] for r in block[:6]] == ["B-University", "I-University", "O", "B-Person", "I-Person", "O"]
    assert {r["bunsetu"] for r in block} == {None} and {r["in_phrase"] for r in block} == {None}
    item = [r for r in rows if r["unit_id"] == "g1.q1.a1.i1"]
    assert [r["bunsetu"] for r in item[:11]] == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    in_phrase = [True, True, False, True, True, True, False, True, False, False, False]
    assert [r["in_phrase"] for r in item[:11]] == in_phrase
    assert item[7]["phrase_label"] == "VP"
    assert item[11]["bunsetu"] is None and item[11]["in_phrase"] is False  # in no bunsetu of the list

    entities = pq.read_table(entities_path)
    assert entities.schema == ENTITY_SCHEMA
    assert [(e["unit_id"], e["start_offset"], e["end_offset"], e["label"], e["text"]) for e in entities.to_pylist()][
        :2
    ] == [
        ("b1", 0, 4, "University", "東京大学"),
        ("b1", 5, 9, "Person", "山田太郎"),
    ]


def test_no_nlp_writes_nothing_and_removes_stale_files(tmp_path):
    report = tiny_report()
    report.pipeline.nlp = True
    report.segmentation["b1"] = segmentation(False)
    write_nlp_tables(report, tmp_path, "r")
    report.pipeline.nlp = False
    assert write_nlp_tables(report, tmp_path, "r") == []
    assert list(tmp_path.iterdir()) == []
