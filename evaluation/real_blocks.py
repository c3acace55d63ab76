"""Text structure of real government pages scored against hand-made block truth.

The truth (``tests/corpus/real/<stem>.blocks.yaml``, format in BLOCKS-FORMAT.md) lists,
for a few pages of a PDF, every text unit a reader reads in reading order. Only those
pages are extracted, each with the ``extract_page`` the pipeline runs. Per page, over
non-furniture units (the scorer the issue describes):

- exact: the share of truth blocks whose text equals one output unit's text (NFKC,
  whitespace removed, radicals mapped; marker + text also accepted), each output unit
  used once;
- order: of consecutive truth blocks both found, the share whose output units come in
  the same order;
- spurious: output units whose text is part of no truth block (chart labels, table text,
  fragments).

The output units of a page are what a reader of the JSON gets as running text: the page
heading, the body blocks in order, and each table's caption, heading and notes (placed
where the table stands among the blocks, by its top edge).

    python -m evaluation.real_blocks tests/corpus/real [-v]
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extractors.text.normalize import normalize_chars


def blocks_truth_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".blocks.yaml")


def block_truth_pdfs(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.pdf")) if blocks_truth_path(p).exists()]


def comparable(text: str | None) -> str:
    """Text as the scorer compares it: radicals mapped, NFKC, no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", normalize_chars(text or "")))


@dataclass(frozen=True)
class OutputUnit:
    text: str
    marker: str | None
    # Units that come from a table (caption, notes) have no place in the block flow of
    # their own: they are left out of the order check.
    in_flow: bool = True

    def forms(self) -> tuple[str, ...]:
        plain = comparable(self.text)
        return (plain, comparable((self.marker or "") + self.text)) if self.marker else (plain,)


@dataclass
class PageBlockScore:
    page: int
    truth: int = 0
    exact: int = 0
    pairs: int = 0
    pairs_in_order: int = 0
    output: int = 0
    spurious: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


@dataclass
class FileBlockScore:
    file: str
    pages: list[PageBlockScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.pages)

    @property
    def exact_share(self) -> float:
        return self._sum("exact") / max(self._sum("truth"), 1)

    @property
    def order_share(self) -> float:
        pairs = self._sum("pairs")
        return self._sum("pairs_in_order") / pairs if pairs else 1.0

    @property
    def spurious_share(self) -> float:
        return self._sum("spurious") / max(self._sum("output"), 1)


def score_page(number: int, units: list[OutputUnit], truth_blocks: list[dict]) -> PageBlockScore:
    score = PageBlockScore(page=number)
    wanted = [b for b in truth_blocks if b.get("type") != "furniture"]
    score.truth = len(wanted)
    score.output = len(units)
    unused = dict(enumerate(units))
    positions: list[int | None] = []
    for block in wanted:
        text = comparable(block.get("text"))
        with_marker = comparable((block.get("marker") or "") + (block.get("text") or ""))
        hit = next((k for k, u in unused.items() if text in u.forms() or with_marker in u.forms()), None)
        if hit is None:
            score.misses.append(f"{block.get('type')}: {text[:50]}")
            positions.append(None)
            continue
        score.exact += 1
        positions.append(hit if unused.pop(hit).in_flow else None)
    for a, b in zip(positions, positions[1:], strict=False):
        if a is not None and b is not None:
            score.pairs += 1
            score.pairs_in_order += a < b
    truth_texts = [comparable(b.get("text")) for b in truth_blocks] + [
        comparable((b.get("marker") or "") + (b.get("text") or "")) for b in truth_blocks
    ]
    for unit in units:
        if not any(form and form in t for form in unit.forms() for t in truth_texts):
            score.spurious += 1
            score.extras.append(comparable(unit.text)[:50])
    return score


def page_units(extraction) -> list[OutputUnit]:
    """A page's running text as the JSON gives it (see the module docstring)."""
    placed: list[tuple[float, int, OutputUnit]] = []
    if extraction.page.heading:
        placed.append((float("-inf"), 0, OutputUnit(extraction.page.heading, None)))
    for k, block in enumerate(extraction.blocks):
        placed.append((float(k), 1, OutputUnit(block.text, block.marker)))
    tops = [b.bbox.top for b in extraction.blocks]
    for table in extraction.tables:
        # Among the blocks: after the last block that starts above the table.
        slot = sum(1 for top in tops if top < table.bbox.top) - 0.5
        texts = [table.caption, table.heading, *(n.text if hasattr(n, "text") else n for n in table.notes)]
        for text in texts:
            if text:
                placed.append((slot, 2, OutputUnit(text, None, in_flow=False)))
    return [unit for _, _, unit in sorted(placed, key=lambda p: (p[0], p[1]))]


def score_file(pdf_path: Path) -> FileBlockScore:
    import pdfplumber

    from extractors.page.extract import extract_page

    truth = yaml.safe_load(blocks_truth_path(pdf_path).read_text(encoding="utf-8"))
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for entry in truth.get("pages") or []:
            number = int(entry["page"])
            page = pdf.pages[number - 1]
            units = page_units(extract_page(page, number))
            pages.append(score_page(number, units, entry.get("blocks") or []))
            page.flush_cache()
    return FileBlockScore(file=pdf_path.name, pages=pages)


def mean_blocks(scores: list[FileBlockScore]) -> dict:
    """Pooled over every annotated page of every file (a block counts once)."""
    pages = [p for s in scores for p in s.pages]
    pairs = sum(p.pairs for p in pages)
    return {
        "exact": sum(p.exact for p in pages) / max(sum(p.truth for p in pages), 1),
        "order": sum(p.pairs_in_order for p in pages) / pairs if pairs else 1.0,
        "spurious": sum(p.spurious for p in pages) / max(sum(p.output for p in pages), 1),
        "truth": sum(p.truth for p in pages),
        "output": sum(p.output for p in pages),
    }


def print_block_scores(scores: list[FileBlockScore], out=sys.stdout, verbose: bool = False) -> None:
    print(f"{'real file (blocks)':44} {'truth':>5} {'exact':>7} {'order':>7} {'spurious':>8}", file=out)
    for s in scores:
        truth = sum(p.truth for p in s.pages)
        print(
            f"{s.file[:-4][:44]:44} {truth:5d} {s.exact_share:7.4f} {s.order_share:7.4f} {s.spurious_share:8.4f}",
            file=out,
        )
        if verbose:
            for p in s.pages:
                for miss in p.misses:
                    print(f"    p{p.page} missed  {miss}", file=out)
                for extra in p.extras:
                    print(f"    p{p.page} extra   {extra}", file=out)
    mean = mean_blocks(scores)
    print(
        f"{'pooled':44} {mean['truth']:5d} {mean['exact']:7.4f} {mean['order']:7.4f} {mean['spurious']:8.4f}",
        file=out,
    )


def main(argv: list[str]) -> int:
    folder = Path(next((a for a in argv if not a.startswith("-")), "tests/corpus/real"))
    scores = [score_file(pdf) for pdf in block_truth_pdfs(folder)]
    print_block_scores(scores, verbose="-v" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
