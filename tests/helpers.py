"""Helpers shared by the tests (test files import this module, never each other)."""

from __future__ import annotations

BLACK = (0.0, 0.0, 0.0)


def chars_of(
    text: str,
    x0: float,
    top: float,
    size: float = 14.0,
    font: str = "Sans-Regular",
    color: tuple = BLACK,
    gap_after_first: float = 0.0,
) -> list[dict]:
    """Chars as pdfplumber reports them: CJK full width, ASCII half width."""
    out, x = [], x0
    for k, ch in enumerate(text):
        width = size * (0.5 if ch.isascii() else 1.0)
        out.append(
            {
                "text": ch,
                "x0": x,
                "x1": x + width,
                "top": top,
                "bottom": top + size,
                "size": size,
                "fontname": font,
                "upright": True,
                "non_stroking_color": color,
            }
        )
        x += width + (gap_after_first if k == 0 else 0.0)
    return out
