"""Score narrative blocks and page furniture against the corpus truth YAML.

    python -m evaluation tests/corpus     # every scorer, one extraction per file

Per file: the share of truth blocks (text slides) found on their page with exactly the
right text (after NFKC, whitespace runs collapsed to one space), the share of those with
the right type (and marker, for bullets), furniture accuracy (section, heading, printed
page number), and leaks: Kangxi/Supplement radicals or private-use code points in any
normalised output field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from docmodel.document import SurveyReport
from extractors.page.extract import PageExtraction
from extractors.text.normalize import is_private_use, is_radical, normalize_chars


def normalize_for_compare(text: str | None) -> str | None:
    if text is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def leaked_chars(text: str | None) -> list[str]:
    """Code points that must never reach a normalised field."""
    return [c for c in text or "" if is_radical(c) or is_private_use(c)]


@dataclass
class BlockScore:
    file: str
    truth_blocks: int = 0
    exact: int = 0
    type_ok: int = 0
    marker_checked: int = 0
    marker_ok: int = 0
    output_blocks: int = 0
    furniture_checked: int = 0
    furniture_ok: int = 0
    leaks: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exact_share(self) -> float:
        return self.exact / self.truth_blocks if self.truth_blocks else 1.0

    @property
    def type_accuracy(self) -> float:
        return self.type_ok / self.exact if self.exact else 1.0

    @property
    def marker_accuracy(self) -> float:
        return self.marker_ok / self.marker_checked if self.marker_checked else 1.0

    @property
    def precision(self) -> float:
        return self.exact / self.output_blocks if self.output_blocks else 1.0

    @property
    def furniture_accuracy(self) -> float:
        return self.furniture_ok / self.furniture_checked if self.furniture_checked else 1.0


def find_leaks(pages: list[PageExtraction]) -> list[str]:
    leaks = []
    for extraction in pages:
        fields = [("section", extraction.page.section), ("heading", extraction.page.heading)]
        for block in extraction.blocks:
            fields += [("text", block.text), ("marker", block.marker)]
        for name, value in fields:
            bad = leaked_chars(value)
            if bad:
                leaks.append(f"p{extraction.page.number} {name}: {' '.join(f'U+{ord(c):04X}' for c in bad)}")
    return leaks


def _check(score: BlockScore, got, want, label: str) -> None:
    score.furniture_checked += 1
    if got == want:
        score.furniture_ok += 1
    else:
        score.misses.append(f"{label}: got {got!r} want {want!r}")


def score_pages(name: str, pages: list[PageExtraction], truth: dict) -> BlockScore:
    score = BlockScore(file=name, leaks=find_leaks(pages))
    for number, slide in enumerate(truth["slides"], start=1):
        extraction = pages[number - 1] if number <= len(pages) else None
        page = extraction.page if extraction else None
        _check(
            score,
            normalize_for_compare(page.section if page else None),
            normalize_for_compare(slide.get("section")),
            f"p{number} section",
        )
        _check(score, page.printed_page_number if page else None, slide.get("page_number"), f"p{number} page_number")
        if slide["kind"] != "text":
            continue
        _check(
            score,
            normalize_for_compare(page.heading if page else None),
            normalize_for_compare(slide.get("heading")),
            f"p{number} heading",
        )
        blocks = list(extraction.blocks) if extraction else []
        score.output_blocks += len(blocks)
        unused = [(normalize_for_compare(b.text), b) for b in blocks]
        for want in slide["blocks"]:
            score.truth_blocks += 1
            text = normalize_for_compare(want["text"])
            hit = next((k for k, (t, _) in enumerate(unused) if t == text), None)
            if hit is None:
                score.misses.append(f"p{number} {want['type']}: {text[:60]!r}")
                continue
            block = unused.pop(hit)[1]
            score.exact += 1
            score.type_ok += block.type == want["type"]
            if want.get("marker") is not None:
                score.marker_checked += 1
                expected = normalize_for_compare(normalize_chars(want["marker"]))
                score.marker_ok += normalize_for_compare(block.marker) == expected
    return score


def pages_of(report: SurveyReport) -> list[PageExtraction]:
    """The report seen page by page, as the block scorer reads it."""
    return [
        PageExtraction(
            page=page,
            blocks=[b for b in report.blocks if b.page == page.number],
            tables=[t for t in report.tables if t.page == page.number],
        )
        for page in report.pages
    ]


def score_report(report: SurveyReport, truth: dict) -> BlockScore:
    return score_pages(report.source.file, pages_of(report), truth)
