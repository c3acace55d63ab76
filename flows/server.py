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
something else) the run says so and falls back to a temporary server, as does
``--prefect-server temporary``. Either way every run stays a real flow run.

Nothing but the background server outlives a run (``api_for_run``):
- The chosen URL is published to the whole process, not to one thread's settings
  context: Prefect's own threads (the process pool's event and log forwarder, the API
  log worker) read the process-global settings, and a thread that finds no API URL
  starts a temporary server of its own, which nothing stops. The URL goes into the
  environment too, so pool, Dask and flow-run subprocesses inherit it.
- A temporary server is this run's child (``TemporaryServer``): its output goes to a log
  file, never to the run's stdout or stderr (``… | tee`` returns when the run does), it
  is stopped on every way out of the run, and the kernel stops it if the run is killed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.children import die_with_parent

BACKGROUND = "background"
TEMPORARY = "temporary"
SERVER_MODES = (BACKGROUND, TEMPORARY)
PID_FILE = "server.pid"  # Prefect's name for it (prefect.cli._server_utils.SERVER_PID_FILE_NAME)
LOG_FILE = "survey-ingest-server.log"
TEMPORARY_LOG_FILE = "survey-ingest-temporary-server.log"
API_URL_ENV = "PREFECT_API_URL"
# A busy 2-core machine took up to 75 s to start Prefect's temporary server.
STARTUP_SECONDS = 180.0
POLL_SECONDS = 0.25
# A stopped server gets this long to exit before it is killed.
STOP_SECONDS = 10.0


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
    if url := configured_api_url():
        return ServerChoice(url)
    if mode == TEMPORARY:
        return ServerChoice(None)
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


class TemporaryServer:
    """A Prefect API server for one run: Prefect's own ephemeral app (no UI) under
    uvicorn on a free loopback port, owned by this process and stopped with it."""

    def __init__(self, home: Path, startup_seconds: float = STARTUP_SECONDS):
        self.home = home
        self.startup_seconds = startup_seconds
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> str:
        import prefect

        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / TEMPORARY_LOG_FILE, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--app-dir",
                    str(Path(prefect.__file__).parent.parent),
                    "--factory",
                    "prefect.server.api.server:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "error",
                    "--lifespan",
                    "on",
                ],  # fmt: skip
                stdin=subprocess.DEVNULL,
                stdout=log,  # never the run's own stdout or stderr: a pipe reader waits for every writer
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,  # a run killed outright leaves no server
                # Not in the terminal's foreground group: a Ctrl-C must not stop the server
                # before the interrupted run has told it so; the run stops it after.
                process_group=0,
                env={
                    **os.environ,
                    "PREFECT_UI_ENABLED": "0",
                    "PREFECT__SERVER_EPHEMERAL": "1",
                    "PREFECT__SERVER_FINAL": "1",
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                },
            )
        deadline = time.monotonic() + self.startup_seconds
        while not answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the temporary Prefect server did not start (see {self.home / TEMPORARY_LOG_FILE})")
            time.sleep(POLL_SECONDS)
        return self.url

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def api_url_everywhere(url: str) -> Iterator[None]:
    """Every thread and child process of this one reports to ``url`` in the body.

    Prefect keeps a process-global settings context, read by threads that have none of
    their own; ``temporary_settings`` changes only the calling thread's, which Prefect's
    background threads never see. So the global context gets the URL (threads), so does
    the calling thread's (a test harness may have entered one) and the environment
    (children). All three are restored afterwards."""
    from prefect import context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    global_before = context.GLOBAL_SETTINGS_CONTEXT
    env_before = os.environ.get(API_URL_ENV)
    context.GLOBAL_SETTINGS_CONTEXT = context.SettingsContext(
        profile=global_before.profile,
        settings=global_before.settings.copy_with_update(updates={PREFECT_API_URL: url}),
    )
    os.environ[API_URL_ENV] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield
    finally:
        context.GLOBAL_SETTINGS_CONTEXT = global_before
        if env_before is None:
            os.environ.pop(API_URL_ENV, None)
        else:
            os.environ[API_URL_ENV] = env_before


@contextmanager
def api_for_run(choice: ServerChoice) -> Iterator[str]:
    """The body runs with its API published to every thread and child
    (``api_url_everywhere``): ``choice.url``, or a ``TemporaryServer`` started here and
    stopped on every way out (an exception, Ctrl-C, ``sys.exit``). Yields the URL."""
    temporary = None
    url = choice.url
    try:
        if url is None:
            temporary = TemporaryServer(prefect_home())
            url = temporary.start()
        with api_url_everywhere(url):
            try:
                yield url
            finally:
                if temporary is not None:
                    send_pending_reports()
    finally:
        if temporary is not None:
            temporary.stop()


def send_pending_reports(timeout: float = STOP_SECONDS) -> None:
    """Send the logs and events Prefect still holds, while their server is up: its
    services drain at interpreter exit otherwise, retrying against a stopped server."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout, at_exit=False)
