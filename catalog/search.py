"""Search every text unit of every report: ``search(out_dir, "query")`` → ranked hits.

The query becomes an FTS5 expression over the index ``catalog.search_index`` built:
each run of letters and digits as a phrase of bigrams (the exact wording), OR its
content words' dictionary forms near each other in ``words`` (reports analysed by
GiNZA), OR the words' stems as bigram phrases near each other (reports without NLP:
評価し finds 評価する and 評価した through 評価; 増やした finds 増やす through 増や).
Hits of the exact wording come first, then the others, each tier ranked by BM25.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from catalog.sync import SEARCH_NAME
from catalog.terms import QueryTerms, fold, query_terms, run_bigrams

MARK_OPEN, MARK_CLOSE = "«", "»"
SNIPPET_CONTEXT = 30  # characters shown either side of the hit
# Column weights for bm25(): words, grams. A word match says more than a shared bigram.
BM25_WEIGHTS = (2.0, 1.0)
# How many terms may stand between two of the query's words (NEAR): 知的財産の帰属 has two
# bigrams (産の, の帰) between its words' bigrams, 帰属する知的財産 none in the words column.
WORD_GAP, GRAM_GAP = 3, 4


class SearchUnavailable(Exception):
    """No search index in the folder (``survey-ingest catalog OUT`` makes it)."""


@dataclass(frozen=True)
class Hit:
    report: str
    report_sha256: str
    unit_id: str
    unit_kind: str
    page: int | None
    parent_id: str | None
    text: str
    score: float  # BM25 (SQLite's sign: lower is better)
    snippet: str  # the text around the hit, the hit between « and »

    def as_dict(self) -> dict:
        return asdict(self)


def _phrase(terms: list[str]) -> str:
    """An FTS5 phrase; a prefix term ("育*") stands outside the quotes. Terms are letters and
    digits only (``catalog.terms``), so no quote can be inside."""
    if len(terms) == 1 and terms[0].endswith("*"):
        return f'"{terms[0][:-1]}" *'
    return '"' + " ".join(terms) + '"'


def match_expressions(terms: QueryTerms) -> list[str]:
    """The FTS5 expressions of the query's tiers: the exact wording, then everything."""
    if not terms.phrases and not terms.lemmas:
        return []
    exact = " AND ".join(_phrase(p) for p in terms.phrases)
    broad = [f"grams : ({exact})"] if exact else []
    if terms.lemmas:
        broad.append("words : " + _near([[lemma] for lemma in terms.lemmas], WORD_GAP))
    if terms.stems:
        broad.append("grams : " + _near([run_bigrams(stem) for stem in terms.stems], GRAM_GAP))
    return ([f"grams : ({exact})"] if exact else []) + [" OR ".join(f"({b})" for b in broad)]


def _near(phrases: list[list[str]], gap: int) -> str:
    """The phrases near one another (FTS5 NEAR: at most ``gap`` terms between neighbours)."""
    if len(phrases) == 1:
        return _phrase(phrases[0])
    return f"NEAR({' '.join(_phrase(p) for p in phrases)}, {gap * (len(phrases) - 1)})"


def search(out_dir: Path | str, query: str, limit: int = 10) -> list[Hit]:
    """The ``limit`` best text units for ``query`` across every report of ``out_dir``."""
    path = Path(out_dir) / SEARCH_NAME
    if not path.is_file():
        raise SearchUnavailable(f"{path}: no search index (run `survey-ingest catalog {out_dir}`)")
    terms = query_terms(query)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        seen: set[int] = set()
        hits: list[Hit] = []
        for expression in match_expressions(terms):
            rows = con.execute(
                "SELECT rowid, report, report_sha256, unit_id, unit_kind, page, parent_id, text, "
                f"bm25(units, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]}) AS score "
                "FROM units WHERE units MATCH ? ORDER BY score LIMIT ?",
                (expression, limit + len(seen)),
            ).fetchall()
            for rowid, report, sha, unit_id, kind, page, parent_id, text, score in rows:
                if rowid not in seen and len(hits) < limit:
                    seen.add(rowid)
                    hits.append(
                        Hit(report, sha, unit_id, kind, page, parent_id, text, score, snippet(text, query, terms))
                    )
            if len(hits) >= limit:
                break
        return hits
    finally:
        con.close()


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index of the character of ``text`` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        out.append(folded)
        origin += [i] * len(folded)
    return "".join(out), origin


def hit_span(text: str, query: str, terms: QueryTerms) -> tuple[int, int] | None:
    """Where in ``text`` the query shows: the whole query, else its longest run or word found."""
    folded, origin = _folded_with_offsets(text)
    runs = {"".join(p[:1] + [g[1:] for g in p[1:]]).rstrip("*") for p in terms.phrases}
    candidates = [fold(query).strip(), *sorted(runs, key=len, reverse=True)]
    # Then the words: their stems (in every inflection) before their dictionary forms.
    candidates += sorted(terms.stems, key=len, reverse=True) + sorted(terms.lemmas, key=len, reverse=True)
    for candidate in candidates:
        at = folded.find(candidate) if candidate else -1
        if at >= 0:
            return origin[at], origin[at + len(candidate) - 1] + 1
    return None


def snippet(text: str, query: str, terms: QueryTerms, context: int = SNIPPET_CONTEXT) -> str:
    """``text`` around the hit on one line, the hit marked «…»; its start when the hit is not literal."""
    flat = " ".join(text.split())
    span = hit_span(flat, query, terms)
    if span is None:
        return flat[: 2 * context] + ("…" if len(flat) > 2 * context else "")
    start, end = span
    left, right = max(0, start - context), min(len(flat), end + context)
    return (
        ("…" if left > 0 else "")
        + flat[left:start]
        + MARK_OPEN
        + flat[start:end]
        + MARK_CLOSE
        + flat[end:right]
        + ("…" if right < len(flat) else "")
    )
