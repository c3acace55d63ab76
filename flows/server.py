"""The Prefect API a CLI run reports to.

With no API configured (``PREFECT_API_URL``, in the environment or the active profile)
Prefect starts a temporary server inside every process that runs a flow: ~10 s on an
idle machine (a minute on a busy one) before a one-page run does any work. ``run`` and
``inbox`` therefore use a local server that outlives them (``background``, the default):

- one already answering at ``PREFECT_SERVER_API_HOST:PREFECT_SERVER_API_PORT``, or
- one started once with Prefect's own ``prefect server start``, in its own session (a
  Ctrl-C of the run does not reach it), logging to ``PREFECT_HOME/survey-ingest-server.log``
  and recorded in ``PREFECT_HOME/server.pid``, Prefect's own record of a background server,
  so ``prefect server stop`` stops it.

The pid file is created exclusively: of two runs starting at once, one starts the server
and both wait for it to answer. When no server can be started (the port is taken by
something else) the run says so and falls back to Prefect's temporary server, as does
``--prefect-server temporary``. Either way every run stays a real flow run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BACKGROUND = "background"
TEMPORARY = "temporary"
SERVER_MODES = (BACKGROUND, TEMPORARY)
PID_FILE = "server.pid"  # Prefect's name for it (prefect.cli._server_utils.SERVER_PID_FILE_NAME)
LOG_FILE = "survey-ingest-server.log"
# A busy 2-core machine took up to 75 s to start Prefect's temporary server.
STARTUP_SECONDS = 180.0
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class ServerChoice:
    """Where this run reports: ``url`` (None: Prefect's temporary server) and why."""

    url: str | None
    note: str | None = None  # one line for the operator, when something happened worth saying


def configured_api_url() -> str | None:
    """The API URL configured: in the current settings context (``temporary_settings``,
    a test harness), else in the environment or the active profile as they are now
    (Prefect read them at import, perhaps before the caller set them)."""
    from prefect.settings import Settings, get_current_settings

    url = get_current_settings().api.url or Settings().api.url
    return str(url) if url else None


def local_api_url() -> str:
    from prefect.settings import Settings

    api = Settings().server.api
    host = "127.0.0.1" if api.host in ("0.0.0.0", "::", "") else api.host
    return f"http://{host}:{api.port}/api"


def prefect_home() -> Path:
    from prefect.settings import Settings

    return Path(Settings().home)


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether a Prefect API answers its health check at ``url``."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"true"
    except (OSError, ValueError):  # refused, timed out, not HTTP, a bad URL
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _claim(pid_file: Path) -> bool:
    """Create the pid file exclusively; False when another run (or server) holds it.
    A pid file whose process is gone is stale and replaced."""
    for _ in range(2):
        try:
            fd = os.open(pid_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pid = _read_pid(pid_file)
            if pid is not None and _alive(pid):
                return False
            if pid is None and time.time() - _mtime(pid_file) < 5:
                return False  # just created by a run about to write its pid
            pid_file.unlink(missing_ok=True)
            continue
        os.close(fd)
        return True
    return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _start(url: str, home: Path, pid_file: Path) -> subprocess.Popen:
    host, port = url.removeprefix("http://").removesuffix("/api").rsplit(":", 1)
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", port],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not in the run's process group: Ctrl-C stops the run only
            env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
        )
    pid_file.write_text(str(process.pid))
    return process


def ensure_server(mode: str = BACKGROUND, startup_seconds: float = STARTUP_SECONDS) -> ServerChoice:
    """The API this run should report to (see the module doc); never raises for a server
    that cannot be had: the answer is then Prefect's temporary server, with a note."""
    if mode == TEMPORARY:
        return ServerChoice(None)
    if url := configured_api_url():
        return ServerChoice(url)
    url = local_api_url()
    if answers(url):
        return ServerChoice(url)
    home = prefect_home()
    pid_file = home / PID_FILE
    home.mkdir(parents=True, exist_ok=True)
    process = _start(url, home, pid_file) if _claim(pid_file) else None
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        if answers(url):
            if process is None:
                return ServerChoice(url)
            return ServerChoice(
                url, f"started a local Prefect server at {url} for this and later runs (`prefect server stop` stops it)"
            )
        if process is not None and process.poll() is not None:
            pid_file.unlink(missing_ok=True)
            return ServerChoice(
                None, f"could not start a local Prefect server at {url} (see {home / LOG_FILE}); using a temporary one"
            )
        if process is None and not pid_file.exists():
            return ServerChoice(None, f"the local Prefect server at {url} went away; using a temporary one")
        time.sleep(POLL_SECONDS)
    return ServerChoice(
        None, f"the local Prefect server at {url} did not answer in {startup_seconds:g} s; using a temporary one"
    )


@contextmanager
def reporting_to(choice: ServerChoice) -> Iterator[None]:
    """Flows run in the body report to ``choice.url`` (workers started there inherit it)."""
    if choice.url is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: choice.url}):
        yield
