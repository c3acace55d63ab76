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
    start: int
    end: int


class Sentence(Model):
    text: str
    start: int
    end: int
    tokens: list[Token]


class Entity(Model):
    text: str
    label: str = Field(description='GiNZA named-entity label (Extended Named Entity types, e.g. "Person", "Date").')
    start: int
    end: int


class Phrase(Model):
    """The content phrase of one bunsetu (文節): what the unit talks about.

    ``text``/``start``/``end`` is GiNZA's phrase span (the bunsetu head with its
    compound and modifier tokens, particles left out: 「研究開発の」 → 「研究開発」);
    ``bunsetu_start``/``bunsetu_end`` is the whole bunsetu around it.
    """

    text: str
    label: str = Field(description='Phrase type of the bunsetu head: "NP", "VP", "ADJP", "ADVP", …')
    start: int
    end: int
    bunsetu_start: int
    bunsetu_end: int


class Segmentation(Model):
    """Sentences, tokens and entities of one text unit, by GiNZA (ja_ginza)."""

    sentences: list[Sentence] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    phrases: list[Phrase] | None = Field(None, description="Bunsetu phrases; only for units segmented with phrases (answer items).")
