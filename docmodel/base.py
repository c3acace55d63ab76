"""Basics shared by every part of the document model (kept apart so that
``docmodel.document`` and ``docmodel.qa`` can both use them without an import cycle)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_serializer


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Decimals of bbox coordinates in output files.
BBOX_DECIMALS = 2


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
    def of(cls, obj: dict) -> BBox:
        return cls(x0=obj["x0"], top=obj["top"], x1=obj["x1"], bottom=obj["bottom"])
