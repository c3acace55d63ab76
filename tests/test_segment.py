"""GiNZA segmentation: offsets tile every unit, long units are cut under Sudachi's limit."""

from __future__ import annotations

import unicodedata

import pdfplumber
import pytest
from helpers import SOURCE_REPORT

from docmodel.nlp import Segmentation
from extractors.nlp.segment import load_nlp, model_texts, report_units, segment_report, segment_texts
from extractors.nlp.segment_chunks import ChunkSettings, split_for_sudachi, sudachi_bytes
from extractors.page.lines import group_lines

# Flows, servers, GiNZA or whole-corpus runs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SUDACHI_MAX_BYTES = 49_149
BOX = {"x0": 0, "top": 0, "x1": 1, "bottom": 1}
SAMPLE = (
    "大学における研究開発の状況について調査した。東京大学の山田太郎教授は2024年4月に来日した！  次の文です\n改行後の行"
)


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture(scope="session")
def sudachi_only():
    """ja_ginza's own tokenizer (SudachiPy, same dictionary and split mode) with a rule
    sentencizer instead of the neural components: fast enough for 100 kB units."""
    import spacy

    light = spacy.load(
        "ja_ginza", exclude=["tok2vec", "parser", "ner", "morphologizer", "compound_splitter", "bunsetu_recognizer"]
    )
    light.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？"]})
    return light


@pytest.fixture(scope="module")
def corpus_lines() -> list[str]:
    """Visual lines of every eighth page of the source report (narrative, tables, grids)."""
    with pdfplumber.open(SOURCE_REPORT) as pdf:
        return [line.text for page in pdf.pages[::8] for line in group_lines(page.chars)]


def assert_tiles(text: str, seg: Segmentation) -> None:
    """The coverage rules of docmodel.nlp: nothing dropped, nothing counted twice."""
    if not text:
        assert seg.sentences == []
        return
    assert seg.sentences[0].start == 0 and seg.sentences[-1].end == len(text)
    assert "".join(text[s.start : s.end] for s in seg.sentences) == text
    for before, after in zip(seg.sentences, seg.sentences[1:], strict=False):
        assert before.end == after.start
    for sentence in seg.sentences:
        assert sentence.text == text[sentence.start : sentence.end] and sentence.start < sentence.end
        pos = sentence.start
        for token in sentence.tokens:
            assert pos <= token.start < token.end <= sentence.end, (token, sentence)
            assert text[pos : token.start].strip() == "", "a gap between tokens holds more than whitespace"
            assert token.surface == text[token.start : token.end] and token.surface.strip()
            pos = token.end
        assert text[pos : sentence.end].strip() == ""
    for spans in (seg.entities, seg.phrases or []):
        end = 0
        for span in spans:
            assert end <= span.start < span.end <= len(text)
            assert span.text == text[span.start : span.end] == span.text.strip()
            end = span.end
    for phrase in seg.phrases or []:
        assert phrase.bunsetu_start <= phrase.start and phrase.end <= phrase.bunsetu_end


def block_like(lines: list[str], size: int) -> list[str]:
    """Consecutive lines joined with newlines, as body blocks and cells store them."""
    return ["\n".join(lines[i : i + size]) for i in range(0, len(lines), size)]


def test_corpus_units_tile_their_text(nlp, corpus_lines):
    lines = corpus_lines[:120]
    units = lines + block_like(lines, 6) + ["", "  ", "\u3000\n"]
    flags = [i % 3 == 0 for i in range(len(units))]
    found = segment_texts(units, phrases=flags, nlp=nlp)
    assert len(found) == len(units)
    for text, flag, seg in zip(units, flags, found, strict=False):
        assert_tiles(text, seg)
        assert (seg.phrases is not None) == flag
    tokens = sum(len(s.tokens) for seg in found for s in seg.sentences)
    assert tokens > len(lines) * 2
    assert any(len(seg.sentences) > 1 for seg in found)
    assert any(seg.entities for seg in found)
    assert any(seg.phrases for seg in found)
    # Every non-whitespace character lies in exactly one token.
    for text, seg in zip(units, found, strict=False):
        covered = "".join(t.surface for s in seg.sentences for t in s.tokens)
        assert covered == "".join(text.split())


def test_sentences_tokens_entities_of_a_known_text(nlp):
    seg = segment_texts([SAMPLE], nlp=nlp)[0]
    assert_tiles(SAMPLE, seg)
    assert seg.sentences[0].text == "大学における研究開発の状況について調査した。"
    # Whitespace after a sentence end belongs to that sentence.
    assert seg.sentences[1].text == "東京大学の山田太郎教授は2024年4月に来日した！  "
    tokens = {t.surface: t for s in seg.sentences for t in s.tokens}
    assert tokens["研究開発"].reading == "ケンキュウカイハツ" and tokens["研究開発"].pos == "NOUN"
    assert tokens["おけ"].lemma == "おく" and tokens["研究開発"].tag == "名詞-普通名詞-一般"
    assert ("山田太郎", 27, 31) in {(e.text, e.start, e.end) for e in seg.entities}
    assert seg.phrases is None


def test_answer_items_get_bunsetu_phrases(nlp):
    seg = segment_texts([SAMPLE], phrases=True, nlp=nlp)[0]
    assert_tiles(SAMPLE, seg)
    by_text = {p.text: p for p in seg.phrases}
    assert by_text["研究開発"].label == "NP"
    research = by_text["研究開発"]
    assert SAMPLE[research.bunsetu_start : research.bunsetu_end] == "研究開発の"
    assert "山田太郎教授" in by_text


def test_leading_whitespace_goes_to_the_first_sentence(nlp):
    text = "  先頭の空白。 次の文。"
    seg = segment_texts([text], nlp=nlp)[0]
    assert [s.text for s in seg.sentences] == ["  先頭の空白。 ", "次の文。"]


def test_blank_units_skip_the_model():
    class NoModel:
        def pipe(self, *args, **kwargs):
            raise AssertionError("the model ran on a blank unit")

        pipe_names: list[str] = []

    found = segment_texts(["", "  ", "\n\u3000"], phrases=[False, True, False], nlp=NoModel())
    assert found[0].sentences == [] and found[0].phrases is None
    assert [(s.text, s.tokens) for s in found[1].sentences] == [("  ", [])] and found[1].phrases == []
    assert_tiles("\n\u3000", found[2])


def test_identical_texts_are_analysed_once(nlp):
    texts = ["同じ文です。", "別の文です。", "同じ文です。", "同じ文です。"]
    assert model_texts(texts) == {False: ["同じ文です。", "別の文です。"], True: []}
    found = segment_texts(texts, nlp=nlp)
    assert found[0] is found[2] is found[3] and found[0] is not found[1]
    # The same text with phrases is another analysis.
    mixed = segment_texts(texts[:2] + texts[:1], phrases=[False, False, True], nlp=nlp)
    assert mixed[0].phrases is None and mixed[2].phrases
    # A text wanted with and without phrases goes to the model once, with phrases.
    assert model_texts(texts[:2] + texts[:1], [False, False, True]) == {False: ["別の文です。"], True: ["同じ文です。"]}
    assert mixed[0].sentences == mixed[2].sentences and mixed[0].entities == mixed[2].entities


def test_texts_seen_before_come_from_the_cache(nlp, monkeypatch):
    from extractors.nlp import segment

    first = segment_texts(["キャッシュの文です。", "句も取る文です。"], phrases=[False, True], nlp=nlp)
    seen: list[str] = []
    real_run = segment._run

    def counting_run(model, texts, *args):
        seen.extend(texts)
        return real_run(model, texts, *args)

    monkeypatch.setattr(segment, "_run", counting_run)
    again = segment_texts(
        ["句も取る文です。", "キャッシュの文です。", "句も取る文です。"], phrases=[False, False, True], nlp=nlp
    )
    assert seen == []
    assert again[1] is first[0] and again[2] is first[1]
    assert again[0].phrases is None and again[0].sentences == first[1].sentences
    segment_texts(["キャッシュの文です。"], phrases=True, nlp=nlp)  # phrases were never asked for
    assert seen == ["キャッシュの文です。"]

    class OtherModel:
        pipe_names: list[str] = []

        def pipe(self, *args, **kwargs):
            raise AssertionError("another model runs on its own")

    with pytest.raises(AssertionError, match="its own"):  # a cache entry is the model's that made it
        segment_texts(["キャッシュの文です。"], nlp=OtherModel())


def test_model_is_loaded_once_per_process(nlp):
    assert load_nlp() is nlp


def test_phrase_flags_must_match_the_texts(nlp):
    with pytest.raises(ValueError, match="flags"):
        segment_texts(["一つ", "二つ"], phrases=[True], nlp=nlp)


def tiny_report():
    from docmodel.document import Block, Cell, DocumentInfo, Page, PipelineInfo, Source, SurveyReport, Table
    from docmodel.qa import Answer, AnswerItem, QAGrid, Question
    from extractors.document.unit_ids import number_report_units, number_table_units

    def cell(col, text, row=0):
        return Cell(row=row, col=col, text=text, raw_text=text, bbox=BOX)

    tables = [
        Table(
            id="p1-t0",
            page=1,
            bbox=BOX,
            n_rows=1,
            n_cols=2,
            header_rows=0,
            callouts=[Block(page=1, type="callout", text="吹き出し", raw_text="吹き出し", bbox=BOX)],
            rows=[[cell(0, "セルの文"), cell(1, "")]],
        ),
        # The printed Q&A grid slide: its words are the grid's question and items.
        Table(
            id="p2-t0",
            page=2,
            bbox=BOX,
            n_rows=2,
            n_cols=2,
            header_rows=1,
            rows=[
                [cell(0, "質問内容"), cell(1, "機関")],
                [cell(0, "質問1\n研究体制について", 1), cell(1, "・研究支援者を増やした。", 1)],
            ],
        ),
    ]
    number_table_units(tables)
    return number_report_units(
        SurveyReport(
            source=Source(file="t.pdf", sha256="0" * 64, size_bytes=1, page_count=2),
            document=DocumentInfo(),
            pipeline=PipelineInfo(version="test", nlp=False),
            pages=[Page(number=1, width=10, height=10), Page(number=2, width=10, height=10)],
            blocks=[Block(page=1, type="paragraph", text="本文の段落です。", raw_text="本文の段落です。", bbox=BOX)],
            tables=tables,
            qa_grids=[
                QAGrid(
                    pages=[2],
                    table_ids=["p2-t0"],
                    respondents=["機関"],
                    questions=[
                        Question(
                            number=1,
                            label="質問1",
                            text="研究体制について",
                            answers=[Answer(respondent="機関", items=[AnswerItem(text="研究支援者を増やした。")])],
                        )
                    ],
                )
            ],
        )
    )


def test_report_units_and_segment_report(nlp):
    report = tiny_report()
    units, flags = report_units(report)
    # Q&A grid slide cells are left out: their words are the question and the item.
    assert [u.text for u in units] == [
        "本文の段落です。",
        "吹き出し",
        "セルの文",
        "",
        "研究体制について",
        "研究支援者を増やした。",
    ]
    assert [u.id for u in units] == ["b1", "p1-t0.k1", "p1-t0.r0.c0", "p1-t0.r0.c1", "g1.q1", "g1.q1.a1.i1"]
    assert flags == [False] * 5 + [True]
    assert segment_report(report, nlp=nlp) is report
    assert list(report.segmentation) == [u.id for u in units]
    seg = report.segmentation
    assert seg["b1"].sentences[0].text == "本文の段落です。"
    assert "".join(t.surface for t in seg["p1-t0.k1"].sentences[0].tokens) == "吹き出し"
    assert seg["p1-t0.r0.c0"].sentences[0].text == "セルの文" and seg["p1-t0.r0.c1"].sentences == []
    for unit in units:
        assert_tiles(unit.text, seg[unit.id])
        # The report keeps the sentence spans only.
        assert [(s.start, s.end) for s in unit.nlp.sentences] == [(s.start, s.end) for s in seg[unit.id].sentences]
        assert "tokens" not in unit.nlp.model_dump()
    assert seg["g1.q1.a1.i1"].phrases
    assert all(c.nlp is None for row in report.tables[1].rows for c in row)
    # What the report file holds: valid, and read back the same.
    from docmodel.schema import validate

    validate(report.model_dump(mode="json"))
    assert type(report).model_validate_json(report.model_dump_json()).model_dump() == report.model_dump()


# --- Sudachi's input limit


def long_text(lines: list[str], min_bytes: int) -> str:
    parts, size = [], 0
    while size <= min_bytes:
        for line in lines:
            parts.append(line)
            size += len(line.encode("utf-8")) + 1
    return "\n".join(parts)


def test_unit_over_100000_bytes_is_cut_and_stitched(nlp, sudachi_only, corpus_lines):
    text = long_text(corpus_lines, 100_000)
    assert len(text.encode("utf-8")) > 100_000
    with pytest.raises(Exception, match="Input is too long"):
        sudachi_only.make_doc(text)
    pieces = split_for_sudachi(text)
    assert len(pieces) >= 3
    seg = segment_texts([text], nlp=nlp)[0]  # the production model, all components
    assert_tiles(text, seg)
    tokens = [t for s in seg.sentences for t in s.tokens]
    assert "".join(t.surface for t in tokens) == "".join(text.split())
    # The tokens of a piece are the tokens Sudachi finds in it alone, shifted.
    start, end = pieces[1]
    alone = [(t.idx + start, t.text) for t in sudachi_only.make_doc(text[start:end]) if not t.text.isspace()]
    assert [(t.start, t.surface) for t in tokens if start <= t.start < end] == alone


def test_long_unit_with_the_full_model_keeps_offsets(nlp, corpus_lines):
    text = long_text(corpus_lines[:40], 5_000)
    settings = ChunkSettings(max_bytes=1_500)
    from extractors.nlp.segment import SegmentSettings

    assert len(split_for_sudachi(text, settings)) >= 4
    seg = segment_texts([text], nlp=nlp, settings=SegmentSettings(chunks=settings))[0]
    assert_tiles(text, seg)
    # Every cut is a sentence boundary.
    starts = {s.start for s in seg.sentences}
    assert all(a in starts for a, _ in split_for_sudachi(text, settings))


def test_pieces_end_at_sentence_or_line_ends():
    text = ("研究開発の状況を調べた。" * 40 + "\n") * 30
    pieces = split_for_sudachi(text, ChunkSettings(max_bytes=2_000))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    for start, end in pieces:
        assert sudachi_bytes(text[start:end]) <= 2_000
        assert text[end - 1] in "。\n" or end == len(text)


def test_text_without_boundaries_is_cut_between_characters():
    # No sentence end, no newline; combining marks must stay with their base letter.
    text = "e\u0301" * 5_000 + "漢字" * 10_000
    pieces = split_for_sudachi(text, ChunkSettings(max_bytes=4_001))
    assert "".join(text[a:b] for a, b in pieces) == text
    for start, end in pieces:
        assert sudachi_bytes(text[start:end]) <= 4_001
        assert not unicodedata.combining(text[start])


def test_characters_that_expand_under_normalisation_count_expanded(sudachi_only):
    text = "㍿" * 30_000  # 90,000 bytes, 360,000 once Sudachi normalises it to 株式会社
    pieces = split_for_sudachi(text)
    assert len(pieces) >= 9
    for start, end in pieces:
        assert sudachi_bytes(text[start:end]) <= ChunkSettings().max_bytes < SUDACHI_MAX_BYTES
        sudachi_only.make_doc(text[start:end])  # accepted
