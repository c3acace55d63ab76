"""Scans made from corpus PDFs: what a printed survey looks like after a scanner, with
the truth of the PDF it came from.

Each page is rendered grey, turned a little (a sheet fed off square), blurred (optics),
speckled (dust, toner) and JPEG-compressed, then wrapped as an image-only PDF of the
page's own size, so the truth's page numbers and point sizes still hold. A page's
character truth is its vector text layer; its tables and Q&A grids are scored against
the file's YAML truth cut to the scanned pages.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class ScanSettings:
    dpi: float = 200.0  # an office scanner's grey mode
    skew: float = 0.5  # degrees, alternating sign page to page
    blur: float = 0.6  # Gaussian radius, pixels
    speckle: float = 0.0005  # share of pixels turned dark
    jpeg_quality: int = 75
    seed: int = 0


def scan_page(pdfium_page, settings: ScanSettings, turn: float) -> Image.Image:
    """One page as a scanner would give it back: grey, turned ``turn`` degrees, blurred,
    speckled, JPEG-compressed."""
    image = pdfium_page.render(scale=settings.dpi / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(settings.blur))
    pixels = np.array(image)
    rng = np.random.default_rng(settings.seed + int(abs(turn) * 1000))
    dots = rng.random(pixels.shape) < settings.speckle
    pixels[dots] = rng.integers(0, 90, int(dots.sum()), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=settings.jpeg_quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def scan_pdf(src: Path, dst: Path, pages: list[int] | None = None, settings: ScanSettings = ScanSettings()) -> Path:
    """``src``'s pages (1-based ``pages``, default all) as an image-only PDF at ``dst``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(src))
    try:
        numbers = pages or list(range(1, len(document) + 1))
        images = [
            scan_page(document[n - 1], settings, settings.skew if k % 2 == 0 else -settings.skew)
            for k, n in enumerate(numbers)
        ]
    finally:
        document.close()
    images[0].save(dst, format="PDF", save_all=True, append_images=images[1:], resolution=settings.dpi)
    return dst


def truth_of_pages(truth: dict, pages: list[int]) -> dict:
    """The truth cut to the slides of ``pages`` (1-based), in order: page k of a scan of
    those pages is slide k of the cut truth."""
    slides = truth.get("slides") or []
    return {**truth, "slides": [slides[n - 1] for n in pages]}


def sample_pages(truth: dict) -> list[int]:
    """Pages worth scanning for a score: the first table printed on one page alone and the
    shortest Q&A grid (all its pages, so the grid joins whole)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for page, slide in enumerate(truth.get("slides") or [], start=1):
        if slide.get("kind") in ("table", "qa_grid") and slide.get("caption_id"):
            groups.setdefault((slide["kind"], slide["caption_id"]), []).append(page)
    tables = [p for (kind, _), p in groups.items() if kind == "table" and len(p) == 1]
    grids = sorted((p for (kind, _), p in groups.items() if kind == "qa_grid"), key=len)
    return sorted((tables[0] if tables else []) + (grids[0] if grids else []))


def char_bag(text: str) -> Counter[str]:
    """The characters of ``text`` (NFKC, whitespace out) with their counts."""
    return Counter(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def char_recall(found: str, truth: str) -> float:
    """Share of the truth's characters (bag of characters, NFKC) found."""
    want, got = char_bag(truth), char_bag(found)
    total = sum(want.values())
    return sum(min(n, got[ch]) for ch, n in want.items()) / total if total else 1.0


def char_precision(found: str, truth: str) -> float:
    return char_recall(truth, found)
