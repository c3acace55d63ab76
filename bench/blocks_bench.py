"""Text structure of real pages, this project beside its peers, scored the same way.

    .venv/bin/python -m bench.blocks_bench tests/corpus/real

Every tool reads the annotated pages of the PDFs that have block truth
(``<stem>.blocks.yaml``) and its text units are scored by ``evaluation.real_blocks``:
blocks exact, reading order kept, spurious share. Also timed: the page stage per
annotated page. Peers:

- PyMuPDF ``get_text("blocks")``: MuPDF's own paragraph blocks, in its order;
- pdfplumber lines: every visual line a unit (what a reader gets with no block model).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from evaluation.real_blocks import (
    FileBlockScore,
    OutputUnit,
    block_truth_pdfs,
    blocks_truth_path,
    mean_blocks,
    page_units,
    score_page,
)

UnitsOfPage = Callable[[Path, int], list[OutputUnit]]


def ours(pdf: Path, number: int) -> list[OutputUnit]:
    import pdfplumber

    from extractors.page.extract import extract_page

    with pdfplumber.open(pdf) as document:
        return page_units(extract_page(document.pages[number - 1], number))


def pymupdf_blocks(pdf: Path, number: int) -> list[OutputUnit]:
    import pymupdf

    with pymupdf.open(pdf) as document:
        blocks = document[number - 1].get_text("blocks")
    # (x0, y0, x1, y1, text, block_no, block_type): type 0 is text; lines end in "\n".
    return [OutputUnit(b[4].replace("\n", ""), None) for b in blocks if b[6] == 0 and b[4].strip()]


def pdfplumber_lines(pdf: Path, number: int) -> list[OutputUnit]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        lines = document.pages[number - 1].extract_text_lines()
    return [OutputUnit(line["text"], None) for line in lines if line["text"].strip()]


PEERS: dict[str, UnitsOfPage] = {
    "this project": ours,
    "PyMuPDF blocks": pymupdf_blocks,
    "pdfplumber lines": pdfplumber_lines,
}


def bench_tool(folder: Path, units_of: UnitsOfPage) -> tuple[list[FileBlockScore], float, int]:
    scores, seconds, pages = [], 0.0, 0
    for pdf in block_truth_pdfs(folder):
        truth = yaml.safe_load(blocks_truth_path(pdf).read_text(encoding="utf-8"))
        per_page = []
        for entry in truth.get("pages") or []:
            number = int(entry["page"])
            started = time.perf_counter()
            units = units_of(pdf, number)
            seconds += time.perf_counter() - started
            pages += 1
            per_page.append(score_page(number, units, entry.get("blocks") or []))
        scores.append(FileBlockScore(file=pdf.name, pages=per_page))
    return scores, seconds, pages


def main(argv: list[str]) -> int:
    from rich.console import Console
    from rich.table import Table

    folder = Path(argv[0]) if argv else Path("tests/corpus/real")
    table = Table(title="Text structure — real pages with block truth (pooled over pages)")
    for column in ("tool", "truth blocks", "blocks exact", "order kept", "spurious", "ms / page"):
        table.add_column(column, justify="left" if column == "tool" else "right")
    per_file: dict[str, list[FileBlockScore]] = {}
    for name, units_of in PEERS.items():
        try:
            scores, seconds, pages = bench_tool(folder, units_of)
        except ImportError as exc:
            table.add_row(name, f"not installed ({exc.name})", "—", "—", "—", "—")
            continue
        per_file[name] = scores
        mean = mean_blocks(scores)
        table.add_row(
            name,
            str(mean["truth"]),
            f"{mean['exact']:.3f}",
            f"{mean['order']:.3f}",
            f"{mean['spurious'] * 100:.1f}%",
            f"{seconds / max(pages, 1) * 1000:.0f}",
        )
    console = Console(width=160)
    console.print(table)
    files = Table(title="Real pages per file: blocks exact / order kept / spurious")
    files.add_column("file")
    for name in per_file:
        files.add_column(name, justify="right")
    for i, score in enumerate(per_file["this project"]):
        cells = []
        for scores in per_file.values():
            s = scores[i]
            cells.append(f"{s.exact_share:.3f} / {s.order_share:.3f} / {s.spurious_share * 100:.1f}%")
        files.add_row(score.file[:-4], *cells)
    console.print(files)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
