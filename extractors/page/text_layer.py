"""Whether a page's text layer can be read, or the page must go to OCR.

Two kinds of page need OCR:

* **no text layer**: a scan. Its printed content is an image covering most of the page
  and the text layer holds (next to) nothing (a scanner may stamp a page number). A
  vector page without text and without such an image (a blank page, a drawing) stays a
  vector page: there is nothing for OCR to read that the vector path misses.
* **an unreadable text layer**: the glyphs print right but their Unicode is wrong. A
  writer that drops or garbles ToUnicode maps (Ghostscript's ``pdfwrite`` does for some
  subset fonts) leaves pdfminer with ``(cid:N)``, U+FFFD, private-use codes or, worst,
  plausible-looking wrong letters: codes mapped a few code points off land on rare
  ideographs. So a char is *implausible* when it is one of those markers, a private-use
  code that is no known symbol-font bullet, a control char, or an ideograph outside JIS
  X 0208's level 1 (the 2,965 kanji of everyday print, which government prose keeps to:
  the corpus's vector pages hold at most 1.6 % implausible chars, a mis-mapped font
  over 40 %). A page whose share of implausible chars passes ``max_implausible_share``
  is unreadable.

The check reads ``page.chars`` (parsed for extraction anyway) and ``page.images``' boxes
once: set lookups, a fraction of a percent of a vector page's extraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from extractors.text.normalize import PRIVATE_USE_GLYPHS, is_private_use


class TextLayer(StrEnum):
    READABLE = "readable"
    MISSING = "missing"  # a scanned page: an image and no text
    UNREADABLE = "unreadable"  # text whose Unicode is wrong


@dataclass(frozen=True)
class TextLayerSettings:
    # A page with fewer chars has no text layer to speak of (a stamped page number or
    # a file name in a scanner's header); with fewer, a share says nothing either.
    min_chars: int = 20
    # An image covering this share of the page is the page's printed content (a scan);
    # a slide's photo or logo covers less, and a page without one stays a vector page.
    min_image_share: float = 0.5
    # Share of implausible chars that makes a text layer unreadable. The corpus's 881
    # vector pages (5 synthetic surveys, 17 real PDFs) reach 0.016 at most; a font mapped
    # one or two code points off reads 0.42–0.51 (kana stay kana, most kanji leave level 1).
    max_implausible_share: float = 0.3


@cache
def everyday_chars() -> frozenset[str]:
    """JIS X 0208 rows 1–47: symbols, digits, Latin, kana, Greek, Cyrillic, box drawing
    and the level-1 kanji; what Japanese print sets in every line."""
    out = set()
    for row in range(1, 48):
        for cell in range(1, 95):
            try:
                out.add(bytes((0xA0 + row, 0xA0 + cell)).decode("euc_jp"))
            except UnicodeDecodeError:
                continue  # an unassigned code point of the row
    return frozenset(out)


def _is_ideograph(ch: str) -> bool:
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def is_implausible(text: str) -> bool:
    """Whether a char's text says its font's Unicode map is missing or wrong."""
    if text.startswith("(cid:") or "\ufffd" in text:
        return True
    if len(text) != 1:
        return False  # a ligature or a decomposed mark: readable text
    if is_private_use(text):
        return text not in PRIVATE_USE_GLYPHS
    if text < " " and text not in "\t\n\r":
        return True
    return _is_ideograph(text) and text not in everyday_chars()


def implausible_share(chars: list[dict]) -> float:
    """Share of a page's non-space chars whose text is implausible (0 without chars)."""
    texts = [c["text"] for c in chars if c["text"] and not c["text"].isspace()]
    if not texts:
        return 0.0
    return sum(1 for text in texts if is_implausible(text)) / len(texts)


def image_share(page) -> float:
    """Share of the page the largest image covers (clipped to the page)."""
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    area = max((x1 - x0) * (bottom - top), 1e-9)
    best = 0.0
    for image in page.images:
        w = min(float(image["x1"]), x1) - max(float(image["x0"]), x0)
        h = min(float(image["bottom"]), bottom) - max(float(image["top"]), top)
        if w > 0 and h > 0:
            best = max(best, w * h / area)
    return best


def text_layer_of(page, settings: TextLayerSettings = TextLayerSettings()) -> TextLayer:
    """Whether ``page`` (pdfplumber) has a readable text layer, none (a scan) or an unreadable one."""
    chars = page.chars
    visible = sum(1 for c in chars if c["text"] and not c["text"].isspace())
    if visible < settings.min_chars:
        # Few chars: a scan if an image fills the page, else a vector page (blank, a figure).
        return TextLayer.MISSING if image_share(page) >= settings.min_image_share else TextLayer.READABLE
    if implausible_share(chars) > settings.max_implausible_share:
        return TextLayer.UNREADABLE
    return TextLayer.READABLE
