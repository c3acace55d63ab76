"""``flows.server``: a CLI run reports to a local background server, started once and
reused, or falls back to Prefect's temporary server when none can be had."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, build_pdf

from flows import server

# Starts real Prefect servers: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def scratch_prefect(tmp_path, monkeypatch):
    """No configured API; a scratch PREFECT_HOME and a free port. Stops what it started."""
    home, port = tmp_path / "prefect-home", _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "SURVEY_INGEST_PREFECT_SERVER")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_API_PORT=str(port), PYTHONPATH=str(REPO))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(port))
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # out of the session harness, if started
        yield env, home, port
    pid = server._read_pid(home / server.PID_FILE)
    if pid is not None and server._alive(pid):
        os.kill(pid, signal.SIGKILL)


def _run(env: dict, pdf: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(pdf), "--out", str(out), "--no-nlp", "--runner", "thread"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_run_starts_a_background_server_once_and_later_runs_reuse_it(tmp_path, scratch_prefect):
    env, home, port = scratch_prefect
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(build_pdf())
    first = _run(env, pdf, tmp_path / "out1")
    assert first.returncode == 0, first.stderr
    assert f"started a local Prefect server at http://127.0.0.1:{port}/api" in first.stderr
    pid = server._read_pid(home / server.PID_FILE)
    assert pid is not None and server._alive(pid)
    assert server.answers(f"http://127.0.0.1:{port}/api")
    assert (tmp_path / "out1" / "one.json").is_file()

    second = _run(env, pdf, tmp_path / "out2")
    assert second.returncode == 0, second.stderr
    assert "started a local Prefect server" not in second.stderr and "note:" not in second.stderr
    assert (tmp_path / "out2" / "one.json").is_file()
    assert server._read_pid(home / server.PID_FILE) == pid  # the same server, not a second one

    # The run was a real flow run on that server.
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{port}/api"}):
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs()
    assert sorted(r.state.name for r in runs if r.state) == ["Completed", "Completed"]

    # Prefect's own command stops it: the pid file is Prefect's record of a background server.
    stop = subprocess.run(
        [sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True, text=True, timeout=120
    )
    assert stop.returncode == 0, stop.stderr
    deadline = time.monotonic() + 60
    while server._alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not server._alive(pid)


def test_a_port_taken_by_something_else_falls_back_to_a_temporary_server(scratch_prefect):
    _env, home, port = scratch_prefect
    with socket.socket() as squatter:  # listens, never answers HTTP
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        choice = server.ensure_server(server.BACKGROUND, startup_seconds=120)
    assert choice.url is None
    assert choice.note is not None and "could not start a local Prefect server" in choice.note
    assert not (home / server.PID_FILE).exists()


def test_temporary_mode_and_a_configured_api_are_left_alone(scratch_prefect, monkeypatch):
    assert server.ensure_server(server.TEMPORARY) == server.ServerChoice(None)
    monkeypatch.setenv("PREFECT_API_URL", "http://example.invalid:4200/api")
    assert server.ensure_server(server.BACKGROUND) == server.ServerChoice("http://example.invalid:4200/api")


def test_a_stale_pid_file_is_replaced_and_a_live_one_is_not(tmp_path):
    pid_file = tmp_path / server.PID_FILE
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pid_file.write_text(str(dead.pid))
    assert server._claim(pid_file)  # its process is gone: stale
    pid_file.write_text(str(os.getpid()))
    assert not server._claim(pid_file)  # a live process holds it
