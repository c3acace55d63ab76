"""Which way a char's baseline runs: along the page (horizontal) or turned (rotated).

pdfminer's ``upright`` flag is ``a·d > 0 and b·c <= 0`` on the char's text matrix
``(a, b, c, d)``, so float noise in a matrix that is horizontal for every practical
purpose (``b = -3.4e-08, c = -9.4e-09``, as written by some Office exports and DTP
tools) marks a plainly horizontal char as not upright, and noise in a turned one
(``a = d = -1e-8``) marks it upright. We read the baseline's direction
instead: the vector ``(a, b)``. A rotated char (a y-axis label, a vertical row-group
label turned 90°) keeps a baseline across the page.

Italic shears (``c ≠ 0``) do not turn the baseline and stay horizontal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrientationSettings:
    # A baseline that climbs at most this share of its run is horizontal (about 1°):
    # far above float noise (1e-7), far below any rotation drawn on purpose.
    max_skew: float = 0.02


def is_horizontal(char: dict, settings: OrientationSettings = OrientationSettings()) -> bool:
    """Whether the char is set on a left-to-right horizontal baseline (pdfminer's
    ``upright`` is read only when a char carries no matrix)."""
    matrix = char.get("matrix")
    if not matrix:
        return bool(char.get("upright", True))
    a, b = matrix[0], matrix[1]
    return a > 0 and abs(b) <= settings.max_skew * a
