"""The grid audit: every extracted table checked against the ink on its page, no truth needed.

    python -m evaluation.grid_audit PDF_OR_FOLDER… [--out audit.tsv] [--workers 2]

The table stage reads a table from how it was drawn (vector lines, rects, fills); the
rendered page shows what a reader sees (``extractors.page.ink_rules``). Where the two
disagree, one of them is wrong, and on a PDF nobody has written truth for this is the
only witness there is. Four kinds of disagreement are listed, per page:

- ``missed_border``: a rule crosses a cell from side to side, on one of the table's own
  grid lines (a border that stops at a merged cell) or with the cell's text on both sides
  of it: the cell should have been split.
- ``phantom_line``: a grid line between two cells with no rule along it, and text running
  across it: a row or column the reader does not see, cutting through words.
- ``missed_table``: rules meeting in a lattice of at least 3 × 3 lines with text in its
  cells, and no table extracted there.
- ``false_table``: a table whose cell borders are not inked and whose text does not line
  up in columns either: a grid from invisible or clipped drawing.

Each line of the list says where (file, page, table, box) and what (the rule, the cell,
its text), so it can be fixed or explained; the README lists what the audit cannot see.
Identical files (one corpus PDF in two folders) are audited once.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from docmodel.document import Table
from extractors.page.ink_rules import (
    InkRule,
    InkSettings,
    LatticeSettings,
    cover,
    lattices,
    page_rules,
    render_gray,
)

KINDS = ("missed_border", "phantom_line", "missed_table", "false_table")


@dataclass(frozen=True)
class AuditSettings:
    ink: InkSettings = field(default_factory=InkSettings)
    lattice: LatticeSettings = field(default_factory=LatticeSettings)
    # A rule within this many points of a grid line lies on it (a pixel at 100 dpi is
    # 0.72 pt; the table stage snaps rules 2 pt apart into one line).
    line_tolerance: float = 2.5
    # A rule crosses a cell when it covers this share of the cell's width (or height):
    # an underline or a call-out's side covers less.
    cross_share: float = 0.9
    # ...and lies this far (points) inside the cell's edges: a double border or the cell's
    # inset frame (JUST PDF) lies closer.
    edge_margin: float = 3.0
    # A grid line is inked where rules cover this share of it; below it, only a gap
    # between two rules or a dash pattern the renderer lost.
    min_ink_cover: float = 0.3
    # Text across a border is overprinted on a rule when the rule runs on this many points
    # beside both ends of the text (a rule's end stops short of a glyph by a pixel or two).
    overprint_flank: float = 3.0
    # A char crosses a line when the line passes through the middle of its box (its
    # box's outer fifth on either side is the font's ascent and descent, not ink).
    char_core: float = 0.2
    # A lattice holds a table when at least this many of its positions hold text...
    min_text_cells: int = 4
    # ...and text in this share of its columns and of its rows: a table leaves hardly a
    # column empty; a bar chart whose outlined bars line up into a lattice leaves every
    # gap between two bars empty.
    min_text_share: float = 0.8
    # A lattice is the table's when this share of its area lies inside the table's box.
    table_overlap: float = 0.5
    # A table is inked when rules cover this share of its cell borders.
    min_table_ink: float = 0.2
    # Text edges (left, right or centre) within this many points line up.
    align_tolerance: float = 2.0
    # A table's text lines up when this many columns have aligned cells in 3 rows
    # (or in every row of a shorter table).
    min_aligned_columns: int = 2


@dataclass(frozen=True)
class Finding:
    file: str
    page: int
    kind: str
    table: str  # table id ("p9-t0"), empty for a missed table
    x0: float
    top: float
    x1: float
    bottom: float
    detail: str

    def row(self) -> list[str]:
        box = [f"{v:.1f}" for v in (self.x0, self.top, self.x1, self.bottom)]
        return [self.file, str(self.page), self.kind, self.table, *box, self.detail]


COLUMNS = ["file", "page", "kind", "table", "x0", "top", "x1", "bottom", "detail"]


# --- Plain geometry over cells, chars and rules.


def _box(obj) -> tuple[float, float, float, float]:
    return float(obj.x0), float(obj.top), float(obj.x1), float(obj.bottom)


def _centre_in(char: dict, box: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] < x < box[2] and box[1] < y < box[3]


def _text(chars: list[dict], limit: int = 24) -> str:
    text = "".join(c["text"] for c in chars).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _crosses(char: dict, orientation: str, pos: float, share: float) -> bool:
    """The line at ``pos`` passes through the char's core."""
    lo, hi = (char["top"], char["bottom"]) if orientation == "h" else (char["x0"], char["x1"])
    margin = share * (hi - lo)
    return lo + margin < pos < hi - margin


def _positions(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tol:
            out.append(value)
    return out


def _grid_lines(table: Table, tol: float) -> tuple[list[float], list[float]]:
    cells = [c for row in table.rows for c in row]
    xs = _positions([v for c in cells for v in (c.bbox.x0, c.bbox.x1)], tol)
    ys = _positions([v for c in cells for v in (c.bbox.top, c.bbox.bottom)], tol)
    return xs, ys


def _inside_any(rule: InkRule, boxes: list[tuple[float, float, float, float]], tol: float) -> bool:
    return any(
        b[0] - tol <= rule.x0 and rule.x1 <= b[2] + tol and b[1] - tol <= rule.top and rule.bottom <= b[3] + tol
        for b in boxes
    )


# --- The four checks.


def missed_borders(
    file: str, page: int, table: Table, chars: list[dict], rules: list[InkRule], settings: AuditSettings
) -> list[Finding]:
    """Rules crossing a cell: on one of the table's grid lines, or between its text."""
    xs, ys = _grid_lines(table, settings.line_tolerance)
    callouts = [_box(b.bbox) for b in table.callouts]
    rules = [r for r in rules if not _inside_any(r, callouts, settings.line_tolerance)]
    out = []
    for cell in (c for row in table.rows for c in row):
        x0, top, x1, bottom = _box(cell.bbox)
        inner = [c for c in chars if _centre_in(c, (x0, top, x1, bottom))]
        for orientation, lo, hi, start, end, lines in (("h", top, bottom, x0, x1, ys), ("v", x0, x1, top, bottom, xs)):
            candidates = _positions(
                [
                    r.pos
                    for r in rules
                    if r.orientation == orientation
                    and lo + settings.edge_margin < r.pos < hi - settings.edge_margin
                    and r.end > start
                    and r.start < end
                ],
                settings.line_tolerance,
            )
            for pos in candidates:
                if cover(rules, orientation, pos, start, end, settings.line_tolerance) < settings.cross_share:
                    continue
                on_grid = any(abs(pos - line) <= settings.line_tolerance for line in lines)

                def side(c: dict, o: str = orientation) -> float:
                    return (c["top"] + c["bottom"]) / 2 if o == "h" else (c["x0"] + c["x1"]) / 2

                before = [c for c in inner if side(c) < pos]
                after = [c for c in inner if side(c) > pos]
                if not on_grid and not (before and after):
                    continue
                where = f"y={pos:.1f}" if orientation == "h" else f"x={pos:.1f}"
                why = "on a grid line" if on_grid else "between its text"
                out.append(
                    Finding(
                        file,
                        page,
                        "missed_border",
                        table.id,
                        x0,
                        top,
                        x1,
                        bottom,
                        f"{'horizontal' if orientation == 'h' else 'vertical'} rule at {where} {why} crosses "
                        f"cell r{cell.row}c{cell.col} ({cell.rowspan}x{cell.colspan}): "
                        f"{_text(before)!r} | {_text(after)!r}",
                    )
                )
    return out


def phantom_lines(
    file: str, page: int, table: Table, chars: list[dict], rules: list[InkRule], settings: AuditSettings
) -> list[Finding]:
    """Borders between two cells with no rule along them and text running across."""
    cells = [c for row in table.rows for c in row]
    tb = _box(table.bbox)
    inner_chars = [c for c in chars if _centre_in(c, tb)]
    segments: dict[tuple[str, float], list[tuple[float, float]]] = {}
    for cell in cells:
        x0, top, x1, bottom = _box(cell.bbox)
        # Inner borders only: a cell's bottom and right side, unless on the table's edge.
        if bottom < tb[3] - settings.line_tolerance:
            segments.setdefault(("h", round(bottom, 1)), []).append((x0, x1))
        if x1 < tb[2] - settings.line_tolerance:
            segments.setdefault(("v", round(x1, 1)), []).append((top, bottom))
    out = []
    for (orientation, pos), spans in sorted(segments.items()):
        bad: list[tuple[float, float, str]] = []
        for start, end in spans:
            lo_key, hi_key = ("x0", "x1") if orientation == "h" else ("top", "bottom")
            crossing = [
                c
                for c in inner_chars
                if c[hi_key] > start and c[lo_key] < end and _crosses(c, orientation, pos, settings.char_core)
            ]
            if not crossing:
                continue
            # A rule that text overprints breaks up in the glyphs (those pieces went as
            # glyph strokes): text across a line is no phantom when the rule runs on at
            # both ends of the text, right beside it.
            flank = settings.overprint_flank
            runs = _runs([(c[lo_key], c[hi_key]) for c in crossing])
            overprinted = all(
                cover(rules, orientation, pos, lo - flank, lo, settings.line_tolerance) >= 0.5
                and cover(rules, orientation, pos, hi, hi + flank, settings.line_tolerance) >= 0.5
                for lo, hi in runs
            )
            inked = cover(rules, orientation, pos, start, end, settings.line_tolerance) >= settings.min_ink_cover
            if not overprinted and not inked:
                bad.append((start, end, _text(crossing)))
        if not bad:
            continue
        start, end = min(b[0] for b in bad), max(b[1] for b in bad)
        box = (start, pos, end, pos) if orientation == "h" else (pos, start, pos, end)
        where = f"y={pos:.1f}" if orientation == "h" else f"x={pos:.1f}"
        texts = " / ".join(b[2] for b in bad[:3])
        out.append(
            Finding(
                file,
                page,
                "phantom_line",
                table.id,
                *box,
                f"{'row' if orientation == 'h' else 'column'} border at {where} ({len(bad)} of {len(spans)} "
                f"cell sides) has no ink and cuts through {texts!r}",
            )
        )
    return out


def _runs(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching intervals merged."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 0.5:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _aligned_columns(table: Table, chars: list[dict], settings: AuditSettings) -> int:
    """Columns whose single-column cells line up their text (left, right or centre)."""
    need = min(3, table.n_rows)
    count = 0
    for col in range(table.n_cols):
        edges: list[tuple[float, float, float]] = []
        for cell in (c for row in table.rows for c in row if c.col == col and c.colspan == 1):
            inner = [c for c in chars if _centre_in(c, _box(cell.bbox)) and c["text"].strip()]
            if inner:
                left, right = min(c["x0"] for c in inner), max(c["x1"] for c in inner)
                edges.append((left, right, (left + right) / 2))
        for k in range(3):
            values = sorted(e[k] for e in edges)
            best = 0
            for i, v in enumerate(values):
                j = i
                while j < len(values) and values[j] - v <= settings.align_tolerance:
                    j += 1
                best = max(best, j - i)
            if best >= need:
                count += 1
                break
    return count


def false_table(
    file: str, page: int, table: Table, chars: list[dict], rules: list[InkRule], settings: AuditSettings
) -> list[Finding]:
    """A table whose borders are neither inked nor implied by aligned text."""
    total = inked = 0.0
    for cell in (c for row in table.rows for c in row):
        x0, top, x1, bottom = _box(cell.bbox)
        for orientation, pos, start, end in (
            ("h", top, x0, x1),
            ("h", bottom, x0, x1),
            ("v", x0, top, bottom),
            ("v", x1, top, bottom),
        ):
            total += end - start
            inked += (end - start) * cover(rules, orientation, pos, start, end, settings.line_tolerance)
    share = inked / total if total else 0.0
    if share >= settings.min_table_ink:
        return []
    aligned = _aligned_columns(table, chars, settings)
    if aligned >= min(settings.min_aligned_columns, table.n_cols):
        return []
    return [
        Finding(
            file,
            page,
            "false_table",
            table.id,
            *_box(table.bbox),
            f"{table.n_rows}x{table.n_cols} table: {share:.0%} of its borders inked, {aligned} aligned columns",
        )
    ]


def missed_tables(
    file: str, page: int, tables: list[Table], chars: list[dict], rules: list[InkRule], settings: AuditSettings
) -> list[Finding]:
    """Inked lattices holding text where no table was extracted."""
    out = []
    boxes = [_box(t.bbox) for t in tables]
    for lattice in lattices(rules, settings.lattice):
        b = lattice.bbox
        area = (b["x1"] - b["x0"]) * (b["bottom"] - b["top"])
        if area <= 0:
            continue
        overlap = max(
            (
                max(0.0, min(b["x1"], t[2]) - max(b["x0"], t[0]))
                * max(0.0, min(b["bottom"], t[3]) - max(b["top"], t[1]))
                for t in boxes
            ),
            default=0.0,
        )
        if overlap >= settings.table_overlap * area:
            continue
        positions = [
            (x0, top, x1, bottom)
            for top, bottom in zip(lattice.ys, lattice.ys[1:], strict=False)
            for x0, x1 in zip(lattice.xs, lattice.xs[1:], strict=False)
        ]
        inside = [c for c in chars if c["text"].strip() and _centre_in(c, (b["x0"], b["top"], b["x1"], b["bottom"]))]
        with_text = [p for p in positions if any(_centre_in(c, p) for c in inside)]
        columns = {(p[0], p[2]) for p in with_text}
        rows = {(p[1], p[3]) for p in with_text}
        if (
            len(with_text) < settings.min_text_cells
            or len(columns) < settings.min_text_share * (len(lattice.xs) - 1)
            or len(rows) < settings.min_text_share * (len(lattice.ys) - 1)
        ):
            continue
        out.append(
            Finding(
                file,
                page,
                "missed_table",
                "",
                b["x0"],
                b["top"],
                b["x1"],
                b["bottom"],
                f"{len(lattice.ys) - 1}x{len(lattice.xs) - 1} inked lattice, text in {len(with_text)} of "
                f"{len(positions)} positions: {_text(inside, 40)!r}",
            )
        )
    return out


def audit_page(
    file: str, page: int, tables: list[Table], chars: list[dict], rules: list[InkRule], settings: AuditSettings
) -> list[Finding]:
    """Every disagreement between a page's tables and its ink."""
    chars = [c for c in chars if c["text"].strip()]
    out: list[Finding] = []
    for table in tables:
        # A call-out's text is drawn over the table, across its rules, by design.
        callouts = [_box(b.bbox) for b in table.callouts]
        cell_chars = [c for c in chars if not any(_centre_in(c, box) for box in callouts)]
        out += missed_borders(file, page, table, cell_chars, rules, settings)
        out += phantom_lines(file, page, table, cell_chars, rules, settings)
        out += false_table(file, page, table, cell_chars, rules, settings)
    out += missed_tables(file, page, tables, chars, rules, settings)
    return out


# --- Running over files.


@dataclass
class ChunkResult:
    findings: list[Finding]
    pages: int
    errors: list[str]
    seconds: float


def audit_pages(path: str, first: int, last: int, settings: AuditSettings = AuditSettings()) -> ChunkResult:
    """Pages ``first``..``last`` (0-based, exclusive end) of one PDF, through the table
    stage as the pipeline runs it, then against their ink."""
    import pdfplumber
    import pypdfium2 as pdfium

    from extractors.page.lines import anchor_char_boxes, group_lines
    from extractors.page.tables import extract_tables
    from extractors.settings import PipelineSettings

    pipeline = PipelineSettings(nlp=False)
    started = time.process_time()
    findings: list[Finding] = []
    errors: list[str] = []
    document = pdfium.PdfDocument(path)
    try:
        with pdfplumber.open(path) as pdf:
            for index in range(first, last):
                page = pdf.pages[index]
                try:
                    anchor_char_boxes(page.chars)
                    lines = group_lines(page.chars, pipeline.lines)
                    tables = extract_tables(page, lines, index + 1, pipeline.tables).tables
                    gray = render_gray(document[index], settings.ink.dpi)
                    rules = page_rules(page, settings.ink, gray)
                    findings += audit_page(path, index + 1, tables, list(page.chars), rules, settings)
                except Exception as exc:  # one page's failure is reported, the rest go on
                    errors.append(f"{path} p{index + 1}: {type(exc).__name__}: {exc}")
                finally:
                    page.close()
    finally:
        document.close()
    return ChunkResult(findings, last - first, errors, time.process_time() - started)


def _chunks(path: str, size: int) -> list[tuple[str, int, int]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    count = len(document)
    document.close()
    return [(path, start, min(start + size, count)) for start in range(0, count, size)]


def collect_pdfs(args: list[str]) -> tuple[list[Path], list[str]]:
    """PDFs named or found in named folders, each content once; and what was skipped."""
    seen: dict[str, Path] = {}
    notes: list[str] = []
    for arg in args:
        path = Path(arg)
        candidates = sorted(path.glob("*.pdf")) if path.is_dir() else [path]
        if not path.exists():
            notes.append(f"missing: {arg}")
            continue
        for pdf in candidates:
            digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
            if digest in seen:
                notes.append(f"same as {seen[digest]}: {pdf}")
            else:
                seen[digest] = pdf
    return list(seen.values()), notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.grid_audit", description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", help="PDF files or folders of PDFs")
    parser.add_argument("--out", type=Path, help="write the findings here (.tsv, or .jsonl)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=20, help="pages a worker takes at a time")
    args = parser.parse_args(argv)

    pdfs, notes = collect_pdfs(args.pdfs)
    for note in notes:
        print(f"  {note}", file=sys.stderr)
    started = time.perf_counter()
    jobs = [job for pdf in pdfs for job in _chunks(str(pdf), args.chunk)]
    findings: list[Finding] = []
    errors: list[str] = []
    pages = 0
    cpu = 0.0
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for result in pool.map(audit_pages, *zip(*jobs, strict=True)):
            findings += result.findings
            errors += result.errors
            pages += result.pages
            cpu += result.seconds
    wall = time.perf_counter() - started

    counts = Counter(f.kind for f in findings)
    print(f"grid audit: {pages} pages of {len(pdfs)} PDFs in {wall:.0f} s ({cpu:.0f} s CPU, {args.workers} workers)")
    for kind in KINDS:
        files = len({f.file for f in findings if f.kind == kind})
        print(f"  {kind:<14} {counts[kind]:>5}  ({files} files)")
    for error in errors:
        print(f"  page error: {error}")
    if args.out:
        _write(args.out, findings)
        print(f"  list: {args.out}")
    return 0


def _write(path: Path, findings: list[Finding]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(findings, key=lambda f: (f.file, f.page, KINDS.index(f.kind), f.table, f.top, f.x0))
    if path.suffix == ".jsonl":
        import json

        with path.open("w", encoding="utf-8") as out:
            for f in ordered:
                out.write(json.dumps(dict(zip(COLUMNS, f.row(), strict=True)), ensure_ascii=False) + "\n")
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(f.row() for f in ordered)


if __name__ == "__main__":
    raise SystemExit(main())
