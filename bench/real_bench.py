"""Real government PDFs: our tables beside the peers' on the annotated pages.

    python -m bench.real_bench tests/corpus/real [--peers pdfplumber,camelot,camelot-stream]

Every tool runs on the same annotated pages (each peer in its own process, as in
``bench.run_bench``) and is scored by ``evaluation.realworld``: TEDS, TEDS-Struct,
cells exact, and false positives (tables found on an annotated page that match no
truth table, chart-only pages included).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.peers import run_peer_subprocess
from evaluation.realworld import (
    RealFileScore,
    annotated_pages,
    mean_real,
    real_pdfs,
    score_real_file,
    score_real_tables,
    truth_path,
)
from evaluation.truth import load_truth

REAL_PEERS = ("pdfplumber", "camelot", "camelot-stream")


def bench_real(folder: Path, peers: list[str], log=lambda msg: None) -> dict[str, list[RealFileScore] | str]:
    """Per tool: its per-file scores, or why it has none (not installed, failed)."""
    out: dict[str, list[RealFileScore] | str] = {"this project": []}
    for tool in peers:
        out[tool] = []
    for pdf in real_pdfs(folder):
        truth = load_truth(truth_path(pdf))
        pages = annotated_pages(truth)
        log(f"{pdf.name}: ours on {len(pages)} pages")
        out["this project"].append(score_real_file(pdf))
        for tool in peers:
            if isinstance(out[tool], str):
                continue
            log(f"{pdf.name}: {tool} on {len(pages)} pages")
            run = run_peer_subprocess(tool, pdf, pages)
            if not run.installed or run.error:
                out[tool] = "not installed" if not run.installed else f"failed: {run.error[:120]}"
                continue
            out[tool].append(
                score_real_tables(pdf.name, [t.page for t in run.tables], [t.rows for t in run.tables], truth)
            )
    return out


def print_real_bench(results: dict, console) -> None:
    from rich.table import Table

    table = Table(title="Accuracy — real government PDFs, annotated pages")
    for column in ("tool", "TEDS", "TEDS-Struct", "cells exact", "false positives"):
        table.add_column(column, justify="left" if column == "tool" else "right")
    for tool, scores in results.items():
        if isinstance(scores, str):
            table.add_row(tool, scores, "—", "—", "—")
            continue
        mean = mean_real(scores)
        table.add_row(
            tool,
            f"{mean['teds']:.3f}",
            f"{mean['teds_struct']:.3f}",
            f"{mean['cells_exact'] * 100:.1f}%",
            str(mean["false_positives"]),
        )
    console.print(table)
    files = Table(title="Real PDFs per file: TEDS / TEDS-Struct / cells exact / false positives")
    files.add_column("file")
    for tool in results:
        files.add_column(tool, justify="right")
    ours = results["this project"]
    for i, score in enumerate(ours):
        cells = []
        for scores in results.values():
            if isinstance(scores, str):
                cells.append("—")
                continue
            s = scores[i]
            teds = "-" if s.teds is None else f"{s.teds:.3f}"
            struct = "-" if s.teds_struct is None else f"{s.teds_struct:.3f}"
            exact = "-" if s.cells_exact is None else f"{s.cells_exact * 100:.1f}%"
            cells.append(f"{teds} / {struct} / {exact} / {s.false_positives}")
        files.add_row(score.file[:-4], *cells)
    console.print(files)


def main(argv: list[str]) -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="python -m bench.real_bench", description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default="tests/corpus/real", type=Path)
    parser.add_argument("--peers", default=",".join(REAL_PEERS))
    args = parser.parse_args(argv)
    peers = [p for p in args.peers.split(",") if p]
    results = bench_real(args.folder, peers, lambda msg: Console(stderr=True).log(msg))
    print_real_bench(results, Console(width=160))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
