"""GiNZA segmentation of text units: sentences, tokens, entities, bunsetu phrases.

One ``ja_ginza`` model per process (loaded on first use, from the installed package).
All units of a document go through ``nlp.pipe`` together, with only the components the
requested fields need. Each distinct text is analysed once: identical texts share one
analysis, a text wanted both with and without phrases runs once with them, and a
per-process cache by text (``TEXT_CACHE_SIZE`` entries) serves texts seen before.
Units that only repeat text stored elsewhere are not analysed at all: the printed cells
of Q&A grid slides (their words are the grid's questions and answer items) and logical
tables (references to printed cells). Texts over SudachiPy's input limit are cut
(``segment_chunks``) and the pieces stitched back with unit offsets. Offsets and
coverage rules are documented in ``docmodel.nlp``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from docmodel.nlp import Segmentation
from extractors.nlp.segment_chunks import ChunkSettings, split_for_sudachi

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from docmodel.document import Block, Cell, SurveyReport
    from docmodel.qa import AnswerItem, Question

    # A text unit the NLP stage analyses: each has ``id``, ``text`` and ``nlp``.
    TextUnit = Block | Cell | Question | AnswerItem

MODEL = "ja_ginza"
# ja_ginza runs tok2vec, parser, ner, morphologizer, compound_splitter and
# bunsetu_recognizer. Every field needs the first four: ja_ginza has no senter, so
# sentence boundaries come from the parser; the morphologizer sets UPOS in context.
# Bunsetu recognition only serves phrases; the compound splitter (split_mode None in
# ja_ginza) changes nothing. Components not named here run as the pipeline has them.
# Measured (CPU, source report): tok2vec + morphologizer ~58 %, ner ~40 %, parser ~3 %,
# Sudachi ~3 %, bunsetu_recognizer lost in the noise: the parser is a cheap sentence splitter.
# Most of the tok2vec time is matrix products: see ``load_nlp`` and ``one_blas_thread``.
UNNEEDED_FOR_WORDS = ("compound_splitter", "bunsetu_recognizer")
UNNEEDED_FOR_PHRASES = ("compound_splitter",)


# Distinct texts whose analysis a process keeps: report boilerplate (table headers,
# legends, 回答なし) repeats across the reports of one run. One report has ~800 distinct
# texts; an entry is ~10 kB of pydantic objects, so the cache stays under ~40 MB.
TEXT_CACHE_SIZE = 4_000


@dataclass(frozen=True)
class SegmentSettings:
    # Texts per nlp.pipe batch (units are mostly short lines and cells).
    batch_size: int = 64
    chunks: ChunkSettings = ChunkSettings()


@cache
def load_nlp(model: str = MODEL) -> Language:
    """The GiNZA pipeline, loaded once per process from the installed model package."""
    import spacy  # deferred: importing spaCy costs a second that --no-nlp runs skip
    from thinc.api import use_ops

    # thinc's CPU ops multiply with BLIS, whose wheel runs its generic kernel here; numpy's
    # BLAS computes the same products in a third of the CPU time. The layers keep the ops
    # they are built with, so the choice is made at load and changes nothing else.
    with use_ops("numpy", use_blis=False):
        return spacy.load(model)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread while the model runs: its second thread mostly spins on
    these small products (+45 % CPU for -13 % wall), and file workers already fill the cores."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def disabled_pipes(nlp: Language, phrases: bool) -> list[str]:
    """The components of ``nlp`` that the requested fields do not need."""
    unneeded = UNNEEDED_FOR_PHRASES if phrases else UNNEEDED_FOR_WORDS
    return [name for name in nlp.pipe_names if name in unneeded]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class _Piece:
    """What one model call over one piece of a unit found, in unit offsets."""

    sentence_starts: list[int]
    tokens: list[dict]
    entities: list[dict]
    phrases: list[dict] | None


def _read_doc(doc: Doc, text: str, offset: int, phrases: bool) -> _Piece:
    starts, tokens = [], []
    for sent in doc.sents:
        first = next((t for t in sent if not t.text.isspace()), None)
        if first is not None:  # a whitespace-only "sentence" joins the one before it
            starts.append(first.idx + offset)
    for t in doc:
        if t.text.isspace():
            continue
        reading = t.morph.get("Reading")  # type: ignore[call-arg]  # spaCy's stub omits get()'s default=None
        start = t.idx + offset
        tokens.append(
            {
                "surface": t.text,
                "lemma": t.lemma_,
                "pos": t.pos_,
                "tag": t.tag_,
                "reading": reading[0] if reading else None,
                "start": start,
                "end": start + len(t.text),
            }
        )
    entities = []
    for ent in doc.ents:
        start, end = _strip(text, ent.start_char + offset, ent.end_char + offset)
        if start < end:
            entities.append({"text": text[start:end], "label": ent.label_, "start": start, "end": end})
    found = None
    if phrases:
        import ginza

        found = []
        for bunsetu, phrase in zip(ginza.bunsetu_spans(doc), ginza.bunsetu_phrase_spans(doc), strict=False):
            start, end = _strip(text, phrase.start_char + offset, phrase.end_char + offset)
            b_start, b_end = _strip(text, bunsetu.start_char + offset, bunsetu.end_char + offset)
            if start < end:
                found.append(
                    {
                        "text": text[start:end],
                        "label": phrase.label_,
                        "start": start,
                        "end": end,
                        "bunsetu_start": b_start,
                        "bunsetu_end": b_end,
                    }
                )
    return _Piece(starts, tokens, entities, found)


def _phrases(piece: _Piece) -> list[dict]:
    assert piece.phrases is not None  # a piece read with phrases=True has its phrase list
    return piece.phrases


def _stitch(text: str, pieces: list[_Piece], phrases: bool) -> Segmentation:
    """One unit's segmentation from its pieces: sentences tile the text (docmodel.nlp)."""
    # The first sentence takes the unit's leading whitespace: it starts at 0.
    starts = [0, *sorted({s for p in pieces for s in p.sentence_starts})[1:]]
    ends = [*starts[1:], len(text)]
    tokens = [t for p in pieces for t in p.tokens]
    sentences, i = [], 0
    for start, end in zip(starts, ends, strict=False):
        j = i
        while j < len(tokens) and tokens[j]["start"] < end:
            j += 1
        sentences.append({"text": text[start:end], "start": start, "end": end, "tokens": tokens[i:j]})
        i = j
    return Segmentation.model_validate(
        {
            "sentences": sentences,
            "entities": [e for p in pieces for e in p.entities],
            "phrases": [ph for p in pieces for ph in _phrases(p)] if phrases else None,
        }
    )


def _empty(text: str, phrases: bool) -> Segmentation:
    sentences = [{"text": text, "start": 0, "end": len(text), "tokens": []}] if text else []
    return Segmentation.model_validate({"sentences": sentences, "phrases": [] if phrases else None})


def _run(
    nlp: Language, texts: list[str], phrases: bool, n_process: int, settings: SegmentSettings
) -> list[Segmentation]:
    """Segment distinct, non-blank texts that all want the same fields."""
    jobs = [(k, start, end) for k, text in enumerate(texts) for start, end in split_for_sudachi(text, settings.chunks)]
    docs = nlp.pipe(
        (texts[k][start:end] for k, start, end in jobs),
        disable=disabled_pipes(nlp, phrases),
        batch_size=settings.batch_size,
        n_process=n_process,
    )
    pieces: list[list[_Piece]] = [[] for _ in texts]
    with one_blas_thread():  # nlp.pipe is lazy: the model runs as the docs are read
        for (k, start, _), doc in zip(jobs, docs, strict=False):
            pieces[k].append(_read_doc(doc, texts[k], start, phrases))
    return [_stitch(text, found, phrases) for text, found in zip(texts, pieces, strict=False)]


def _flags(texts: Sequence[str], phrases: bool | Sequence[bool]) -> list[bool]:
    flags = [phrases] * len(texts) if isinstance(phrases, bool) else [bool(f) for f in phrases]
    if len(flags) != len(texts):
        raise ValueError(f"phrases has {len(flags)} flags for {len(texts)} texts")
    return flags


def model_texts(texts: Sequence[str], phrases: bool | Sequence[bool] = False) -> dict[bool, list[str]]:
    """The texts the model has to see, per phrases flag: distinct, not blank, each once.

    A text wanted both with and without phrases is analysed with phrases only (the
    bunsetu recognizer adds phrases and changes no token, sentence or entity).
    """
    flags = _flags(texts, phrases)
    with_phrases = list(dict.fromkeys(t for t, f in zip(texts, flags, strict=False) if f and t.strip()))
    seen = set(with_phrases)
    words = list(dict.fromkeys(t for t, f in zip(texts, flags, strict=False) if not f and t.strip() and t not in seen))
    return {False: words, True: with_phrases}


class _TextCache:
    """Analyses by (model, text), least recently used dropped first; a phrases analysis
    serves both flags. The models are kept alive so that their ids stay theirs."""

    def __init__(self, size: int):
        self.size = size
        self._found: OrderedDict[tuple[int, str], tuple[bool, Segmentation]] = OrderedDict()
        self._models: dict[int, object] = {}

    def get(self, model: object, text: str, phrases: bool) -> Segmentation | None:
        key = (id(model), text)
        hit = self._found.get(key)
        if hit is None or (phrases and not hit[0]):
            return None
        self._found.move_to_end(key)
        has_phrases, found = hit
        return found if has_phrases == phrases else found.model_copy(update={"phrases": None})

    def put(self, model: object, text: str, phrases: bool, found: Segmentation) -> None:
        key = (id(model), text)
        if key in self._found and self._found[key][0] and not phrases:
            return
        self._models[id(model)] = model
        self._found[key] = (phrases, found)
        self._found.move_to_end(key)
        while len(self._found) > self.size:
            self._found.popitem(last=False)

    def clear(self) -> None:
        self._found.clear()
        self._models.clear()


TEXT_CACHE = _TextCache(TEXT_CACHE_SIZE)


def segment_texts(
    texts: Sequence[str],
    *,
    phrases: bool | Sequence[bool] = False,
    nlp: Language | None = None,
    batch_size: int | None = None,
    n_process: int = 1,
    settings: SegmentSettings = SegmentSettings(),
    cache: _TextCache | None = TEXT_CACHE,
) -> list[Segmentation]:
    """Segment each text; ``phrases`` (one flag, or one per text) adds bunsetu phrases.

    Empty and whitespace-only texts skip the model. Each distinct text is analysed once
    (``model_texts``), or not at all when ``cache`` has it from the same model; identical (text, phrases)
    pairs share one ``Segmentation`` object: treat results as read-only.
    """
    flags = _flags(texts, phrases)
    if batch_size is not None:
        settings = SegmentSettings(batch_size=batch_size, chunks=settings.chunks)
    results: dict[tuple[str, bool], Segmentation] = {}
    todo_by_flag = model_texts(texts, flags)
    model = nlp if nlp is not None or not any(todo_by_flag.values()) else load_nlp()
    for flag, todo in todo_by_flag.items():
        if cache is not None:
            cached = {t: cache.get(model, t, flag) for t in todo}
            results.update(((t, flag), s) for t, s in cached.items() if s is not None)
            todo_by_flag[flag] = [t for t in todo if cached[t] is None]
    for flag, todo in todo_by_flag.items():
        if todo:
            assert model is not None  # some text needs the model, so it was loaded above
            done = _run(model, todo, flag, n_process, settings)
            for text, found in zip(todo, done, strict=False):
                results[text, flag] = found
                if cache is not None:
                    cache.put(model, text, flag, found)
    for (text, flag), found in list(results.items()):
        if flag:  # the words-only units of a text analysed with phrases
            results.setdefault((text, False), found.model_copy(update={"phrases": None}))
    return [results[t, f] if (t, f) in results else _empty(t, f) for t, f in zip(texts, flags, strict=False)]


def report_units(report: SurveyReport) -> tuple[list[TextUnit], list[bool]]:
    """Every text unit of a report the NLP stage analyses, with its phrases flag, in document order.

    Blocks, table call-outs and the cells of ordinary printed tables, then Q&A question
    texts and answer items (the items get phrases). Left out, because their words are
    analysed where they are stored: the cells of Q&A grid slides (= the grid's question
    texts and items) and logical tables (ids of printed cells). Captions and notes are
    not analysed (they never were).
    """
    grid_tables = {table_id for grid in report.qa_grids for table_id in grid.table_ids}
    units: list[tuple[TextUnit, bool]] = [(b, False) for b in report.blocks]
    for table in report.tables:
        units += [(b, False) for b in table.callouts]
        if table.id not in grid_tables:
            units += [(c, False) for row in table.rows for c in row]
    for grid in report.qa_grids:
        for question in grid.questions:
            units.append((question, False))
            for answer in question.answers:
                units += [(item, True) for item in answer.items or []]
    return [u for u, _ in units], [f for _, f in units]


def segment_report(report: SurveyReport, **options) -> SurveyReport:
    """Segment every text unit of ``report`` (one batched model run); returns it.

    Each unit's ``nlp`` gets its sentence spans; the whole analysis (tokens, entities,
    phrases) goes to ``report.segmentation`` by unit id, for the NLP Parquet files.
    """
    units, flags = report_units(report)
    found = segment_texts([u.text for u in units], phrases=flags, **options)
    report.segmentation.clear()
    for unit, segmentation in zip(units, found, strict=False):
        unit.nlp = segmentation.spans()
        report.segmentation[unit.id] = segmentation
    return report
