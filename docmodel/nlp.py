"""GiNZA segmentation of one text unit (a block, a cell, a question, an answer item).

Every offset is a character index into the unit's normalised ``text`` (Python string
indices, end exclusive), so ``text[x.start:x.end] == x.text`` for every span.

Coverage, so that nothing is dropped or counted twice:

- ``sentences`` tile the unit text: the first starts at 0, each ends where the next
  starts, the last ends at ``len(text)``. Whitespace between two sentences belongs to
  the sentence before it (leading whitespace of the unit to the first sentence), so a
  sentence's ``text`` may end in spaces or a newline. An empty text has no sentence; a
  whitespace-only text is one sentence without tokens.
- ``tokens`` lie inside their sentence, in order, without overlap, and cover every
  non-whitespace character of it; the characters between them are whitespace only
  (whitespace-only tokens are not listed).
- ``entities`` and ``phrases`` are spans of the unit text, in order; they carry no
  leading or trailing whitespace.

In a report file (schema 2-0-0) a unit's ``nlp`` keeps only its sentence spans
(``SentenceSpans``); tokens, entities and phrases go beside the report in columns
(``<stem>.tokens.parquet``, ``<stem>.entities.parquet``, see ``exporters.nlp_tables``).
``Segmentation`` is the whole analysis of one unit as the NLP stage produces it.
"""

from __future__ import annotations

from pydantic import Field

from docmodel.base import Model


class Token(Model):
    surface: str = Field(description="The token as written in the text.")
    lemma: str = Field(description="Dictionary form (SudachiPy's, as GiNZA sets it).")
    pos: str = Field(description="Universal POS tag (GiNZA's morphologizer).")
    tag: str = Field(description='SudachiPy part of speech, e.g. "名詞-普通名詞-一般".')
    reading: str | None = Field(None, description="Katakana reading; null where the dictionary has none.")
    start: int = Field(description="Offset of the first character in the unit text.")
    end: int = Field(description="Offset after the last character in the unit text (exclusive).")


class Sentence(Model):
    text: str = Field(description="The sentence as it is in the unit text (trailing whitespace included).")
    start: int = Field(description="Offset of the sentence in the unit text.")
    end: int = Field(description="End offset (exclusive); equals the next sentence's start.")
    tokens: list[Token] = Field(description="The sentence's tokens, whitespace-only tokens left out.")


class Entity(Model):
    text: str = Field(description="The entity as written in the unit text.")
    label: str = Field(description='GiNZA named-entity label (Extended Named Entity types, e.g. "Person", "Date").')
    start: int = Field(description="Offset of the entity in the unit text.")
    end: int = Field(description="End offset (exclusive).")


class Phrase(Model):
    """The content phrase of one bunsetu (文節): what the unit talks about.

    ``text``/``start``/``end`` is GiNZA's phrase span (the bunsetu head with its
    compound and modifier tokens, particles left out: 「研究開発の」 → 「研究開発」);
    ``bunsetu_start``/``bunsetu_end`` is the whole bunsetu around it.
    """

    text: str = Field(description="The content phrase as written in the unit text.")
    label: str = Field(description='Phrase type of the bunsetu head: "NP", "VP", "ADJP", "ADVP", …')
    start: int = Field(description="Offset of the phrase in the unit text.")
    end: int = Field(description="End offset of the phrase (exclusive).")
    bunsetu_start: int = Field(description="Offset of the whole bunsetu around the phrase.")
    bunsetu_end: int = Field(description="End offset of the whole bunsetu (exclusive).")


class Segmentation(Model):
    """Sentences, tokens and entities of one text unit, by GiNZA (ja_ginza)."""

    sentences: list[Sentence] = Field(default_factory=list, description="Sentences tiling the unit text.")
    entities: list[Entity] = Field(default_factory=list, description="Named entities, in text order.")
    phrases: list[Phrase] | None = Field(
        None, description="Bunsetu phrases; only for units segmented with phrases (answer items)."
    )

    def spans(self) -> SentenceSpans:
        """What a report file keeps of this segmentation: the sentence spans."""
        return SentenceSpans(sentences=[Span(start=s.start, end=s.end) for s in self.sentences])


class Span(Model):
    """A stretch of a unit's text: ``text[start:end]``."""

    start: int = Field(description="Offset of the first character in the unit text (Python string index).")
    end: int = Field(description="Offset after the last character (exclusive).")


class SentenceSpans(Model):
    """A unit's sentences as kept in the report file; tokens and entities are in the NLP Parquet files."""

    sentences: list[Span] = Field(
        default_factory=list,
        description="GiNZA sentences tiling the unit text: the first starts at 0, each ends where the next starts, "
        "the last ends at len(text). Empty for an empty text.",
    )
