"""A soak benchmark: many inbox runs over a folder that changes between runs.

    .venv/bin/python -m bench.soak [--runs 200] [--mode inbox|served|both] [--no-slow] [--keep]

Between runs the inbox changes as an uploader changes it: a file is added, one is
replaced (new content, same name), one renamed, one removed; a bad file (random bytes
named ``x.pdf``) comes in and is later replaced; once, a slow file (a dense statistics
report, ~15 s); now and then a file is still being copied while the run fingerprints it
(a thread appends to it until the run ends, then completes it): the run must leave it
"still being written" and the next run take it. The small PDFs are the one-page
regression fixtures, made distinct by a ``%soak <n>`` comment after their end.

- ``inbox``: each run is ``survey-ingest inbox … --no-nlp --workers 2`` in a session of
  its own, its output read through a pipe to the end; after each run no process may be
  left in that session.
- ``served``: one ``survey-ingest serve`` process (deployment ``ingest-inbox/soak``);
  each run is a flow run of the deployment, created through the API and waited for.

Both report to ``PREFECT_API_URL`` when it is set, else to the CLI's background server
(found or started at the local server address, as the CLI does).

Printed per mode, after run 1 (the baseline: warm-up does not count) and after the last
run: processes the bench started that are still alive, the serving process's open file
descriptors and RSS (with its children's), temp files in the output folder, manifest rows
and bytes. Checked after every run: no process left behind, every new or changed output
JSON valid, nothing lost (every complete PDF of the inbox has a manifest entry with the
sha256 of its current bytes), nothing ingested twice (a name with the same content
ingested in two runs), the copied file left while being written. From
``GROWTH_CHECKED_FROM_RUNS`` runs on, the serving process's descriptors and RSS must
stay within ``GROWTH_LIMIT`` of the baseline. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = ROOT / "tests" / "regressions"
# A dense statistics report: ~15 s of work, once per soak.
SLOW_PDF = ROOT / "tests" / "corpus" / "real" / "stat-labour-force-survey-2022.pdf"
# The base of the file still being copied: a hand-written PDF (classic xref, not
# linearized), so padding after its header only shifts the xref offsets.
GROWING_BASE = REGRESSIONS / "callout-box-drawn-first.pdf"
MANIFEST_NAME = ".ingest-manifest.sqlite3"  # flows.manifest.MANIFEST_NAME
DEPLOYMENT = "ingest-inbox/soak"

# How long a finished run's children may take to go (a pool's shutdown).
SETTLE_SECONDS = 20.0
# One run of a few one-page files takes 3–6 s, the slow file ~15 s; a busy machine more.
RUN_TIMEOUT_SECONDS = 900.0
SERVE_STARTUP_SECONDS = 300.0
# The copy in progress: megabytes at once, then a line every GROW_EVERY seconds until
# the run ends, so a fingerprint of the file (tens of ms) always sees it change.
GROW_START_BYTES = 4 * 1024 * 1024
GROW_EVERY_SECONDS = 0.001
PADDING_LINE = b"%" + b"." * 78 + b"\n"  # a PDF comment line, 80 bytes
# Inbox files besides the bad, slow and copied ones.
MAX_SMALL_FILES = 6
GROWING_EVERY_RUNS = 10  # a copy in progress on runs 3, 13, 23, …
BAD_REPLACED_EVERY_RUNS = 25
SLOW_RUN = 4
GROWTH_LIMIT = 0.10
GROWTH_CHECKED_FROM_RUNS = 100

# A line per file ingested in the run: "ok        a.pdf → a.json (…)", "error     x.pdf: …".
INGESTED_LINE = re.compile(r"^(ok|partial|error) +(\S+?)(?::| →)")
LEFT_LINE = re.compile(r"^left +(\S+?): still being written")


# -- processes ------------------------------------------------------------------------


def session_processes(sid: int) -> list[str]:
    """``pid command`` of every live process in session ``sid`` (Linux /proc); what
    ``tests/test_no_leaks.py`` counts after each run too."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        # Fields after the command's closing parenthesis: state ppid pgrp session …
        state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            found.append(f"{entry.name} {cmdline.strip()}")
    return found


def settled(sid: int) -> list[str]:
    deadline = time.monotonic() + SETTLE_SECONDS
    while (left := session_processes(sid)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return left


def process_table() -> dict[int, tuple[int, int]]:
    """pid → (ppid, session) of every live process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid, _pgrp, session = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:4]
        except (OSError, ValueError):
            continue
        if state != "Z":
            table[int(entry.name)] = (int(ppid), int(session))
    return table


def bench_processes(sessions: set[int], root: int | None) -> set[int]:
    """Live processes in the bench's sessions, and every descendant of ``root`` (one
    that left the session still counts)."""
    table = process_table()
    found = {pid for pid, (_ppid, sid) in table.items() if sid in sessions}
    if root is not None and root in table:
        frontier = {root}
        while frontier:
            found |= frontier
            frontier = {pid for pid, (ppid, _sid) in table.items() if ppid in frontier} - found
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def fd_count(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def stop_session(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)


# -- the inbox --------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def padded_pdf(base: bytes, padding: bytes) -> bytes:
    """``base`` with ``padding`` (comment lines) after its header line, xref offsets shifted."""
    cut = base.index(b"\n") + 1
    xref_at = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    trailer_at = base.index(b"trailer", xref_at)
    delta = len(padding)

    def shifted(entry: re.Match) -> bytes:
        return b"%010d %s n" % (int(entry[1]) + delta, entry[2])

    xref = re.sub(rb"(\d{10}) (\d{5}) n", shifted, base[xref_at:trailer_at])
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (xref_at + delta), base[trailer_at:])
    return base[:cut] + padding + base[cut:xref_at] + xref + tail


class Copy(threading.Thread):
    """A PDF still being copied into the inbox: a header and padding at once, a line
    more every millisecond until ``finish``, then the rest of the file."""

    def __init__(self, path: Path, marker: bytes):
        super().__init__(daemon=True)
        self.path, self.marker = path, marker
        self.base = GROWING_BASE.read_bytes()
        self.header = self.base[: self.base.index(b"\n") + 1]
        self.padding_lines = GROW_START_BYTES // len(PADDING_LINE)
        self.done = threading.Event()
        with self.path.open("wb") as f:
            f.write(self.header + PADDING_LINE * self.padding_lines)

    def run(self) -> None:
        with self.path.open("ab") as f:
            while not self.done.wait(GROW_EVERY_SECONDS):
                f.write(PADDING_LINE)
                f.flush()
                self.padding_lines += 1

    def finish(self) -> bytes:
        self.done.set()
        self.join()
        content = padded_pdf(self.base, PADDING_LINE * self.padding_lines) + self.marker
        with self.path.open("ab") as f:
            f.write(content[len(self.header) + self.padding_lines * len(PADDING_LINE) :])
        assert self.path.read_bytes() == content
        return content


class SoakInbox:
    """The inbox folder and what the bench put in it (name → complete content)."""

    def __init__(self, folder: Path, rng: random.Random, slow: bool):
        self.folder, self.rng, self.slow = folder, rng, slow
        folder.mkdir(parents=True)
        self.seeds = [p.read_bytes() for p in sorted(REGRESSIONS.glob("*.pdf"))]
        self.files: dict[str, bytes] = {}
        self.counter = 0
        self.copy: Copy | None = None
        self.copy_name: str | None = None

    def fresh(self) -> bytes:
        self.counter += 1
        return self.seeds[self.counter % len(self.seeds)] + b"%%soak %d\n" % self.counter

    def put(self, name: str, data: bytes) -> None:
        (self.folder / name).write_bytes(data)
        self.files[name] = data

    def remove(self, name: str) -> None:
        (self.folder / name).unlink()
        del self.files[name]

    def small(self) -> list[str]:
        return sorted(n for n in self.files if n.startswith(("f", "r")))

    def start(self) -> None:
        for _ in range(4):
            self.put(f"f{self.counter + 1}.pdf", self.fresh())

    def change(self, run: int) -> list[str]:
        """Change the folder before run ``run`` (2, 3, …); what was done."""
        done = []
        name = f"f{self.counter + 1}.pdf"
        self.put(name, self.fresh())
        done.append(f"added {name}")
        replaced = self.rng.choice([n for n in self.small() if n != name])
        self.put(replaced, self.fresh())
        done.append(f"replaced {replaced}")
        changed = {name, replaced}  # each change is seen by a run before the file goes
        if run % 2 == 0:
            old = self.rng.choice([n for n in self.small() if n not in changed])
            new = f"r{self.counter}-{old}"
            (self.folder / old).rename(self.folder / new)
            self.files[new] = self.files.pop(old)
            changed.add(new)
            done.append(f"renamed {old} to {new}")
        while len(self.small()) > MAX_SMALL_FILES:
            gone = self.rng.choice([n for n in self.small() if n not in changed])
            self.remove(gone)
            done.append(f"removed {gone}")
        if run == 2 or run % BAD_REPLACED_EVERY_RUNS == 0:
            self.put("x.pdf", self.rng.randbytes(4096))
            done.append("bad x.pdf")
        if run == SLOW_RUN and self.slow:
            self.put(SLOW_PDF.name, SLOW_PDF.read_bytes())
            done.append(f"slow {SLOW_PDF.name}")
        return done

    def start_copy(self, run: int) -> None:
        """A copy in progress through the next run (the one before it removed)."""
        for name in [n for n in self.files if n.startswith("g")]:
            self.remove(name)
        self.counter += 1
        self.copy_name = f"g{run}.pdf"
        self.copy = Copy(self.folder / self.copy_name, b"%%soak %d\n" % self.counter)
        self.copy.start()

    def finish_copy(self) -> None:
        if self.copy is not None and self.copy_name is not None:
            self.files[self.copy_name] = self.copy.finish()
        self.copy, self.copy_name = None, None


# -- one mode's soak --------------------------------------------------------------------


@dataclass
class Figures:
    processes: int
    fds: int | None  # of the serving process
    rss_mb: float | None  # the serving process and its children
    temp_files: int
    manifest_rows: int
    manifest_bytes: int
    outputs: int


@dataclass
class RunResult:
    ingested: list[str]  # names ingested in this run (ok, partial or error)
    left: list[str]  # names left as still being written
    seconds: float
    problems: list[str] = field(default_factory=list)


@dataclass
class Soak:
    mode: str
    runs: int
    baseline: Figures | None = None
    end: Figures | None = None
    seconds: list[float] = field(default_factory=list)
    slow_seconds: float | None = None
    ingested: int = 0
    copies: int = 0
    copies_left: int = 0
    failures: list[str] = field(default_factory=list)


def measure(out: Path, sessions: set[int], server: int | None) -> Figures:
    from flows.outputs import TEMP_FILE

    processes = bench_processes(sessions, server)
    manifest = out / MANIFEST_NAME
    rows = 0
    if manifest.exists():
        with sqlite3.connect(f"file:{manifest}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    names = [p.name for p in out.iterdir()]
    return Figures(
        processes=len(processes),
        fds=fd_count(server) if server is not None else None,
        rss_mb=round(sum(rss_kb(pid) for pid in processes) / 1024, 1) if server is not None else None,
        temp_files=sum(1 for n in names if TEMP_FILE.match(n) or ".tmp" in n),
        manifest_rows=rows,
        manifest_bytes=sum(p.stat().st_size for p in out.glob(MANIFEST_NAME + "*")),
        outputs=sum(1 for n in names if n.endswith(".json") and not n.startswith(".")),
    )


class Checker:
    """The checks after each run: valid outputs, nothing lost, nothing ingested twice."""

    def __init__(self, out: Path):
        self.out = out
        self.seen: dict[tuple[str, str], int] = {}  # (name, sha256) → run that ingested it
        self.validated: dict[str, int] = {}  # output name → mtime_ns when validated

    def after(self, run: int, result: RunResult, inbox: SoakInbox, copying: str | None) -> list[str]:
        from docmodel.schema import validate
        from flows.manifest import Manifest

        problems = list(result.problems)
        for name in result.ingested:
            if name == copying:
                problems.append(f"{name}: ingested while still being copied")
                continue
            if name not in inbox.files:
                problems.append(f"{name}: ingested, but not in the inbox")
                continue
            key = (name, sha256(inbox.files[name]))
            if key in self.seen:
                problems.append(f"{name}: same content ingested in runs {self.seen[key]} and {run}")
            self.seen[key] = run
        if copying is not None and copying not in result.left:
            problems.append(f"{copying}: not left as still being written")
        with Manifest(self.out) as manifest:
            entries = {entry.file: entry for entry in manifest.entries()}
        for name, data in inbox.files.items():
            if name == copying:  # complete only now: the next run takes it
                continue
            entry = entries.get(name)
            if entry is None:
                problems.append(f"{name}: lost (no manifest entry)")
            elif entry.sha256 != sha256(data):
                problems.append(f"{name}: lost (manifest has other content, {entry.status})")
        for path in self.out.glob("*.json"):
            if path.name.startswith("."):
                continue
            mtime = path.stat().st_mtime_ns
            if self.validated.get(path.name) == mtime:
                continue
            try:
                validate(json.loads(path.read_text(encoding="utf-8")))
            except Exception as exc:  # SchemaError, or not JSON at all
                problems.append(f"{path.name}: invalid output: {str(exc)[:200]}")
            self.validated[path.name] = mtime
        return [f"run {run}: {p}" for p in problems]


def soak(mode: str, work: Path, runs: int, env: dict[str, str], slow: bool = True, seed: int = 17) -> Soak:
    """``runs`` runs of ``mode`` (inbox or served) in folder ``work``."""
    inbox = SoakInbox(work / "in", random.Random(seed), slow)
    out = work / "out"
    result = Soak(mode, runs)
    checker = Checker(out)
    runner: InboxRuns | ServedRuns = InboxRuns(inbox.folder, out, env) if mode == "inbox" else ServedRuns(work, env)
    try:
        runner.start()
        inbox.start()
        for run in range(1, runs + 1):
            changes = inbox.change(run) if run > 1 else []
            copying = None
            if run % GROWING_EVERY_RUNS == 3:
                inbox.start_copy(run)
                copying = inbox.copy_name
                result.copies += 1
            try:
                outcome = runner.run(copying)
            finally:
                inbox.finish_copy()
            if copying in outcome.left:
                result.copies_left += 1
            if SLOW_PDF.name in outcome.ingested and result.slow_seconds is None:
                result.slow_seconds = outcome.seconds
            else:
                result.seconds.append(outcome.seconds)
            result.ingested += len(outcome.ingested)
            problems = checker.after(run, outcome, inbox, copying)
            result.failures += problems
            print(
                f"{mode} run {run}/{runs}: {outcome.seconds:.1f} s, ingested {len(outcome.ingested)}"
                + (f" ({'; '.join(changes)})" if changes else "")
                + "".join(f"\n  FAIL {p}" for p in problems),
                flush=True,
            )
            if run == 1:
                result.baseline = runner.measure()
        result.end = runner.measure()
    finally:
        result.failures += runner.stop()
    if result.baseline is not None and result.end is not None and result.end.processes > result.baseline.processes:
        result.failures.append(
            f"processes: {result.baseline.processes} after run 1, {result.end.processes} after run {runs}"
        )
    if runs >= GROWTH_CHECKED_FROM_RUNS and result.baseline is not None and result.end is not None:
        for name in ("fds", "rss_mb"):
            before, after = getattr(result.baseline, name), getattr(result.end, name)
            if before and after is not None and abs(after - before) / before > GROWTH_LIMIT:
                result.failures.append(f"{name}: {before} after run 1, {after} after run {runs}")
    return result


class InboxRuns:
    """Each run a ``survey-ingest inbox`` process in a session of its own."""

    def __init__(self, inbox: Path, out: Path, env: dict[str, str]):
        self.inbox, self.out, self.env = inbox, out, env
        self.sessions: set[int] = set()

    def start(self) -> None:
        pass

    def run(self, copying: str | None) -> RunResult:
        command = [sys.executable, "-m", "flows.cli", "inbox", "--inbox", str(self.inbox), "--out", str(self.out)]
        started = time.perf_counter()
        cli = subprocess.Popen(
            [*command, "--no-nlp", "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.sessions.add(cli.pid)
        chunks: list[bytes] = []
        # Read to the end: a child that kept the run's stdout would hold it open.
        reader = threading.Thread(target=lambda: chunks.append(cli.stdout.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(RUN_TIMEOUT_SECONDS)
        problems = []
        if reader.is_alive():
            problems.append(f"output not closed in {RUN_TIMEOUT_SECONDS:g} s: {session_processes(cli.pid)}")
            stop_session(cli, signal.SIGKILL)
        code = cli.wait(timeout=60)
        seconds = time.perf_counter() - started
        text = b"".join(chunks).decode(errors="replace")
        if code not in (0, 1):  # 1: the bad file fails, every run
            problems.append(f"exit {code}: {text.strip()[-500:]}")
        if left := settled(cli.pid):
            problems.append(f"processes left in the run's session: {left}")
        lines = text.splitlines()
        return RunResult(
            ingested=[m[2] for line in lines if (m := INGESTED_LINE.match(line))],
            left=[m[1] for line in lines if (m := LEFT_LINE.match(line))],
            seconds=seconds,
            problems=problems,
        )

    def measure(self) -> Figures:
        return measure(self.out, self.sessions, None)

    def stop(self) -> list[str]:
        return []


class ServedRuns:
    """One ``survey-ingest serve`` process; each run a flow run of its deployment."""

    def __init__(self, work: Path, env: dict[str, str]):
        self.work, self.env = work, env
        self.out = work / "out"
        self.serve: subprocess.Popen | None = None
        self.deployment_id = None
        self.resident: int | None = None  # serve's processes after run 1

    def start(self) -> None:
        from prefect.client.orchestration import get_client

        (self.work / "in").mkdir(parents=True, exist_ok=True)
        log = (self.work / "serve.log").open("wb")
        self.serve = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--cron", "0 3 * * *"]
            + ["--inbox", str(self.work / "in"), "--out", str(self.out), "--no-nlp", "--workers", "2"]
            + ["--name", DEPLOYMENT.split("/")[1]],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + SERVE_STARTUP_SECONDS
        with get_client(sync_client=True) as client:
            while self.deployment_id is None:
                if self.serve.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not create {DEPLOYMENT}; see {self.work / 'serve.log'}")
                try:
                    deployment = client.read_deployment_by_name(DEPLOYMENT)
                except Exception:  # not there yet
                    time.sleep(1)
                    continue
                # A deployment of an earlier soak with this name: wait for ours to take it over.
                if deployment.parameters.get("out") == str(self.out.resolve()):
                    self.deployment_id = deployment.id
                else:
                    time.sleep(1)

    def run(self, copying: str | None) -> RunResult:
        from prefect.client.orchestration import get_client

        from flows.manifest import Manifest

        with Manifest(self.out) as manifest:
            before = {e.file: e.recorded_at for e in manifest.entries()}
        started = time.perf_counter()
        problems = []
        with get_client(sync_client=True) as client:
            flow_run = client.create_flow_run_from_deployment(self.deployment_id)
            deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
            while not (state := client.read_flow_run(flow_run.id).state) or not state.is_final():
                if time.monotonic() > deadline:
                    problems.append(f"flow run {flow_run.id} not finished in {RUN_TIMEOUT_SECONDS:g} s")
                    break
                time.sleep(0.25)
        seconds = time.perf_counter() - started
        if state is not None and state.type.value not in ("COMPLETED", "FAILED"):  # FAILED: the bad file
            problems.append(f"flow run {flow_run.id} ended {state.type.value}: {state.message}")
        with Manifest(self.out) as manifest:
            recorded = [e for e in manifest.entries() if before.get(e.file) != e.recorded_at]
        ingested = [e.file for e in recorded if e.duplicate_of is None]
        # The copy in progress was left when the run recorded nothing under its name.
        left = [copying] if copying is not None and copying not in {e.file for e in recorded} else []
        return RunResult(ingested, left, seconds, problems)

    def measure(self) -> Figures:
        assert self.serve is not None
        # A flow run's process may take a moment to go after its state is final; serve
        # keeps a child for good (multiprocessing's resource tracker).
        time.sleep(2.0)
        deadline = time.monotonic() + SETTLE_SECONDS
        while (
            self.resident is not None
            and len(bench_processes({self.serve.pid}, self.serve.pid)) > self.resident
            and time.monotonic() < deadline
        ):
            time.sleep(0.25)
        figures = measure(self.out, {self.serve.pid}, self.serve.pid)
        if self.resident is None:
            self.resident = figures.processes
        return figures

    def stop(self) -> list[str]:
        if self.serve is None:
            return []
        stop_session(self.serve)
        left = settled(self.serve.pid)
        return [f"processes left in serve's session after it stopped: {left}"] if left else []


# -- the report --------------------------------------------------------------------------


def table(result: Soak) -> str:
    rows = [("figure", "after run 1", f"after run {result.runs}")]
    if result.baseline is not None and result.end is not None:
        for name in Figures.__dataclass_fields__:
            before, after = getattr(result.baseline, name), getattr(result.end, name)
            rows.append((name, "-" if before is None else str(before), "-" if after is None else str(after)))
    seconds = result.seconds or [0.0]
    rows += [
        ("runs", "", str(result.runs)),
        ("files ingested", "", str(result.ingested)),
        ("run seconds median", "", f"{statistics.median(seconds):.1f}"),
        ("run seconds mean", "", f"{statistics.mean(seconds):.1f}"),
        ("run seconds max", "", f"{max(seconds):.1f}"),
        ("slow-file run seconds", "", "-" if result.slow_seconds is None else f"{result.slow_seconds:.1f}"),
        ("copies left while written", "", f"{result.copies_left}/{result.copies}"),
        ("failed checks", "", str(len(result.failures))),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{result.mode:<7} {r[0]:<{width}}  {r[1]:>12}  {r[2]:>12}" for r in rows)


def api_env() -> dict[str, str]:
    """The environment of every process the bench starts: the configured API, else the
    CLI's background server (found or started)."""
    from flows.server import ensure_server

    choice = ensure_server("background")
    if choice.note:
        print(f"note: {choice.note}")
    if choice.url is None:
        raise SystemExit("no Prefect API server to report to")
    return {**os.environ, "PREFECT_API_URL": choice.url, "PYTHONPATH": str(ROOT)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--mode", choices=["inbox", "served", "both"], default="both")
    parser.add_argument("--no-slow", dest="slow", action="store_false", help="Leave out the slow file.")
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (kept anyway on a failure).")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs: at least 2 (run 1 is the baseline)")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_API_URL, temporary_settings

    env = api_env()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    results = []
    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        for mode in ["inbox", "served"] if args.mode == "both" else [args.mode]:
            try:
                results.append(soak(mode, work / mode, args.runs, env, slow=args.slow))
            except Exception as exc:  # a mode that could not run at all
                failed = Soak(mode, args.runs)
                failed.failures.append(f"{type(exc).__name__}: {exc}")
                results.append(failed)
    print()
    for result in results:
        print(table(result))
        for failure in result.failures:
            print(f"{result.mode:<7} FAIL {failure}")
    failed = any(r.failures for r in results)
    if failed or args.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
