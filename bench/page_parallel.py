"""One long PDF's extraction with its page stage on 1 and on N worker processes.

    .venv/bin/python -m bench.page_parallel [PDF] [--workers 2]

Each run is ``extract_report`` (open → pages → assemble → validate, no NLP) in a fresh
process, so neither pays the other's imports or warm caches; the wall time includes
starting the page-range workers. Prints both times, their ratio (goal ≤ 0.6 for 2
workers) and whether the two reports are identical (they must be).

On a shared machine the wall ratio says little: with the kernel's autogroup scheduling
a session's processes share one slice of the CPUs, so a second worker only splits it.
The CPU critical path (this process's CPU plus each worker's share of the workers' CPU)
is what the wall time comes to on an idle machine, and is printed beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "tests" / "corpus" / "real" / "mhlw-harassment-survey-r5-report.pdf"
GOAL_RATIO = 0.6


def worker(pdf: Path, workers: int) -> dict:
    """Time one extraction in this process; the report's JSON as a digest."""
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    report = extract_report(pdf, PipelineSettings(nlp=False), workers=workers)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    workers_cpu = _children_cpu() - children
    text = report.model_dump_json()
    return {
        "workers": workers,
        "pages": len(report.pages),
        "failed_pages": report.failed_pages,
        "seconds": seconds,
        "cpu_seconds_main": cpu_seconds,
        "cpu_seconds_workers": workers_cpu,
        # Wall time on an idle machine: this process's CPU plus one worker's share
        # (ranges are handed out as workers free up, so the shares come out even).
        "cpu_critical_path": cpu_seconds + workers_cpu / workers,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(pdf: Path, workers: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.page_parallel", str(pdf), "--worker", str(workers)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{workers}-worker run failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def page_parallel(pdf: Path = DEFAULT_PDF, workers: int = 2, repeat: int = 1) -> dict:
    """The 1-worker and ``workers``-worker runs of ``pdf``, their ratio and whether they agree.

    ``repeat`` rounds alternate the two (1, N, 1, N …) and keep each one's fastest run: on
    a shared machine the neighbours' load moves between runs.
    """
    load_before = os.getloadavg()
    rounds = [(measure(pdf, 1), measure(pdf, workers)) for _ in range(repeat)]
    one = min((r[0] for r in rounds), key=lambda run: run["seconds"])
    many = min((r[1] for r in rounds), key=lambda run: run["seconds"])
    digests = {run["sha256"] for pair in rounds for run in pair}
    return {
        "file": pdf.name,
        "pages": one["pages"],
        "runs": [one, many],
        "workers": workers,
        "repeat": repeat,
        "ratio": many["seconds"] / one["seconds"],
        "identical": len(digests) == 1,
        "cpu_ratio": many["cpu_critical_path"] / one["cpu_critical_path"],
        "load_average": [load_before, os.getloadavg()],
    }


def print_result(result: dict) -> None:
    one, many = result["runs"]
    print(f"{result['file']}: {result['pages']} pages, extraction without NLP (open → pages → assemble → validate)")
    for run in (one, many):
        print(
            f"  {run['workers']} worker{'s' if run['workers'] > 1 else ' '}: {run['seconds']:7.1f} s wall "
            f"({run['pages'] / run['seconds']:.2f} pages/s; failed pages {run['failed_pages']}); CPU s: "
            f"this process {run['cpu_seconds_main']:.1f}, workers {run['cpu_seconds_workers']:.1f}, "
            f"critical path {run['cpu_critical_path']:.1f}"
        )
    print(
        f"  best of {result['repeat']} alternating round(s); load average before "
        f"{result['load_average'][0][0]:.1f}, after {result['load_average'][1][0]:.1f} on {os.cpu_count()} CPUs"
    )
    ratio = result["ratio"]
    print(
        f"  wall time ratio {many['workers']} vs 1: {ratio:.2f} (goal <= {GOAL_RATIO}) "
        f"{'OK' if ratio <= GOAL_RATIO else 'OVER'}"
    )
    print(
        f"  CPU critical-path ratio {many['workers']} vs 1 (the wall ratio on an idle machine): "
        f"{result['cpu_ratio']:.2f}"
    )
    print(f"  outputs identical: {'yes' if result['identical'] else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_parallel", description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="alternating rounds; the best of each is kept")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # internal: one timed run
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.pdf, args.worker)))
        return 0
    result = page_parallel(args.pdf, args.workers, args.repeat)
    print_result(result)
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
