"""Basics shared by every part of the document model (kept apart so that
``docmodel.document`` and ``docmodel.qa`` can both use them without an import cycle)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Decimals of bbox coordinates in output files.
BBOX_DECIMALS = 2


# The one box type of the project: the extractors use it for lines and cells too
# (``extractors.geometry``). The docstring below is the schema's description; the
# helpers are not part of the schema.
class BBox(Model):
    """Bounding box in PDF points, origin top-left (pdfplumber's x0/top/x1/bottom)."""

    x0: float = Field(description="Left edge, points from the page's left.")
    top: float = Field(description="Top edge, points from the page's top.")
    x1: float = Field(description="Right edge, points from the page's left.")
    bottom: float = Field(description="Bottom edge, points from the page's top.")

    @field_serializer("x0", "top", "x1", "bottom")
    def _rounded(self, value: float) -> float:
        # pdfplumber's sums carry float noise (459.63800000000003); 0.01 pt is 1/7200 inch.
        return round(value, BBOX_DECIMALS)

    @classmethod
    def of(cls, obj: Any) -> BBox:
        """The box of a pdfplumber object (a dict) or of anything with x0/top/x1/bottom."""
        if isinstance(obj, BBox):
            return obj
        if isinstance(obj, dict):
            return cls(x0=obj["x0"], top=obj["top"], x1=obj["x1"], bottom=obj["bottom"])
        return cls(x0=obj.x0, top=obj.top, x1=obj.x1, bottom=obj.bottom)

    @classmethod
    def union(cls, boxes: Iterable[Any]) -> BBox:
        """The smallest box around all of ``boxes`` (at least one)."""
        boxes = [cls.of(b) for b in boxes]
        return cls(
            x0=min(b.x0 for b in boxes),
            top=min(b.top for b in boxes),
            x1=max(b.x1 for b in boxes),
            bottom=max(b.bottom for b in boxes),
        )

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> tuple[float, float]:
        """The centre point (x, y)."""
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies in the box (edges included)."""
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def overlaps(self, other: Any) -> bool:
        """Whether the two boxes share some area (touching edges do not count)."""
        other = BBox.of(other)
        return self.x0 < other.x1 and other.x0 < self.x1 and self.top < other.bottom and other.top < self.bottom
