"""What a manual ``survey-ingest run`` costs beyond the pipeline's own work.

    .venv/bin/python -m bench.run_overhead [PDF] [--repeat 5]

Each measurement is a fresh process, timed from outside (interpreter start included):

- bare: this module's ``--bare`` mode, the pipeline without Prefect (import, open →
  pages → assemble → validate → write the outputs), no NLP;
- run: ``survey-ingest run PDF --no-nlp`` reporting to a local background server (what
  ``--prefect-server background`` finds or starts once: started here in a scratch
  ``PREFECT_HOME`` on a free port before timing, stopped after);
- temporary: one ``run --prefect-server temporary`` (Prefect's per-run server), for scale;
- ``--help`` and ``--version``.

Overhead = median run − median bare (goal ≤ 3 s on an idle machine); ``--help`` and
``--version`` goal < 1 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "tests" / "regressions" / "bar-chart-gridlines.pdf"
OVERHEAD_GOAL_SECONDS = 3.0
HELP_GOAL_SECONDS = 1.0


def bare(pdf: Path, out: Path) -> None:
    """The pipeline alone, as ``run`` drives it for one file, without Prefect."""
    from exporters import write_outputs
    from extractors.pipeline import extract_report, validate_report
    from extractors.settings import PipelineSettings

    settings = PipelineSettings(nlp=False)
    report = extract_report(pdf, settings)
    write_outputs(report, out, pdf.stem, validate_report(report, settings))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bare", type=Path, metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(args.pdf, args.bare)
        return

    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as scratch:
        home, out = Path(scratch) / "prefect", Path(scratch) / "out"
        env = {
            key: value
            for key, value in os.environ.items()
            if key != "PREFECT_API_URL" and key != "SURVEY_INGEST_PREFECT_SERVER"
        }
        env.update(
            PREFECT_HOME=str(home),
            PREFECT_SERVER_API_PORT=str(_free_port()),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            DO_NOT_TRACK="1",
            PYTHONPATH=str(ROOT),
        )
        cli = [sys.executable, "-m", "flows.cli"]
        run = [*cli, "run", str(args.pdf), "--out", str(out), "--no-nlp", "--runner", "process"]
        bare_run = [sys.executable, "-m", "bench.run_overhead", str(args.pdf), "--bare", str(out)]
        try:
            first = _timed(run, env)  # starts the background server: not counted
            bare_s, run_s = [], []
            for _ in range(args.repeat):  # interleaved: machine load hits both alike
                bare_s.append(_timed(bare_run, env))
                run_s.append(_timed(run, env))
            temporary = _timed([*run, "--prefect-server", "temporary"], env)
            help_s = min(_timed([*cli, "--help"], env) for _ in range(3))
            version_s = min(_timed([*cli, "--version"], env) for _ in range(3))
        finally:
            _stop_server(home)
    bare_m, run_m = statistics.median(bare_s), statistics.median(run_s)
    overhead = run_m - bare_m
    print(f"one-page run of {args.pdf.name}, {args.repeat} repetitions, load average {os.getloadavg()[0]:.2f}")
    print(f"{'':<34}{'median s':>9}{'min s':>8}")
    print(f"{'bare pipeline (no Prefect)':<34}{bare_m:>9.2f}{min(bare_s):>8.2f}")
    print(f"{'run, local background server':<34}{run_m:>9.2f}{min(run_s):>8.2f}")
    met = _met(overhead <= OVERHEAD_GOAL_SECONDS)
    print(f"{'run overhead':<34}{overhead:>9.2f}   goal ≤ {OVERHEAD_GOAL_SECONDS:g} s: {met}")
    print(f"{'first run (starts the server)':<34}{first:>9.2f}")
    print(f"{'run, --prefect-server temporary':<34}{temporary:>9.2f}")
    print(f"{'--help':<34}{help_s:>9.2f}   goal < {HELP_GOAL_SECONDS:g} s: {_met(help_s < HELP_GOAL_SECONDS)}")
    print(f"{'--version':<34}{version_s:>9.2f}   goal < {HELP_GOAL_SECONDS:g} s: {_met(version_s < HELP_GOAL_SECONDS)}")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _stop_server(home: Path) -> None:
    try:
        os.kill(int((home / "server.pid").read_text()), signal.SIGTERM)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
