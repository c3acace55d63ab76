"""Producer variety: every synthetic corpus PDF re-written by another PDF writer, scored
against the original truth. The content is the same; the drawing is not (borders as
filled paths or curves, fonts re-encoded, glyphs without ToUnicode).

    python -m evaluation.rewritten tests/corpus [--writer cairo|gs ...] [--file NAME ...]

Writers: poppler's ``pdftocairo -pdf`` and Ghostscript's ``gs -sDEVICE=pdfwrite``; a
writer that is not installed is skipped and said so. A file the pipeline fails on is
reported as a crash with scores 0 (it is lost whole).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

# The writer's name, the program it needs, and the command writing ``src`` to ``dst``.
WRITERS: dict[str, tuple[str, list[str]]] = {
    "cairo": ("pdftocairo", ["pdftocairo", "-pdf", "{src}", "{dst}"]),
    "gs": ("gs", ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-o", "{dst}", "{src}"]),
}


def available_writers(names: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(installed, missing) among ``names`` (default: every writer)."""
    names = names or list(WRITERS)
    installed = [n for n in names if shutil.which(WRITERS[n][0])]
    return installed, [n for n in names if n not in installed]


def rewrite(src: Path, writer: str, out_dir: Path) -> Path:
    """``src`` re-written by ``writer`` into ``out_dir``, keeping the stem (the truth is
    looked up next to it: the original's YAML is copied along)."""
    program, template = WRITERS[writer]
    dst_dir = out_dir / writer
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    command = [part.format(src=src, dst=dst) for part in template]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    truth = src.with_suffix(".yaml")
    if truth.exists():
        shutil.copyfile(truth, dst.with_suffix(".yaml"))
    return dst


@dataclass
class RewrittenScore:
    writer: str
    file: str
    teds: float
    teds_struct: float
    cells: float
    blocks: float
    qa_cells: float
    qa_text: float
    recall: float
    precision: float
    seconds: float
    error: str | None = None


def score_rewritten(pdf: Path, writer: str) -> RewrittenScore:
    from evaluation.__main__ import score_file

    try:
        s = score_file(pdf)
    except Exception as exc:  # a file lost whole: reported, scored 0
        traceback.print_exc(file=sys.stderr)
        return RewrittenScore(writer, pdf.stem, 0, 0, 0, 0, 0, 0, 0, 0, 0, error=f"{type(exc).__name__}: {exc}")
    return RewrittenScore(
        writer=writer,
        file=pdf.stem,
        teds=s.tables["teds"],
        teds_struct=s.tables["teds_struct"],
        cells=s.tables["cells_exact"],
        blocks=s.blocks.exact_share,
        qa_cells=s.qa.answer_cell_accuracy,
        qa_text=s.qa.question_text_accuracy,
        recall=s.conservation.recall,
        precision=s.conservation.precision,
        seconds=s.seconds,
    )


HEADER = (
    f"{'writer':6} {'file':18} {'TEDS':>7} {'struct':>7} {'cells':>7} {'blocks':>7} {'qa cells':>8} "
    f"{'qa text':>8} {'recall':>7} {'precis.':>7} {'sec':>6}"
)


def format_row(r: RewrittenScore) -> str:
    line = (
        f"{r.writer:6} {r.file:18} {r.teds:7.4f} {r.teds_struct:7.4f} {r.cells:7.4f} {r.blocks:7.4f} "
        f"{r.qa_cells:8.4f} {r.qa_text:8.4f} {r.recall:7.4f} {r.precision:7.4f} {r.seconds:6.1f}"
    )
    return f"{line}  CRASH {r.error}" if r.error else line


def mean_row(writer: str, rows: list[RewrittenScore]) -> RewrittenScore:
    def avg(pick) -> float:
        return sum(pick(r) for r in rows) / len(rows) if rows else 0.0

    return RewrittenScore(
        writer=writer,
        file="mean",
        teds=avg(lambda r: r.teds),
        teds_struct=avg(lambda r: r.teds_struct),
        cells=avg(lambda r: r.cells),
        blocks=avg(lambda r: r.blocks),
        qa_cells=avg(lambda r: r.qa_cells),
        qa_text=avg(lambda r: r.qa_text),
        recall=avg(lambda r: r.recall),
        precision=avg(lambda r: r.precision),
        seconds=sum(r.seconds for r in rows),
    )


def run(
    folder: Path, writers: list[str] | None = None, files: list[str] | None = None, out=print
) -> list[RewrittenScore]:
    from evaluation.__main__ import corpus_pdfs

    installed, missing = available_writers(writers)
    for name in missing:
        out(f"writer {name} skipped: {WRITERS[name][0]} not installed")
    pdfs = [p for p in corpus_pdfs(folder) if not files or p.stem in files or p.name in files]
    results: list[RewrittenScore] = []
    with tempfile.TemporaryDirectory(prefix="rewritten-") as tmp:
        for writer in installed:
            out(f"\nRe-written by {writer} ({' '.join(WRITERS[writer][1][:1])}):")
            out(HEADER)
            rows = []
            for pdf in pdfs:
                try:
                    rewritten = rewrite(pdf, writer, Path(tmp))
                except (subprocess.SubprocessError, OSError) as exc:
                    out(f"{writer:6} {pdf.stem:18} writer failed: {exc}")
                    continue
                row = score_rewritten(rewritten, writer)
                rows.append(row)
                out(format_row(row))
            out(format_row(mean_row(writer, rows)))
            results.extend(rows)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.rewritten", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=Path("tests/corpus"))
    parser.add_argument("--writer", action="append", choices=list(WRITERS), dest="writers")
    parser.add_argument("--file", action="append", dest="files", help="a corpus file stem or name")
    args = parser.parse_args(argv)
    run(args.folder, args.writers, args.files, out=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
