"""Index terms of Japanese text: words where the NLP stage segmented it, character
bigrams always.

- **words**: the dictionary forms (lemmas) GiNZA wrote to ``<stem>.tokens.parquet``
  (Sudachi, split mode C), so an inflected form finds its word: 評価し → 評価 + する.
  A query is segmented the same way by SudachiPy alone (the dictionary GiNZA uses,
  without loading the GiNZA model); without SudachiPy a query has no words.
- **grams**: overlapping character bigrams of the text: a report ingested without NLP
  is still searchable, and a phrase query (bigrams in a row) finds the exact wording.

Both are space-separated terms of letters and digits only (NFKC, case-folded), which
SQLite's ``unicode61`` tokenizer keeps whole.
"""

from __future__ import annotations

import operator
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Sudachi parts of speech that carry no content of their own: left out of a query's words.
FUNCTION_POS = ("助詞", "助動詞", "補助記号", "空白", "記号")
# UPOS of tokens left out of the words index (punctuation, symbols, spaces).
NON_WORD_UPOS = frozenset({"PUNCT", "SYM", "SPACE", "X"})


# A run of letters and digits: \w without the underscore (str.isalnum's characters).
_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """NFKC, case-folded: 「ＡＩ」 and 「ai」 are one term."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> list[str]:
    """The folded text's runs of letters and digits (punctuation and spaces split them)."""
    return _RUN.findall(fold(text))


def run_bigrams(run: str) -> list[str]:
    """「評価する」 → 評価 価す する; a one-character run is its own term."""
    return [run] if len(run) < 2 else list(map(operator.add, run, run[1:]))


def bigrams(text: str) -> str:
    """The grams column of ``text``: every run's bigrams, space-separated, in order."""
    return " ".join([" ".join(map(operator.add, run, run[1:])) if len(run) > 1 else run for run in runs(text)])


def words(lemmas: Iterable[str]) -> str:
    """The words column: lemmas folded, kept to their letters and digits."""
    return " ".join(term for lemma in lemmas for term in runs(lemma))


@dataclass(frozen=True)
class QueryTerms:
    # Each run of the query as its bigrams (a phrase). A one-character run at either end
    # is most likely a word cut short ("…育" of 育児): the last is kept as a prefix
    # ("育*"), the first, which no term can end with, is left out when others remain.
    phrases: list[list[str]]
    lemmas: list[str]  # content words' dictionary forms, folded (empty without SudachiPy)
    # Content words' stems: what the printed form and the dictionary form share (増やし,
    # 増やす → 増や), so every inflection of the word holds it; bigram text is searched by these.
    stems: list[str] = field(default_factory=list)


def query_terms(query: str) -> QueryTerms:
    found = runs(query)
    if len(found) > 1 and len(found[0]) == 1:
        found = found[1:]
    phrases = [run_bigrams(run) if len(run) > 1 else [run + "*"] for run in found]
    words = query_words(query)
    lemmas = [term for _surface, lemma in words for term in runs(lemma)]
    stems = [term for surface, lemma in words for term in runs(os.path.commonprefix([fold(surface), fold(lemma)]))]
    return QueryTerms(phrases, lemmas, stems)


@lru_cache(maxsize=1)
def _sudachi():
    """A SudachiPy tokenizer on the dictionary GiNZA uses, split mode C as GiNZA's; None without SudachiPy."""
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError:
        return None
    try:
        return Dictionary(dict="core").create(SplitMode.C)
    except Exception:  # no dictionary package: the query falls back to bigrams
        return None


def query_words(query: str) -> list[tuple[str, str]]:
    """The query's content words as (printed form, dictionary form); particles, auxiliaries and symbols dropped."""
    tokenizer = _sudachi()
    if tokenizer is None or not query.strip():
        return []
    return [
        (m.surface(), m.dictionary_form())
        for m in tokenizer.tokenize(query)
        if m.part_of_speech()[0] not in FUNCTION_POS
    ]


def sudachi_available() -> bool:
    return _sudachi() is not None
