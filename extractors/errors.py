"""Why a file could not be ingested, said once, in one line a person can act on.

An ``IngestFailure`` is permanent for that file's bytes: running again gives the same
answer, so flows never retry it (they retry other exceptions, which may be transient).
"""

from __future__ import annotations


class IngestFailure(Exception):
    """A file cannot be ingested; ``stage`` names the step, ``reason`` the problem."""

    def __init__(self, stage: str, reason: str):
        # One line: reasons end up in terminal output and in <stem>.error.json.
        self.stage = stage
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{stage}: {self.reason}")

    def __reduce__(self):
        # Rebuild from (stage, reason) when crossing a process boundary (process pools).
        return (type(self), (self.stage, self.reason))


def one_line(exc: BaseException) -> str:
    """An unexpected exception as a one-line reason: its type and first message line."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
