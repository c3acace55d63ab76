"""Geometry: the one box type and the tolerances layout decisions share.

Boxes are ``docmodel.base.BBox`` (PDF points, origin top-left, pdfplumber's
x0/top/x1/bottom) whether they end up in the output or not. pdfplumber's own objects
(chars, rects) stay plain dicts; ``middle_of`` reads them.
"""

from __future__ import annotations

from docmodel.base import BBox

__all__ = ["BBox", "SAME_TYPE_SIZE_PT", "middle_of", "same_type_size"]

# Two runs of text whose sizes differ by at most this many points are set in one type
# size: office autofit and PDF export round sizes (10.5 pt prints as 10.44 or 10.56),
# while the sizes these reports distinguish (body, note, heading) are a point or more apart.
SAME_TYPE_SIZE_PT = 0.5


def same_type_size(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_TYPE_SIZE_PT


def middle_of(obj: dict) -> tuple[float, float]:
    """Centre point (x, y) of a pdfplumber object (a char, a rect)."""
    return (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
