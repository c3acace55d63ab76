"""The text-layer check over a corpus: how each page would be routed, and how close the
vector pages come to the unreadable threshold (what ``TextLayerSettings`` is set from).

    python -m evaluation.text_layers tests/corpus tests/corpus/real

Prints per file its pages, the highest implausible-char share of a page with text and the
pages not routed as readable; then the highest shares over all files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pdfplumber

from extractors.page.text_layer import TextLayer, TextLayerSettings, implausible_share, text_layer_of


def survey(pdf: Path, settings: TextLayerSettings) -> tuple[int, list[tuple[float, int]], list[tuple[int, str]]]:
    """(pages, (share, page) of each page with text, (page, layer) of pages not readable)."""
    shares: list[tuple[float, int]] = []
    routed: list[tuple[int, str]] = []
    with pdfplumber.open(pdf) as document:
        count = len(document.pages)
        for number, page in enumerate(document.pages, start=1):
            layer = text_layer_of(page, settings)
            if sum(1 for c in page.chars if c["text"].strip()) >= settings.min_chars:
                shares.append((implausible_share(page.chars), number))
            if layer is not TextLayer.READABLE:
                routed.append((number, layer.value))
            page.close()
    return count, shares, routed


def main(argv: list[str]) -> int:
    settings = TextLayerSettings()
    pdfs = [p for folder in map(Path, argv) for p in sorted(folder.glob("*.pdf"))]
    top: list[tuple[float, str, int]] = []
    total = vector = 0
    for pdf in pdfs:
        count, shares, routed = survey(pdf, settings)
        total += count
        vector += count - len(routed)
        top += [(share, pdf.name, number) for share, number in shares]
        worst = max((share for share, _ in shares), default=0.0)
        print(f"{pdf.name}: {count} pages, highest share {worst:.3f}, not readable: {routed or 'none'}", flush=True)
    top.sort(reverse=True)
    print(f"\n{total} pages, {vector} routed as readable; threshold {settings.max_implausible_share}")
    for share, name, number in top[:8]:
        print(f"  {share:.3f}  {name} p{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
