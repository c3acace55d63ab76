"""The names of the pipeline's stages, in the order a file goes through them.

Declared apart from ``extractors.pipeline`` (which re-exports it) only so that the
modules the pipeline imports (``source``) can name their stage without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """One step of one file; the value names it in Prefect task runs and error records."""

    OPEN = "open"  # fingerprint, bad-input checks, document info (extractors/source.py)
    PAGES = "pages"  # every page: lines, tables, furniture, blocks (extractors/page/)
    ASSEMBLE = "assemble"  # the report: logical tables, Q&A grids (extractors/document/)
    SEGMENT = "segment"  # GiNZA sentences, tokens, entities, phrases (extractors/nlp/), when settings.nlp
    VALIDATE = "validate"  # the report's JSON against the committed schema (docmodel/schema.py)
    WRITE = "write"  # flat Q&A tables, then <stem>.json (flows/, exporters/: the extractors do no I/O)
