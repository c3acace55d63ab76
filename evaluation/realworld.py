"""Tables of real government PDFs scored against their hand-made truth.

The truth (``tests/corpus/real/<stem>.truth.yaml``, format in TRUTH-FORMAT.md) annotates
every table of a few chosen pages; ``tables: []`` marks a page that prints none. Only
those pages are extracted (a report can run to hundreds of pages), each with the same
``extract_page`` the pipeline runs, and scored with the synthetic corpus's scorer and
table matcher (``evaluation.tables``). A table found on an annotated page that matches
no truth table is a false positive.

    python -m evaluation.realworld tests/corpus/real
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.tables import cells_right, match_tables, teds
from evaluation.truth import TruthCell, TruthTable, load_truth


def truth_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".truth.yaml")


def real_pdfs(folder: Path) -> list[Path]:
    """PDFs of the folder that have a truth file beside them."""
    return [p for p in sorted(Path(folder).glob("*.pdf")) if truth_path(p).exists()]


def _cell(value) -> TruthCell:
    if isinstance(value, dict):
        return TruthCell(str(value.get("text") or ""), int(value.get("rowspan", 1)), int(value.get("colspan", 1)))
    return TruthCell("" if value is None else str(value))


def annotated_pages(truth: dict) -> list[int]:
    return sorted({int(p["page"]) for p in truth.get("pages") or []})


def real_truth_tables(truth: dict) -> list[TruthTable]:
    """Every annotated table, in page order."""
    out: list[TruthTable] = []
    for page in sorted(truth.get("pages") or [], key=lambda p: p["page"]):
        for table in page.get("tables") or []:
            out.append(
                TruthTable(
                    page=int(page["page"]),
                    kind="table",
                    caption=table.get("caption"),
                    caption_id=None,
                    part=None,
                    header_rows=int(table.get("header_rows") or 0),
                    rows=[[_cell(v) for v in row] for row in table.get("rows") or []],
                    notes=list(table.get("notes") or []),
                    callouts=list(table.get("callouts") or []),
                )
            )
    return out


@dataclass
class RealFileScore:
    file: str
    tables: int  # truth tables
    found: int  # tables we found on the annotated pages
    teds: float | None  # None when the file's annotated pages print no table
    teds_struct: float | None
    cells_right: int
    cells: int
    false_positives: int
    per_table: list[tuple[int, str | None, float, float, int, int]] = field(default_factory=list)

    @property
    def cells_exact(self) -> float | None:
        return self.cells_right / self.cells if self.cells else None


def score_real_tables(
    name: str, found_pages: list[int], found_rows: list[list[list[TruthCell]]], truth: dict
) -> RealFileScore:
    """Any tool's tables (page, scorer rows) on the annotated pages against the truth."""
    pages = set(annotated_pages(truth))
    keep = [i for i, page in enumerate(found_pages) if page in pages]
    found_pages = [found_pages[i] for i in keep]
    found_rows = [found_rows[i] for i in keep]
    truths = real_truth_tables(truth)
    per_table = []
    matched = 0
    for table, index, best in match_tables(found_pages, found_rows, truths):
        total = cells_right([], table.rows)[1]
        if index is None:
            per_table.append((table.page, table.caption, 0.0, 0.0, 0, total))
            continue
        matched += 1
        right, total = cells_right(found_rows[index], table.rows)
        per_table.append(
            (table.page, table.caption, best, teds(found_rows[index], table.rows, structure_only=True), right, total)
        )
    n = len(per_table)
    return RealFileScore(
        file=name,
        tables=n,
        found=len(found_pages),
        teds=sum(t[2] for t in per_table) / n if n else None,
        teds_struct=sum(t[3] for t in per_table) / n if n else None,
        cells_right=sum(t[4] for t in per_table),
        cells=sum(t[5] for t in per_table),
        false_positives=len(found_pages) - matched,
        per_table=per_table,
    )


def extract_annotated(pdf_path: Path, pages: list[int]) -> tuple[list[int], list[list[list[TruthCell]]]]:
    """Our tables on the given pages, extracted page by page as the pipeline does."""
    import pdfplumber

    from extractors.page.extract import extract_page

    found_pages, found_rows = [], []
    with pdfplumber.open(pdf_path) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            for table in extract_page(page, number).tables:
                found_pages.append(number)
                found_rows.append([[TruthCell(c.text, c.rowspan, c.colspan) for c in row] for row in table.rows])
            page.flush_cache()
    return found_pages, found_rows


def score_real_file(pdf_path: Path) -> RealFileScore:
    truth = load_truth(truth_path(pdf_path))
    return score_real_tables(pdf_path.name, *extract_annotated(pdf_path, annotated_pages(truth)), truth)


def mean_real(scores: list[RealFileScore]) -> dict:
    """Means over the files that annotate tables; cells exact over all truth cells; false
    positives summed over every file (a chart-only page counts there)."""
    with_tables = [s for s in scores if s.tables]
    n = max(len(with_tables), 1)
    return {
        "teds": sum(s.teds or 0.0 for s in with_tables) / n,
        "teds_struct": sum(s.teds_struct or 0.0 for s in with_tables) / n,
        "cells_exact": sum(s.cells_right for s in scores) / max(sum(s.cells for s in scores), 1),
        "false_positives": sum(s.false_positives for s in scores),
    }


def _fmt(value: float | None) -> str:
    return f"{value:7.4f}" if value is not None else f"{'-':>7}"


def print_real_scores(scores: list[RealFileScore], out=sys.stdout) -> None:
    print(f"{'real file':44} {'tables':>6} {'found':>5} {'TEDS':>7} {'struct':>7} {'cells':>7} {'FP':>3}", file=out)
    for s in scores:
        print(
            f"{s.file[:-4][:44]:44} {s.tables:6d} {s.found:5d} {_fmt(s.teds)} {_fmt(s.teds_struct)} "
            f"{_fmt(s.cells_exact)} {s.false_positives:3d}",
            file=out,
        )
    mean = mean_real(scores)
    print(
        f"{'mean':44} {'':6} {'':5} {_fmt(mean['teds'])} {_fmt(mean['teds_struct'])} "
        f"{_fmt(mean['cells_exact'])} {mean['false_positives']:3d}",
        file=out,
    )


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("tests/corpus/real")
    verbose = "-v" in argv
    scores = [score_real_file(pdf) for pdf in real_pdfs(folder)]
    print_real_scores(scores)
    if verbose:
        for s in scores:
            for page, caption, t, ts, right, total in s.per_table:
                print(f"  {s.file[:30]:30} p{page:<4} TEDS {t:.3f} struct {ts:.3f} cells {right}/{total}  {caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
