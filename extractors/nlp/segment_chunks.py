"""Cutting a long text into pieces SudachiPy accepts.

SudachiPy refuses an input of more than 49,149 UTF-8 bytes ("Input is too long"), and
more than 65,535 bytes once its own character normalisation has expanded it (㍿ →
株式会社). We measure a piece as the larger of its UTF-8 size and its NFKC size (close
to what Sudachi's normaliser makes), keep well under the limit, and cut after a
sentence end or a line break when the piece has one, else between two characters
(never between a character and the combining mark or variation selector after it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters after which a cut keeps sentences whole.
SENTENCE_ENDS = frozenset("。！？!?｡")
LINE_BREAKS = frozenset("\n\r\u2028\u2029")


@dataclass(frozen=True)
class ChunkSettings:
    # SudachiPy's hard limit is 49,149 bytes; the margin absorbs what its normaliser
    # adds beyond NFKC (e.g. lower-casing that lengthens a character).
    max_bytes: int = 40_000


def sudachi_bytes(text: str) -> int:
    """What ``text`` weighs against SudachiPy's input limit (an upper estimate)."""
    raw = len(text.encode("utf-8"))
    if text.isascii():
        return raw
    return max(raw, len(unicodedata.normalize("NFKC", text).encode("utf-8")))


@lru_cache(maxsize=4096)
def _char_bytes(ch: str) -> int:
    return max(len(ch.encode("utf-8")), len(unicodedata.normalize("NFKC", ch).encode("utf-8")))


def _joins_previous(ch: str) -> bool:
    """A character that must not start a piece: it modifies the one before it."""
    return (
        unicodedata.combining(ch) != 0
        or ch == "\u200d"  # zero-width joiner
        or "\ufe00" <= ch <= "\ufe0f"  # variation selectors
        or "\U000e0100" <= ch <= "\U000e01ef"  # ideographic variation selectors
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin-tone modifiers
    )


def _cut(text: str, start: int, end: int) -> int:
    """Where to end the piece that starts at ``start`` and may run to ``end`` (< len)."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in SENTENCE_ENDS or text[i] in LINE_BREAKS:
            cut = i + 1
            # Whitespace after the boundary stays with the sentence it follows.
            while cut < end and text[cut].isspace():
                cut += 1
            return cut
    cut = end
    while cut > start + 1 and _joins_previous(text[cut]):
        cut -= 1
    return cut


def split_for_sudachi(text: str, settings: ChunkSettings = ChunkSettings()) -> list[tuple[int, int]]:
    """Character ranges ``(start, end)`` that tile ``text``, each within the byte limit."""
    if sudachi_bytes(text) <= settings.max_bytes:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        budget, end = settings.max_bytes, start
        while end < n and _char_bytes(text[end]) <= budget:
            budget -= _char_bytes(text[end])
            end += 1
        if end == n:
            pieces.append((start, n))
            break
        cut = _cut(text, start, max(end, start + 1))
        pieces.append((start, cut))
        start = cut
    return pieces
