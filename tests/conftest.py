"""Shared fixtures: the corpus paths, bad-input PDFs built on the fly, the Prefect harness.

Prefect reads its settings at import: telemetry is switched off before anything imports it.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# A CLI run in a test reports to the harness (api_env) or to a per-run temporary server,
# never to a background server left running after the session (tests/test_server.py
# starts one on purpose, in a scratch PREFECT_HOME, and stops it).
os.environ["SURVEY_INGEST_PREFECT_SERVER"] = "temporary"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from helpers import CORPUS, CORPUS_STEMS, build_pdf, write_bad_inputs  # noqa: E402

# The temporary API server starts in a subprocess; on a busy machine that is slow.
HARNESS_STARTUP_SECONDS = 300


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend (SQLite in a temp dir) for every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP_SECONDS):
        yield


@pytest.fixture(scope="session")
def corpus_reports():
    """Every corpus PDF extracted once per session (no NLP), by stem."""
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    settings = PipelineSettings(nlp=False)
    return {stem: extract_report(CORPUS / f"{stem}.pdf", settings) for stem in CORPUS_STEMS}


@pytest.fixture
def bad_inputs(tmp_path) -> dict[str, Path]:
    return write_bad_inputs(tmp_path / "bad")


@pytest.fixture
def tiny_pdf(tmp_path) -> Path:
    path = tmp_path / "tiny.pdf"
    path.write_bytes(build_pdf())
    return path
