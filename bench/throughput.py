"""Corpus throughput of the inbox flow (pages per second) with 1 and 2 worker processes.

    .venv/bin/python bench/throughput.py [--corpus tests/corpus] [--workers 1 2] [--nlp] [--runner process]

Each measurement ingests the whole corpus into a fresh output folder, so nothing is
skipped; wall time includes starting the worker processes, as a scheduled run pays it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.inbox import ingest_inbox  # noqa: E402
from flows.runners import RUNNER_KINDS  # noqa: E402


def measure(corpus: Path, workers: int, nlp: bool, runner: str) -> tuple[int, int, float, float]:
    """(files, pages, wall seconds, summed per-file seconds) of one full ingest."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        started = time.perf_counter()
        report = ingest_inbox(str(corpus), out, nlp=nlp, runner=runner, workers=workers)
        wall = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"failed: {[(o.file, o.reason) for o in report.failed]}")
    pages = sum(o.pages or 0 for o in report.outcomes)
    return len(report.outcomes), pages, wall, sum(o.seconds for o in report.outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "tests" / "corpus")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--nlp", action="store_true", help="include the GiNZA stage (slow)")
    parser.add_argument("--runner", choices=RUNNER_KINDS, default="process")
    args = parser.parse_args()

    print(f"corpus {args.corpus} runner={args.runner} nlp={args.nlp} cpus={len(os.sched_getaffinity(0))}")
    print(f"{'workers':>7} {'files':>5} {'pages':>5} {'wall s':>7} {'pages/s':>7} {'cpu-pages/s':>11}")
    for workers in args.workers:
        files, pages, wall, busy = measure(args.corpus, workers, args.nlp, args.runner)
        print(f"{workers:>7} {files:>5} {pages:>5} {wall:>7.1f} {pages / wall:>7.2f} {pages / busy:>11.2f}")


if __name__ == "__main__":
    main()
