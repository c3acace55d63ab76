"""Peer table extractors, run as they come, and the scoring they share with ours.

Each peer runs in its own process (``python -m bench.peers TOOL PDF PAGES``) so that
its imports, its JVM and its memory never touch another tool's timing. A peer's output
is turned into the scorer's shape, a grid of ``TruthCell`` rows; peers print no spans,
so every position is a 1×1 cell (a merged cell's text sits in one position, the rest
are empty), exactly as the peer returns it.

    python -m bench.peers camelot tests/corpus/source-report.pdf 9,10
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from evaluation.tables import cells_right, teds
from evaluation.tables import match_tables as match_by_page
from evaluation.truth import TruthCell, TruthTable

Grid = list[list[TruthCell]]


@dataclass
class PeerTable:
    page: int
    rows: Grid


@dataclass
class PeerRun:
    """What one tool returned on the pages of one PDF, and what it cost."""

    tool: str
    installed: bool
    version: str | None = None
    pages: list[int] = field(default_factory=list)
    tables: list[PeerTable] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the extraction calls
    cpu_seconds: float = 0.0  # CPU time of this process (all threads, a JVM's too)
    startup_seconds: float = 0.0  # one-off start (a JVM), not counted in seconds
    max_rss_mb: float = 0.0
    error: str | None = None


def grid_of_strings(rows: Iterable[Iterable[object]]) -> Grid:
    """A peer's plain grid (None/NaN for an empty position) as scorer rows."""
    return [[TruthCell(_text(value)) for value in row] for row in rows]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return ""
    return str(value)


def grid_of_model(table) -> Grid:
    """Our ``docmodel.document.Table`` (HTML semantics already) as scorer rows."""
    return [[TruthCell(cell.text, cell.rowspan, cell.colspan) for cell in row] for row in table.rows]


# ---------------------------------------------------------------------------
# Scoring any tool's grids against the truth tables of the same pages


@dataclass
class TableMatch:
    page: int
    kind: str  # "table" | "qa_grid"
    caption: str | None
    found: bool
    teds: float
    teds_struct: float
    cells_right: int
    cells: int


def match_tables(found: list[PeerTable], truths: list[TruthTable]) -> list[TableMatch]:
    """Each truth table against the best-TEDS unused table of its page (the scorer's matching)."""
    out: list[TableMatch] = []
    for truth, index, best_teds in match_by_page([t.page for t in found], [t.rows for t in found], truths):
        if index is None:
            out.append(
                TableMatch(truth.page, truth.kind, truth.caption, False, 0.0, 0.0, 0, cells_right([], truth.rows)[1])
            )
            continue
        right, total = cells_right(found[index].rows, truth.rows)
        out.append(
            TableMatch(
                truth.page,
                truth.kind,
                truth.caption,
                True,
                best_teds,
                teds(found[index].rows, truth.rows, structure_only=True),
                right,
                total,
            )
        )
    return out


def summarize_matches(matches: list[TableMatch]) -> dict:
    """Means over ruled tables (TEDS, TEDS-Struct, cells) and cells of printed Q&A grid slides."""
    tables = [m for m in matches if m.kind == "table"]
    grids = [m for m in matches if m.kind == "qa_grid"]
    n = max(len(tables), 1)
    return {
        "tables": len(tables),
        "tables_found": sum(m.found for m in tables),
        "teds": sum(m.teds for m in tables) / n,
        "teds_struct": sum(m.teds_struct for m in tables) / n,
        "cells_right": sum(m.cells_right for m in tables),
        "cells": sum(m.cells for m in tables),
        "qa_slides": len(grids),
        "qa_printed_cells_right": sum(m.cells_right for m in grids),
        "qa_printed_cells": sum(m.cells for m in grids),
    }


def leaked_code_points(texts: Iterable[str | None]) -> int:
    """Kangxi/Supplement radicals and private-use glyphs in output text (see evaluation.blocks)."""
    from evaluation.blocks import leaked_chars

    return sum(len(leaked_chars(text)) for text in texts)


# ---------------------------------------------------------------------------
# The peers, as they come


def _pages_arg(pages: list[int]) -> str:
    return ",".join(str(p) for p in pages)


def run_pdfplumber(pdf_path: Path, pages: list[int], run: PeerRun) -> None:
    """pdfplumber's default ``page.extract_tables()``."""
    import pdfplumber

    run.version = version("pdfplumber")
    started, cpu = time.perf_counter(), time.process_time()
    with pdfplumber.open(pdf_path) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            run.tables += [PeerTable(number, grid_of_strings(rows)) for rows in page.extract_tables()]
            page.flush_cache()
    run.seconds, run.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu


def run_camelot(pdf_path: Path, pages: list[int], run: PeerRun) -> None:
    """Camelot, lattice flavour, one call for all pages (its own way of doing several)."""
    import camelot

    run.version = version("camelot-py")
    started, cpu = time.perf_counter(), time.process_time()
    found = camelot.read_pdf(str(pdf_path), pages=_pages_arg(pages), flavor="lattice")
    run.seconds, run.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    run.tables = [PeerTable(int(table.page), grid_of_strings(table.df.values.tolist())) for table in found]


def run_camelot_stream(pdf_path: Path, pages: list[int], run: PeerRun) -> None:
    """Camelot, stream flavour (tables from text alignment, no rules needed)."""
    import camelot

    run.version = version("camelot-py")
    started, cpu = time.perf_counter(), time.process_time()
    found = camelot.read_pdf(str(pdf_path), pages=_pages_arg(pages), flavor="stream")
    run.seconds, run.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    run.tables = [PeerTable(int(table.page), grid_of_strings(table.df.values.tolist())) for table in found]


def run_tabula(pdf_path: Path, pages: list[int], run: PeerRun) -> None:
    """tabula-py, lattice mode, one ``read_pdf`` per page (its output does not say the page).

    With jpype installed tabula-java runs inside this process and the JVM starts once;
    that start is timed apart as ``startup_seconds``.
    """
    import tabula

    run.version = version("tabula-py")
    started = time.perf_counter()
    _start_tabula_jvm()
    run.startup_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    for number in pages:
        found = tabula.read_pdf(
            str(pdf_path),
            pages=number,
            lattice=True,
            multiple_tables=True,
            output_format="json",
            silent=True,
        )
        for table in found:
            run.tables.append(
                PeerTable(number, grid_of_strings([[cell.get("text") for cell in row] for row in table["data"]]))
            )
    run.seconds, run.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu


def _start_tabula_jvm() -> None:
    """Start tabula-py's in-process JVM the way its first ``read_pdf`` would (jpype only)."""
    import importlib.util

    if importlib.util.find_spec("jpype") is None:
        return  # tabula-py falls back to one ``java`` subprocess per call
    import tabula.io
    from tabula.backend import TabulaVm

    if tabula.io._tabula_vm is None:
        vm = TabulaVm(java_options=tabula.io._build_java_options(None, "utf-8"), silent=True)
        if vm.tabula is not None:
            tabula.io._tabula_vm = vm


PEERS: dict[str, tuple[str, Callable[[Path, list[int], PeerRun], None]]] = {
    # tool name → (module that must import, runner)
    "pdfplumber": ("pdfplumber", run_pdfplumber),
    "camelot": ("camelot", run_camelot),
    "camelot-stream": ("camelot", run_camelot_stream),
    "tabula": ("tabula", run_tabula),
}


def is_installed(tool: str) -> bool:
    import importlib.util

    module = PEERS[tool][0]
    if importlib.util.find_spec(module) is None:
        return False
    if tool == "tabula":
        import shutil

        return shutil.which("java") is not None
    return True


def run_peer(tool: str, pdf_path: Path, pages: list[int]) -> PeerRun:
    """Run one peer here, in this process; a missing peer or its failure is reported, not raised."""
    run = PeerRun(tool=tool, installed=is_installed(tool), pages=list(pages))
    if not run.installed:
        return run
    try:
        PEERS[tool][1](pdf_path, pages, run)
    except Exception as exc:  # a peer's crash is a result of the benchmark
        run.error = f"{type(exc).__name__}: {exc}"[:500]
    run.max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return run


def run_peer_subprocess(tool: str, pdf_path: Path, pages: list[int], timeout: float = 1800) -> PeerRun:
    """Run one peer in a fresh interpreter and read its result back."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "bench.peers", tool, str(pdf_path), _pages_arg(pages)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if proc.returncode != 0:
        return PeerRun(
            tool=tool,
            installed=is_installed(tool),
            pages=list(pages),
            error=f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}",
        )
    return peer_run_from_json(json.loads(proc.stdout.strip().splitlines()[-1]))


def peer_run_from_json(data: dict) -> PeerRun:
    tables = [PeerTable(t["page"], [[TruthCell(**c) for c in row] for row in t["rows"]]) for t in data.pop("tables")]
    return PeerRun(**data, tables=tables)


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def main(argv: list[str]) -> int:
    tool, pdf_path, pages = argv[0], Path(argv[1]), [int(p) for p in argv[2].split(",") if p]
    run = run_peer(tool, pdf_path, pages)
    # Last line of stdout is the result; peers may print their own chatter before it.
    print(json.dumps(asdict(run), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
