"""The survey-report document model: ``from docmodel import load``.

report = load("outputs/source-report.json")       # typed SurveyReport (1-x files too)
report.table("表2-1").to_dataframe()               # a table, parts joined, spans expanded
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docmodel.document import SurveyReport


def load(path: Path | str) -> SurveyReport:
    """The report in ``path``, validated against the schema version it names (see ``docmodel.io``)."""
    from docmodel.io import load as _load  # keeps `python -m docmodel.schema` free of a half-imported module

    return _load(path)


__all__ = ["load"]
