"""The page time limit cuts a slow page short on every kind of worker: a process's main
thread (SIGALRM) and the threads that thread and Dask workers run tasks on (an exception
raised in that thread). A page refused only after it returned would say how long it took
("took 20.3 s, limit is 2 s"); one cut short says it took longer than the limit."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import build_pdf, slow_second_page

from extractors.limits import TimeLimitExceeded, time_limit
from extractors.settings import Limits, PipelineSettings

LIMIT = 0.3


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # pure Python, as pdfminer is: no signal-friendly sleep
        pass


def _in_a_thread(work) -> BaseException | None:
    caught: list[BaseException | None] = [None]

    def run():
        try:
            work()
        except BaseException as exc:  # what the worker thread saw
            caught[0] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return caught[0]


def test_a_busy_body_on_a_worker_thread_is_cut_short():
    def work():
        with time_limit(LIMIT, "page 7"):
            _busy(30 * LIMIT)

    started = time.monotonic()
    caught = _in_a_thread(work)
    assert time.monotonic() - started < 10 * LIMIT
    assert isinstance(caught, TimeLimitExceeded) and str(caught) == f"page 7 took longer than {LIMIT:g} s"


def test_an_error_a_library_raises_in_place_of_the_interruption_is_the_limit():
    # pytesseract and pdfium callbacks may catch the interruption and raise their own error.
    def body():
        with time_limit(LIMIT, "page 1"):
            try:
                _busy(3 * LIMIT)
            except TimeLimitExceeded:
                pass
            raise RuntimeError("Failed to load page")

    with pytest.raises(TimeLimitExceeded, match="page 1 took longer than"):
        body()
    assert isinstance(_in_a_thread(body), TimeLimitExceeded)


def test_an_error_within_the_limit_stays_that_error():
    with pytest.raises(ValueError, match="bad page"):
        with time_limit(LIMIT):
            raise ValueError("bad page")


def test_a_body_within_its_limit_gets_no_late_exception():
    def work():
        for _ in range(20):
            with time_limit(LIMIT, "page"):
                _busy(LIMIT / 20)
        _busy(3 * LIMIT)  # a cancelled exception would fire here

    assert _in_a_thread(work) is None


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("runner", ["process", "thread", "dask"])
def test_a_slow_page_is_cut_short_on_every_runner(tmp_path, runner):
    from flows.ingest import ingest_batch, outcomes_of

    slow = slow_second_page(tmp_path / "slow.pdf")  # page 2: a minute of pdfminer on a busy machine
    tiny = tmp_path / "tiny.pdf"
    tiny.write_bytes(build_pdf())
    settings = PipelineSettings(nlp=False, limits=Limits(page_seconds=2))
    state = ingest_batch([slow, tiny], tmp_path / "out", settings, runner=runner, workers=2, return_state=True)
    slow_outcome, tiny_outcome = outcomes_of(state)
    assert tiny_outcome.ok
    assert slow_outcome.partial and slow_outcome.failed_pages == [2]
    import json

    page = json.loads((tmp_path / "out" / "slow.json").read_text(encoding="utf-8"))["pages"][1]
    assert page["error"] == {"stage": "time-limit", "reason": "page 2 took longer than 2 s"}
