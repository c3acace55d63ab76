"""Accuracy and speed of this project against peer table extractors, in one run.

    python -m bench.run_bench tests/corpus [--peers pdfplumber,camelot,tabula] [--no-parallel]

On every corpus PDF that has a truth YAML: our extraction (all pages) and each peer
(on the pages that print a table, the same pages for every tool) run one after the other,
each in a fresh process so imports, JVMs and memory never overlap a timing. Scores come
from ``evaluation`` (TEDS, TEDS-Struct, exact cells, blocks, leaks, Q&A); the floor is
the time pdfplumber itself needs to parse every page's chars, lines and rects. Prints a
rich table and writes JSON to ``bench/results/``. Goals are printed, never asserted:
the numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.peers import (
    PEERS,
    PeerTable,
    grid_of_model,
    leaked_code_points,
    match_tables,
    package_version,
    run_peer_subprocess,
    summarize_matches,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Goals from the issue, printed next to what was measured.
GOAL_FLOOR_RATIO = 1.5  # our extraction ≤ 1.5× pdfplumber's own parse of the same pages
GOAL_CAMELOT_SPEEDUP = 3.0  # ≥ 3× faster than Camelot lattice on the same pages
GOAL_TWO_WORKERS = 1.7  # 2 worker processes ≥ 1.7× the throughput of 1


def corpus_pdfs(corpus: Path) -> list[Path]:
    """PDFs of the corpus folder that have a truth YAML beside them."""
    return [pdf for pdf in sorted(corpus.glob("*.pdf")) if pdf.with_suffix(".yaml").exists()]


def table_pages(truth_path: Path) -> list[int]:
    from evaluation.truth import load_truth, truth_tables

    return sorted({t.page for t in truth_tables(load_truth(truth_path))})


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line


def _run_nlp(report, settings) -> tuple[float | None, float | None, str]:
    """(model load seconds, segmentation seconds) of the segment stage."""
    from extractors import pipeline
    from extractors.nlp.segment import load_nlp

    started = time.perf_counter()
    load_nlp()  # cached per process: the stage below finds it loaded
    loaded = time.perf_counter()
    pipeline.segment(report, settings)
    return loaded - started, time.perf_counter() - loaded, "ok"


def worker_ours(pdf_path: Path, with_nlp: bool) -> dict:
    """The pipeline's stages (``extractors.pipeline``), the page stage timed per page, then
    scored (scoring is not timed)."""
    from evaluation.blocks import score_pages
    from evaluation.leaks import leaked_count
    from evaluation.qa import score_grids
    from evaluation.truth import load_truth, truth_tables
    from extractors import pipeline
    from extractors.settings import PipelineSettings

    settings = PipelineSettings(nlp=with_nlp)
    rss_before = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    page_seconds: list[float] = []
    page_cpu_seconds: list[float] = []
    with pipeline.open_document(pdf_path, settings) as opened:
        open_seconds, open_cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        clock = [time.perf_counter(), time.process_time()]

        def page_done(_number: int) -> None:
            t, c = time.perf_counter(), time.process_time()
            page_seconds.append(t - clock[0])
            page_cpu_seconds.append(c - clock[1])
            clock[:] = [t, c]

        extractions = pipeline.extract_pages(opened, settings, on_page=page_done)
    t = time.perf_counter()
    report = pipeline.assemble(opened, extractions, settings)
    document_seconds = time.perf_counter() - t
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    rss_extraction = _rss_mb()
    nlp_load_seconds, nlp_seconds, nlp_status = _run_nlp(report, settings) if with_nlp else (None, None, "skipped")
    rss_nlp = _rss_mb()

    truth = load_truth(pdf_path.with_suffix(".yaml"))
    found = [PeerTable(table.page, grid_of_model(table)) for table in report.tables]
    tables = summarize_matches(match_tables(found, truth_tables(truth)))
    blocks = score_pages(pdf_path.name, extractions, truth)
    qa = score_grids(report.qa_grids, truth)
    return {
        "conservation": conservation_of(pdf_path, report),
        "tool": "ours",
        "pages": len(page_seconds),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "open_seconds": open_seconds,
        "open_cpu_seconds": open_cpu_seconds,
        "document_seconds": document_seconds,
        "page_seconds": page_seconds,
        "page_cpu_seconds": page_cpu_seconds,
        "nlp_seconds": nlp_seconds,
        "nlp_load_seconds": nlp_load_seconds,
        "nlp_status": nlp_status,
        "rss_before_mb": rss_before,
        "max_rss_mb": rss_extraction,
        "max_rss_with_nlp_mb": rss_nlp,
        "tables": tables,
        "blocks": {"exact": blocks.exact, "truth": blocks.truth_blocks, "output": blocks.output_blocks},
        "qa": {
            "cells_right": qa.cells_right,
            "cells": qa.cells,
            "grids_found": qa.grids_found,
            "grids_expected": qa.grids_expected,
        },
        "leaks": leaked_count(report),
    }


def conservation_of(pdf_path: Path, report) -> dict:
    """Text conservation of one report (evaluation.conservation), as plain data."""
    from evaluation.conservation import conservation

    result = conservation(pdf_path, report)
    return {
        "file": result.file,
        "chars": result.printed,
        "recall": result.recall,
        "precision": result.precision,
        "summary": result.summary(),
    }


def worker_whole_file(pdf_path: Path) -> dict:
    """The pipeline as the flows run it (``extract_report``, no NLP) on one PDF: wall and
    CPU seconds, peak RSS of this fresh process, then (not timed) its text conservation."""
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    started, cpu = time.perf_counter(), time.process_time()
    report = extract_report(pdf_path, PipelineSettings(nlp=False))
    out = {
        "tool": "whole-file",
        "file": pdf_path.name,
        "pages": len(report.pages),
        "failed_pages": report.failed_pages,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "max_rss_mb": _rss_mb(),
    }
    return {**out, "conservation": conservation_of(pdf_path, report)}


def worker_floor(pdf_path: Path) -> dict:
    """pdfplumber alone: every page's chars, lines and rects parsed, nothing else."""
    import pdfplumber

    started, cpu = time.perf_counter(), time.process_time()
    page_seconds: list[float] = []
    page_cpu_seconds: list[float] = []
    with pdfplumber.open(pdf_path) as pdf:
        open_seconds, open_cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        for page in pdf.pages:
            t, c = time.perf_counter(), time.process_time()
            page.chars, page.lines, page.rects  # noqa: B018 (parsing is the point)
            page.flush_cache()
            page_seconds.append(time.perf_counter() - t)
            page_cpu_seconds.append(time.process_time() - c)
    return {
        "tool": "floor",
        "pages": len(page_seconds),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "open_seconds": open_seconds,
        "open_cpu_seconds": open_cpu_seconds,
        "page_seconds": page_seconds,
        "page_cpu_seconds": page_cpu_seconds,
        "max_rss_mb": _rss_mb(),
    }


def _run_worker(kind: str, pdf_path: Path, *extra: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run_bench", "--worker", kind, str(pdf_path), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} worker failed on {pdf_path.name}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# Parallel throughput: the whole corpus with 1 and with 2 worker processes


def _extract_file(path: str) -> int:
    from extractors import pipeline
    from extractors.settings import PipelineSettings

    settings = PipelineSettings(nlp=False)
    with pipeline.open_document(path, settings) as opened:
        extractions = pipeline.extract_pages(opened, settings)
    pipeline.assemble(opened, extractions, settings)
    return len(extractions)


def _pool_throughput(corpus: Path, workers: int) -> tuple[int, float]:
    """(pages, wall seconds) of extracting every corpus PDF with a process pool."""
    from concurrent.futures import ProcessPoolExecutor

    # Largest first so the workers finish close together.
    files = sorted((str(p) for p in corpus.rglob("*.pdf")), key=lambda p: -os.path.getsize(p))
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pages = sum(pool.map(_extract_file, files))
    return pages, time.perf_counter() - started


def parallel_throughput(corpus: Path) -> dict:
    """Pages/s over the whole corpus with 1 and 2 worker processes.

    The inbox engineer's ``bench/throughput.py`` measures the real flow (Prefect, process
    runner, no NLP) when it is there; else a plain process pool over the files.
    """
    from bench.throughput import measure

    out: dict = {
        "source": "bench.throughput.measure (inbox flow, process runner, no NLP)"
        if measure
        else "bench.run_bench process pool over files"
    }
    for workers in (1, 2):
        pages = None
        if measure is not None:
            try:
                files, pages, seconds, _busy = measure(corpus, workers, False, "process")
                out["files"] = files
            except (Exception, SystemExit) as exc:  # it exits when a file fails to ingest
                out["source"] = "bench.run_bench process pool over files (the inbox flow failed)"
                out["flow_error"] = f"{type(exc).__name__}: {exc}"[:500]
                measure = None
        if pages is None:
            pages, seconds = _pool_throughput(corpus, workers)
        out[f"workers_{workers}"] = {"pages": pages, "seconds": seconds, "pages_per_second": pages / seconds}
    out["speedup"] = out["workers_2"]["pages_per_second"] / out["workers_1"]["pages_per_second"]
    return out


# ---------------------------------------------------------------------------
# The run


def _sum_pages(page_seconds: list[float], pages: list[int]) -> float:
    return sum(page_seconds[p - 1] for p in pages if p <= len(page_seconds))


def bench_file(pdf_path: Path, peers: list[str], with_nlp: bool, log) -> dict:
    pages = table_pages(pdf_path.with_suffix(".yaml"))
    from evaluation.truth import load_truth, truth_tables

    truths = truth_tables(load_truth(pdf_path.with_suffix(".yaml")))
    log(f"{pdf_path.name}: ours")
    ours = _run_worker("ours", pdf_path, *(["--nlp"] if with_nlp else []))
    ours["table_pages_seconds"] = ours["open_seconds"] + _sum_pages(ours["page_seconds"], pages)
    ours["table_pages_cpu_seconds"] = ours["open_cpu_seconds"] + _sum_pages(ours["page_cpu_seconds"], pages)
    log(f"{pdf_path.name}: floor")
    floor = _run_worker("floor", pdf_path)
    floor["table_pages_seconds"] = floor["open_seconds"] + _sum_pages(floor["page_seconds"], pages)
    floor["table_pages_cpu_seconds"] = floor["open_cpu_seconds"] + _sum_pages(floor["page_cpu_seconds"], pages)
    peer_results = {}
    for tool in peers:
        log(f"{pdf_path.name}: {tool} on {len(pages)} pages")
        run = run_peer_subprocess(tool, pdf_path, pages)
        result = {k: v for k, v in asdict(run).items() if k not in ("tables", "pages")}
        if run.installed and run.error is None:
            result["scores"] = summarize_matches(match_tables(run.tables, truths))
            result["leaks"] = leaked_code_points(c.text for t in run.tables for row in t.rows for c in row)
        peer_results[tool] = result
    return {"file": pdf_path.name, "table_pages": pages, "ours": ours, "floor": floor, "peers": peer_results}


def _total(files: list[dict], pick) -> float:
    return sum(pick(f) or 0 for f in files)


def summarize(files: list[dict], peers: list[str]) -> dict:
    """Corpus-wide numbers: means of TEDS over all tables, exact-cell shares over all cells."""

    def table_scores(scores: list[dict]) -> dict:
        n = max(sum(s["tables"] for s in scores), 1)
        return {
            "teds": sum(s["teds"] * s["tables"] for s in scores) / n,
            "teds_struct": sum(s["teds_struct"] * s["tables"] for s in scores) / n,
            "cells_exact": sum(s["cells_right"] for s in scores) / max(sum(s["cells"] for s in scores), 1),
            "qa_printed_cells_exact": sum(s["qa_printed_cells_right"] for s in scores)
            / max(sum(s["qa_printed_cells"] for s in scores), 1),
        }

    ours = [f["ours"] for f in files]
    summary = {
        "ours": {
            **table_scores([o["tables"] for o in ours]),
            "qa_cells_exact": _total(ours, lambda o: o["qa"]["cells_right"])
            / max(_total(ours, lambda o: o["qa"]["cells"]), 1),
            "blocks_exact": _total(ours, lambda o: o["blocks"]["exact"])
            / max(_total(ours, lambda o: o["blocks"]["truth"]), 1),
            "leaks": int(_total(ours, lambda o: o["leaks"])),
            "pages": int(_total(ours, lambda o: o["pages"])),
            "seconds": _total(ours, lambda o: o["seconds"]),
            "cpu_seconds": _total(ours, lambda o: o["cpu_seconds"]),
            "table_pages_seconds": _total(ours, lambda o: o["table_pages_seconds"]),
            "table_pages_cpu_seconds": _total(ours, lambda o: o["table_pages_cpu_seconds"]),
            "nlp_seconds": _total(ours, lambda o: o["nlp_seconds"])
            if all(o["nlp_seconds"] is not None for o in ours)
            else None,
            "nlp_load_seconds": max((o["nlp_load_seconds"] or 0 for o in ours), default=0),
            "nlp_status": sorted({o["nlp_status"] for o in ours}),
            "max_rss_mb": max(o["max_rss_mb"] for o in ours),
            "max_rss_with_nlp_mb": max(o["max_rss_with_nlp_mb"] for o in ours),
        },
        "floor": {
            "seconds": _total(files, lambda f: f["floor"]["seconds"]),
            "cpu_seconds": _total(files, lambda f: f["floor"]["cpu_seconds"]),
            "table_pages_seconds": _total(files, lambda f: f["floor"]["table_pages_seconds"]),
            "table_pages_cpu_seconds": _total(files, lambda f: f["floor"]["table_pages_cpu_seconds"]),
        },
        "table_pages": sum(len(f["table_pages"]) for f in files),
    }
    summary["ours"]["pages_per_second"] = summary["ours"]["pages"] / max(summary["ours"]["seconds"], 1e-9)
    for tool in peers:
        runs = [f["peers"][tool] for f in files]
        if not all(r["installed"] for r in runs):
            summary[tool] = {"status": "not installed"}
            continue
        failed = [r["error"] for r in runs if r["error"]]
        scored = [r["scores"] for r in runs if "scores" in r]
        summary[tool] = {
            "status": "ok" if not failed else f"failed on {len(failed)} file(s): {failed[0][:200]}",
            "version": runs[0]["version"],
            **(table_scores(scored) if scored else {}),
            "leaks": int(_total(runs, lambda r: r.get("leaks"))),
            "seconds": _total(runs, lambda r: r["seconds"]),
            "cpu_seconds": _total(runs, lambda r: r["cpu_seconds"]),
            "startup_seconds": _total(runs, lambda r: r["startup_seconds"]),
            "max_rss_mb": max(r["max_rss_mb"] for r in runs),
        }
    return summary


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gib = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1) if mem_gib else None,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": os.getloadavg(),
    }


def goals(summary: dict, parallel: dict | None) -> list[tuple[str, float | None, str, bool | None]]:
    """(goal, measured, target, met) — CPU seconds, which a busy machine disturbs least."""
    ours, floor = summary["ours"], summary["floor"]
    floor_ratio = ours["cpu_seconds"] / max(floor["cpu_seconds"], 1e-9)
    out = [
        (
            "our extraction / pdfplumber parse floor (CPU s, all pages)",
            floor_ratio,
            f"≤ {GOAL_FLOOR_RATIO}×",
            floor_ratio <= GOAL_FLOOR_RATIO,
        )
    ]
    camelot = summary.get("camelot", {})
    if "cpu_seconds" in camelot:
        speedup = camelot["cpu_seconds"] / max(ours["table_pages_cpu_seconds"], 1e-9)
        out.append(
            (
                "Camelot lattice / ours on the same pages (CPU s)",
                speedup,
                f"≥ {GOAL_CAMELOT_SPEEDUP}×",
                speedup >= GOAL_CAMELOT_SPEEDUP,
            )
        )
    else:
        out.append(("Camelot lattice / ours on the same pages", None, f"≥ {GOAL_CAMELOT_SPEEDUP}×", None))
    if parallel and "speedup" in parallel:
        out.append(
            (
                "throughput 2 workers / 1 worker (whole corpus)",
                parallel["speedup"],
                f"≥ {GOAL_TWO_WORKERS}×",
                parallel["speedup"] >= GOAL_TWO_WORKERS,
            )
        )
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None, fmt: str = ".3f") -> str:
    return "—" if value is None else format(value, fmt)


def print_report(result: dict, console) -> None:
    from rich.table import Table

    summary, peers = result["summary"], result["peers"]
    accuracy = Table(
        title=f"Accuracy — {len(result['files'])} corpus PDFs with truth, {summary['table_pages']} table pages"
    )
    for column in (
        "tool",
        "TEDS",
        "TEDS-Struct",
        "cells exact",
        "Q&A grid cells (printed)",
        "Q&A answers exact",
        "blocks exact",
        "leaks",
    ):
        accuracy.add_column(column, justify="left" if column == "tool" else "right")
    ours = summary["ours"]
    accuracy.add_row(
        "this project",
        _num(ours["teds"]),
        _num(ours["teds_struct"]),
        _pct(ours["cells_exact"]),
        _pct(ours["qa_printed_cells_exact"]),
        _pct(ours["qa_cells_exact"]),
        _pct(ours["blocks_exact"]),
        str(ours["leaks"]),
    )
    for tool in peers:
        peer = summary[tool]
        label = f"{tool} {peer.get('version', '')}".strip()
        if "teds" not in peer:
            accuracy.add_row(label, peer["status"], *["—"] * 6)
            continue
        accuracy.add_row(
            label,
            _num(peer["teds"]),
            _num(peer["teds_struct"]),
            _pct(peer["cells_exact"]),
            _pct(peer["qa_printed_cells_exact"]),
            "n/a",
            "n/a",
            str(peer["leaks"]),
        )
    console.print(accuracy)

    speed = Table(title="Speed (wall s; CPU s in brackets)")
    for column in ("what", "pages", "seconds", "pages/s", "peak RSS MB"):
        speed.add_column(column, justify="left" if column == "what" else "right")
    floor = summary["floor"]
    speed.add_row(
        "this project, extraction without NLP (all pages)",
        str(ours["pages"]),
        f"{ours['seconds']:.2f} ({ours['cpu_seconds']:.2f})",
        f"{ours['pages_per_second']:.2f}",
        f"{ours['max_rss_mb']:.0f}",
    )
    speed.add_row(
        "pdfplumber parse floor: chars, lines, rects (all pages)",
        str(ours["pages"]),
        f"{floor['seconds']:.2f} ({floor['cpu_seconds']:.2f})",
        f"{ours['pages'] / max(floor['seconds'], 1e-9):.2f}",
        "",
    )
    if ours["nlp_seconds"] is not None:
        speed.add_row(
            f"NLP stage (GiNZA) over all pages' text, + {ours['nlp_load_seconds']:.1f} s model load per process",
            str(ours["pages"]),
            f"{ours['nlp_seconds']:.2f}",
            f"{ours['pages'] / max(ours['nlp_seconds'], 1e-9):.2f}",
            f"{ours['max_rss_with_nlp_mb']:.0f}",
        )
    else:
        speed.add_row("NLP stage (GiNZA)", "", ", ".join(ours["nlp_status"]), "", "")
    n = summary["table_pages"]
    speed.add_row(
        "this project on the table pages",
        str(n),
        f"{ours['table_pages_seconds']:.2f} ({ours['table_pages_cpu_seconds']:.2f})",
        f"{n / max(ours['table_pages_seconds'], 1e-9):.2f}",
        "",
    )
    speed.add_row(
        "pdfplumber parse floor on the table pages",
        str(n),
        f"{floor['table_pages_seconds']:.2f} ({floor['table_pages_cpu_seconds']:.2f})",
        f"{n / max(floor['table_pages_seconds'], 1e-9):.2f}",
        "",
    )
    for tool in peers:
        peer = summary[tool]
        if "seconds" not in peer:
            speed.add_row(f"{tool} on the table pages", str(n), peer["status"], "", "")
            continue
        startup = f" + {peer['startup_seconds']:.1f} JVM start" if peer.get("startup_seconds") else ""
        speed.add_row(
            f"{tool} on the table pages",
            str(n),
            f"{peer['seconds']:.2f} ({peer['cpu_seconds']:.2f}){startup}",
            f"{n / max(peer['seconds'], 1e-9):.2f}",
            f"{peer['max_rss_mb']:.0f}",
        )
    parallel = result.get("parallel")
    if parallel and "speedup" in parallel:
        for workers in (1, 2):
            w = parallel[f"workers_{workers}"]
            speed.add_row(
                f"whole corpus, {workers} worker process{'es' if workers > 1 else ''}",
                str(w["pages"]),
                f"{w['seconds']:.2f}",
                f"{w['pages_per_second']:.2f}",
                "",
            )
    console.print(speed)

    whole_files = result.get("whole_files") or []
    if whole_files:
        largest = max(whole_files, key=lambda w: w["pages"])
        console.print(
            f"largest corpus PDF, whole pipeline without NLP: {largest['file']}: {largest['pages']} pages, "
            f"{largest['seconds']:.1f} s ({largest['cpu_seconds']:.1f} s CPU), "
            f"peak RSS {largest['max_rss_mb']:.0f} MB, {largest['failed_pages']} failed pages"
        )
    console.print("text conservation (every printed character in the report once):")
    for conserved in [f["ours"]["conservation"] for f in result["files"]] + [w["conservation"] for w in whole_files]:
        console.print(f"  {conserved['summary']}")

    for name, measured, target, met in result["goals"]:
        mark = "—" if met is None else ("[green]met[/]" if met else "[red]not met[/]")
        console.print(f"goal: {name}: {_num(measured, '.2f')}× (target {target}) {mark}")
    m = result["machine"]
    console.print(
        f"{result['date']} · {m['cpu']} · {m['cores']} cores · {m['memory_gib']} GiB · "
        f"Python {m['python']} · load average {', '.join(f'{x:.1f}' for x in m['load_average'])}"
    )


def run(corpus: Path, peers: list[str], with_nlp: bool, with_parallel: bool, files: list[str] | None) -> dict:
    from rich.console import Console

    console = Console(stderr=True)
    pdfs = [p for p in corpus_pdfs(corpus) if not files or p.stem in files]
    if not pdfs:
        raise SystemExit(f"no PDF with a truth YAML in {corpus}")
    load_before = os.getloadavg()
    per_file = [bench_file(pdf, peers, with_nlp, lambda msg: console.log(msg)) for pdf in pdfs]
    whole_files = []
    if not files:  # every other PDF (the real government ones): conservation, and the largest's cost
        for pdf in sorted(set(corpus.rglob("*.pdf")) - set(pdfs)):
            console.log(f"{pdf.name}: whole file, conservation")
            whole_files.append(_run_worker("whole-file", pdf))
    result = _result(per_file, peers, None, load_before)
    result["whole_files"] = whole_files
    write_result(result, stamped=False)  # the scores are kept even if the throughput run fails
    if with_parallel:
        console.log("whole corpus with 1 and 2 worker processes")
        try:
            result = {**_result(per_file, peers, parallel_throughput(corpus), load_before), "whole_files": whole_files}
        except (Exception, SystemExit) as exc:
            console.log(f"[red]parallel throughput failed[/]: {type(exc).__name__}: {exc}")
            result["parallel"] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    print_report(result, Console(width=160))
    if (corpus / "real").is_dir():
        from bench.real_bench import REAL_PEERS, bench_real, print_real_bench

        real_peers = [p for p in REAL_PEERS if p in peers or p == "camelot-stream" and "camelot" in peers]
        real = bench_real(corpus / "real", real_peers, lambda msg: console.log(msg))
        print_real_bench(real, Console(width=160))
        result["real"] = {tool: s if isinstance(s, str) else [asdict(x) for x in s] for tool, s in real.items()}
    return result


def _result(per_file: list[dict], peers: list[str], parallel: dict | None, load_before) -> dict:
    summary = summarize(per_file, peers)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_start": load_before},
        "versions": {
            name: package_version(name)
            for name in (
                "pdfplumber",
                "pdfminer.six",
                "camelot-py",
                "opencv-python-headless",
                "pypdfium2",
                "tabula-py",
                "jpype1",
            )
        },
        "peers": peers,
        "summary": summary,
        "parallel": parallel,
        "files": per_file,
    }
    result["goals"] = goals(summary, parallel)
    return result


def write_result(result: dict, out_dir: Path = RESULTS, stamped: bool = True) -> Path:
    """``latest.json`` and, for a finished run, ``bench-<date>.json`` beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    if not stamped:
        return out_dir / "latest.json"
    stamp = result["date"].replace("+00:00", "Z").replace(":", "")
    path = out_dir / f"bench-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench", description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default="tests/corpus", type=Path)
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated: " + ", ".join(PEERS))
    parser.add_argument("--files", default="", help="comma-separated PDF stems (default: all with truth)")
    parser.add_argument("--no-nlp", action="store_true", help="skip timing the GiNZA stage")
    parser.add_argument("--no-parallel", action="store_true", help="skip the 1-vs-2 worker throughput run")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--nlp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:  # internal: one measurement in this fresh process
        kind, pdf = args.worker[0], Path(args.worker[1])
        workers = {
            "ours": lambda: worker_ours(pdf, args.nlp),
            "floor": lambda: worker_floor(pdf),
            "whole-file": lambda: worker_whole_file(pdf),
        }
        data = workers[kind]()
        print(json.dumps(data, ensure_ascii=False))
        return 0
    peers = [p for p in args.peers.split(",") if p]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(unknown)}")
    files = [f for f in args.files.split(",") if f] or None
    result = run(args.corpus, peers, not args.no_nlp, not args.no_parallel, files)
    path = write_result(result)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
