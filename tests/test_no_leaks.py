"""Nothing outlives a run but the documented background server.

Each CLI run here starts in a session of its own: every process it starts (pool and
Dask workers, the progress relay, a temporary API server) stays in that session unless
it leaves it on purpose, as the background server does. Processes still in the session
after the run are leaks, whoever their parent is now. Each run's output is read through
a pipe to its end: a child that kept the run's stdout would hold it open.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import REGRESSIONS, REPO, api_env

from bench.soak import SETTLE_SECONDS, settled  # the soak benchmark counts leaks the same way
from flows.server import api_url_everywhere

pytestmark = pytest.mark.slow

SMALL_PDFS = ["bar-chart-gridlines.pdf", "callout-box-drawn-first.pdf", "figure-frame-title-band.pdf"]
# A dense statistics report: ~15 s, long enough to interrupt mid-file.
SLOW_PDF = REPO / "tests" / "corpus" / "real" / "stat-labour-force-survey-2022.pdf"


def inbox_with(tmp_path: Path, names: list[str]) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        (inbox / name).write_bytes((REGRESSIONS / name).read_bytes())
    return inbox


def cli_env(server: str) -> dict[str, str]:
    """A CLI's environment reporting to: ``configured``, the session's API as a set
    PREFECT_API_URL (a deployment's runs) gives it; ``background``, the session's API
    found answering at the local server's address; ``temporary``, a server of its own."""
    if server == "configured":
        return api_env()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(SURVEY_INGEST_PREFECT_SERVER=server, PYTHONPATH=str(REPO))
    if server == "background":
        address = urlsplit(api_env()["PREFECT_API_URL"])
        env.update(PREFECT_SERVER_API_HOST=str(address.hostname), PREFECT_SERVER_API_PORT=str(address.port))
    return env


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As from a terminal: a test run in a background job inherits SIGINT ignored,
        # and Python then never turns Ctrl-C into KeyboardInterrupt.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("command", "server"), [("inbox", "background"), ("inbox", "configured"), ("run", "temporary")]
)
def test_a_pool_run_through_a_pipe_returns_and_leaves_nothing(tmp_path, prefect_harness, command, server):
    inbox = inbox_with(tmp_path, SMALL_PDFS)
    out = tmp_path / "out"
    where = ["--inbox", str(inbox)] if command == "inbox" else [str(inbox)]
    cli = start_cli([command, *where, "--out", str(out), "--no-nlp", "--workers", "2"], cli_env(server))
    # `… | cat`: the read ends when every holder of the pipe's write end has gone.
    piped = subprocess.run(["cat"], stdin=cli.stdout, capture_output=True, text=True, timeout=600)
    assert cli.wait(timeout=60) == 0, piped.stdout
    assert sorted(p.name for p in out.glob("*.json")) == sorted(n.replace(".pdf", ".json") for n in SMALL_PDFS)
    assert settled(cli.pid) == []


def test_a_usage_error_leaves_nothing(tmp_path):
    cli = start_cli(["run", str(tmp_path / "missing.pdf"), "--out", str(tmp_path / "out")], cli_env("temporary"))
    cli.communicate(timeout=120)
    assert cli.returncode == 2
    assert settled(cli.pid) == []


@pytest.mark.parametrize("how", ["ctrl-c", "sigkill"])
def test_an_interrupted_or_killed_run_leaves_nothing(tmp_path, how):
    inbox = inbox_with(tmp_path, SMALL_PDFS[:1])
    (inbox / SLOW_PDF.name).write_bytes(SLOW_PDF.read_bytes())
    out = tmp_path / "out"
    cli = start_cli(["run", str(inbox), "--out", str(out), "--no-nlp", "--workers", "2"], cli_env("temporary"))
    reader = threading.Thread(target=cli.stdout.read, daemon=True)  # type: ignore[union-attr]
    reader.start()
    small = out / SMALL_PDFS[0].replace(".pdf", ".json")
    deadline = time.monotonic() + 300
    while not small.exists() and time.monotonic() < deadline:  # workers and server are up; the slow file is on
        time.sleep(0.2)
    assert small.exists(), "the run never got going"
    if how == "ctrl-c":
        os.killpg(cli.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
        assert cli.wait(timeout=120) == 130
    else:
        cli.kill()
        cli.wait(timeout=60)
    assert settled(cli.pid) == []
    reader.join(timeout=SETTLE_SECONDS)
    assert not reader.is_alive(), "a child still holds the run's stdout"
    assert not (out / SLOW_PDF.name.replace(".pdf", ".json")).exists()


def test_threads_and_children_see_the_published_api_url(monkeypatch):
    from prefect.settings import get_current_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    url = "http://127.0.0.1:9/api"
    seen: list[str | None] = []
    with api_url_everywhere(url):
        # Prefect's relay threads are plain threads: no copy of this thread's context.
        thread = threading.Thread(target=lambda: seen.append(get_current_settings().api.url))
        thread.start()
        thread.join()
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.environ['PREFECT_API_URL'])"], capture_output=True, text=True
        )
        assert get_current_settings().api.url == url
    assert seen == [url]
    assert child.stdout.strip() == url
    assert "PREFECT_API_URL" not in os.environ
    assert get_current_settings().api.url != url
