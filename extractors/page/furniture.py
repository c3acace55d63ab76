"""Page furniture: the section label, the slide heading and the printed page number.

Slides repeat these on every page in fixed places: a small section label ("2. 文献調査")
in a band at the very top (on a coloured bar or over a rule), the slide title in the
largest type just below it, and the page number alone in the bottom band. We find them
by position and type size, never by what they say, and hand back which lines they used
so the body does not repeat them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from extractors.geometry import SAME_TYPE_SIZE_PT
from extractors.page.lines import TextLine
from extractors.text.lexicon import PRINTED_PAGE_NUMBER
from extractors.text.linebreak import join_wrapped_lines
from extractors.text.normalize import collapse_spaces


@dataclass(frozen=True)
class FurnitureSettings:
    # The section label sits entirely within this share of the page height from the top.
    section_band: float = 0.075
    # The slide heading starts within this share of the page height from the top.
    heading_band: float = 0.17
    # The slide heading's type is at least this many times the body type...
    heading_min_ratio: float = 1.25
    # ...and larger than the section label's by this share (a table caption is not).
    heading_over_section: float = 1.1
    # Lines of one wrapped heading are at most this many font sizes apart (top to top).
    heading_line_pitch: float = 1.6
    # The page number starts below this share of the page height.
    footer_band: float = 0.9


@dataclass
class PageFurniture:
    section: str | None = None
    heading: str | None = None
    printed_page_number: int | None = None
    # Indices (into the page's line list) of the lines used here.
    line_ids: set[int] = field(default_factory=set)


def body_size(lines: list[TextLine]) -> float:
    """The type size most of the page's characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.raw_text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _page_number(text: str) -> int | None:
    match = PRINTED_PAGE_NUMBER.match(text)
    return int(match.group(1)) if match else None  # int() reads full-width digits too


def find_furniture(
    lines: list[TextLine],
    page_top: float,
    page_height: float,
    candidates: set[int] | None = None,
    settings: FurnitureSettings = FurnitureSettings(),
) -> PageFurniture:
    """Pick the furniture out of ``lines``; ``candidates`` limits which indices may be used
    (lines already claimed by a table are left out by the caller)."""
    ids = [i for i in range(len(lines)) if candidates is None or i in candidates]
    furniture = PageFurniture()
    section_bottom = page_top + settings.section_band * page_height

    section_ids = [i for i in ids if lines[i].bottom <= section_bottom]
    if section_ids:
        section_ids.sort(key=lambda i: (round(lines[i].top), lines[i].x0))
        furniture.section = collapse_spaces(" ".join(lines[i].text for i in section_ids))
        furniture.line_ids.update(section_ids)
    section_size = max((lines[i].size for i in section_ids), default=0.0)

    footer_top = page_top + settings.footer_band * page_height
    numbers = [(i, _page_number(lines[i].raw_text)) for i in ids if lines[i].top >= footer_top]
    numbers = [(i, n) for i, n in numbers if n is not None]
    if numbers:
        # Several candidates (a date, a footnote number): the lowest, then rightmost wins.
        i, number = max(numbers, key=lambda item: (round(lines[item[0]].bottom), lines[item[0]].x1))
        furniture.printed_page_number = number
        furniture.line_ids.add(i)

    rest = [i for i in ids if i not in furniture.line_ids]
    size = body_size([lines[i] for i in rest])
    heading_top = page_top + settings.heading_band * page_height
    largest = max((lines[i].size for i in rest), default=0.0)
    heading_ids = [
        i
        for i in rest
        if lines[i].top <= heading_top
        and lines[i].size >= settings.heading_min_ratio * size
        and lines[i].size > settings.heading_over_section * section_size
        and lines[i].size >= largest - SAME_TYPE_SIZE_PT
    ]
    if heading_ids:
        heading_ids.sort(key=lambda i: lines[i].top)
        # Keep the first heading line and the wrapped lines right under it.
        chosen = heading_ids[:1]
        for i in heading_ids[1:]:
            prev = lines[chosen[-1]]
            if lines[i].top - prev.top <= settings.heading_line_pitch * prev.size:
                chosen.append(i)
        furniture.heading = join_wrapped_lines([lines[i].text for i in chosen])
        furniture.line_ids.update(chosen)
    return furniture
