"""Leak check: no radical or private-use code point in any normalised text of a report.

Only ``raw_text`` fields keep the printed code points, by design.
"""

from __future__ import annotations

from docmodel.document import SurveyReport
from evaluation.blocks import leaked_chars

RAW_FIELDS = frozenset({"raw_text"})


def _walk(value, path: str):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in RAW_FIELDS:
                yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def report_leaks(report: SurveyReport) -> list[str]:
    """``path: U+XXXX …`` for every normalised string holding a leaked code point."""
    leaks = []
    for path, text in _walk(report.model_dump(mode="json"), "$"):
        bad = leaked_chars(text)
        if bad:
            leaks.append(f"{path}: {' '.join(f'U+{ord(c):04X}' for c in bad)}")
    return leaks


def leaked_count(report: SurveyReport) -> int:
    """How many leaked code points the report's normalised strings hold."""
    return sum(len(leaked_chars(text)) for _, text in _walk(report.model_dump(mode="json"), "$"))
