"""Basics shared by every part of the document model (kept apart so that
``docmodel.document`` and ``docmodel.qa`` can both use them without an import cycle)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BBox(Model):
    """Bounding box in PDF points, origin top-left (pdfplumber's x0/top/x1/bottom)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def of(cls, obj: dict) -> "BBox":
        return cls(x0=obj["x0"], top=obj["top"], x1=obj["x1"], bottom=obj["bottom"])
