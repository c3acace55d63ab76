"""Table captions: 「表5-4（1） …」 → id 表5-4, part 1.

A table printed over several slides repeats its caption with a part number in
brackets; the id is what joins the parts, so digits and dashes are normalised
(「表５－４」 and 「表5-4」 are one table) while the caption keeps its printed form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# 表 / 付表 (and the other words reports number tables with) followed by a number,
# optionally dash-separated sub-numbers.
_CAPTION_ID = re.compile(r"^\s*(付表|附表|別表|参考表|表)\s*([0-9０-９]+(?:\s*[-－‐‑–—−ー]\s*[0-9０-９]+)*)")
# A part number right after the id: （1） (1) （１）.
_PART = re.compile(r"^\s*[（(]\s*([0-9０-９]+)\s*[）)]")
_DASHES = re.compile(r"\s*[-－‐‑–—−ー]\s*")


@dataclass(frozen=True)
class Caption:
    caption: str
    caption_id: str | None
    part: int | None
    # Offsets into ``caption``: where the printed id ends, where the words after id and part begin.
    id_end: int = field(default=0, compare=False, repr=False)
    title_start: int = field(default=0, compare=False, repr=False)

    @property
    def title(self) -> str:
        """The caption's words after its id and part (「ヒアリング結果一覧表 …」)."""
        return self.caption[self.title_start:].strip()

    def without_part(self) -> str:
        """「表5-4（1） …」 → 「表5-4 …」: what the parts of one table share."""
        if self.part is None:
            return self.caption
        return f"{self.caption[:self.id_end]} {self.title}".strip()


def looks_like_caption(text: str) -> bool:
    """Whether a line opens with a table number (表…/付表…)."""
    return bool(_CAPTION_ID.match(text))


def parse_caption(text: str) -> Caption:
    caption = text.strip()
    match = _CAPTION_ID.match(caption)
    if not match:
        return Caption(caption, None, None)
    number = _DASHES.sub("-", unicodedata.normalize("NFKC", match.group(2)))
    part_match = _PART.match(caption[match.end():])
    part = int(unicodedata.normalize("NFKC", part_match.group(1))) if part_match else None
    title_start = match.end() + (part_match.end() if part_match else 0)
    return Caption(caption, match.group(1) + number, part, id_end=match.end(), title_start=title_start)
