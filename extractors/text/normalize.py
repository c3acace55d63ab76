"""Character normalisation for text exported from office suites.

Blanket NFKC is wrong for these reports: it turns ① into 1 and full-width forms into
ASCII, and leaves most CJK Radicals Supplement code points (⻑ U+2ED1) unmapped. We map
exactly the radical blocks (table generated from Unicode's EquivalentUnifiedIdeograph
data by tools/gen_radical_table.py) and the private-use bullet glyphs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files

# Symbol-font (Wingdings/Symbol) glyphs that office exports leave in the Private Use
# Area, mapped to the Unicode character they draw.
PRIVATE_USE_GLYPHS = {
    "\uf0d8": "➢",  # Wingdings arrowhead bullet
    "\uf0a7": "▪",  # Wingdings small square
    "\uf0b7": "•",  # Symbol bullet
    "\uf06c": "●",
    "\uf06e": "■",
    "\uf075": "◆",
    "\uf076": "❖",
    "\uf0fc": "✓",
    "\uf0a8": "◦",
    "\uf09f": "•",
    "\uf0e8": "➔",
}
# A private-use glyph we have no mapping for still draws *some* bullet.
UNKNOWN_PRIVATE_USE = "•"


@cache
def radical_table() -> dict[int, str]:
    data = json.loads(files("extractors.text").joinpath("data/radicals.json").read_text(encoding="utf-8"))
    return {ord(k): v for k, v in data.items()}


# ``ch`` is one character; a glyph pdfminer could not map prints as several ("(cid:123)")
# and is neither.
def is_private_use(ch: str) -> bool:
    return len(ch) == 1 and 0xE000 <= ord(ch) <= 0xF8FF


def is_radical(ch: str) -> bool:
    if len(ch) != 1:
        return False
    cp = ord(ch)
    return 0x2E80 <= cp <= 0x2EF3 or 0x2F00 <= cp <= 0x2FD5


def unify_radicals(text: str) -> str:
    """⼤ (U+2F24) → 大, ⻑ (U+2ED1) → 長, leaving every other character alone."""
    return text.translate(radical_table())


def map_private_use(text: str) -> str:
    if not any(is_private_use(c) for c in text):
        return text
    return "".join(PRIVATE_USE_GLYPHS.get(c, UNKNOWN_PRIVATE_USE) if is_private_use(c) else c for c in text)


def normalize_chars(text: str) -> str:
    """Normalise a printed string's code points without touching its layout."""
    return map_private_use(unify_radicals(text))


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()
