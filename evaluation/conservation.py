"""Text conservation: is every printed character in the report, exactly once?

Needs no truth, so it runs on any PDF. Per page, the multiset of the text layer's
non-space characters is compared with the multiset of everything the report assigns to
that page: blocks (a chart's labels, values, ticks and legend among them, as blocks of
type "label"), table cells, captions, sub-headings, notes and call-outs, and the page
furniture (section label, heading, printed page number). A glyph the PDF draws
twice at one place (filled then stroked, a shadow) is one printed character, as the
report keeps it (pdfplumber's ``dedupe_chars``). Recall < 1 means text was lost,
precision < 1 that text was duplicated or invented.

Both sides go through the same normalisation: the project's own (radicals unified,
private-use bullet glyphs mapped), then NFKC so that full-width and compatibility forms
compare equal; bullet glyphs, dashes and whitespace are dropped, since the report keeps
a bullet as a block's ``marker`` rather than in its text. Table and Q&A joins
(``logical_tables``, ``qa_grids``) repeat table text and are not counted.

    python -m evaluation.conservation PDF...      # one line per file
"""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from docmodel.document import SurveyReport
from extractors.text.markers import BULLET_GLYPHS
from extractors.text.normalize import is_private_use, normalize_chars

# Glyphs a report may keep apart from the text (a block's marker): the project's bullet
# glyphs (printed and normalised), and the arrows and dashes office exports draw as bullets.
_MARKER_GLYPHS = set(BULLET_GLYPHS) | set("▫➤▶►→✔―")
DROPPED = frozenset(_MARKER_GLYPHS | {unicodedata.normalize("NFKC", c) for c in _MARKER_GLYPHS})


@dataclass(frozen=True)
class ConservationSettings:
    # A page below this recall or precision is listed as one of the file's worst pages.
    page_alarm: float = 0.98
    # How many of the worst pages a file's line names.
    worst_pages: int = 5


def conserved_chars(text: str | None) -> Counter:
    """The characters of ``text`` that conservation counts, as a multiset."""
    text = unicodedata.normalize("NFKC", normalize_chars(text or ""))
    return Counter(c for c in text if not c.isspace() and c not in DROPPED and not is_private_use(c))


@dataclass(frozen=True)
class PageConservation:
    page: int
    printed: int  # counted characters in the page's text layer
    reported: int  # counted characters the report assigns to the page
    matched: int  # characters on both sides (multiset intersection)

    @property
    def recall(self) -> float:
        return self.matched / self.printed if self.printed else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.reported if self.reported else 1.0


@dataclass
class FileConservation:
    file: str
    pages: list[PageConservation] = field(default_factory=list)
    # Pages read by OCR: no text layer to conserve (the OCR bench scores them against truth).
    ocr_pages: list[int] = field(default_factory=list)

    @property
    def printed(self) -> int:
        return sum(p.printed for p in self.pages)

    @property
    def recall(self) -> float:
        if not self.pages:  # every page read by OCR: nothing printed in a text layer
            return 1.0
        return sum(p.matched for p in self.pages) / max(self.printed, 1)

    @property
    def precision(self) -> float:
        if not self.pages:
            return 1.0
        return sum(p.matched for p in self.pages) / max(sum(p.reported for p in self.pages), 1)

    def worst(self, settings: ConservationSettings = ConservationSettings()) -> list[PageConservation]:
        """Pages below the alarm level, lowest recall or precision first."""
        low = [p for p in self.pages if min(p.recall, p.precision) < settings.page_alarm]
        return sorted(low, key=lambda p: min(p.recall, p.precision))[: settings.worst_pages]

    def summary(self, settings: ConservationSettings = ConservationSettings()) -> str:
        worst = " ".join(f"p{p.page}:{p.recall:.3f}/{p.precision:.3f}" for p in self.worst(settings))
        return f"{self.file}: {self.printed} chars, recall {self.recall:.4f}, precision {self.precision:.4f}" + (
            f"; worst (recall/precision) {worst}" if worst else ""
        )


def reported_texts(report: SurveyReport) -> Iterator[tuple[int, str]]:
    """(page, text) of every text the report assigns to a page."""
    for block in report.blocks:
        yield block.page, block.text
    for table in report.tables:
        yield table.page, table.caption or ""
        yield table.page, table.heading or ""
        for note in table.notes:
            yield table.page, note.text
        for callout in table.callouts:
            yield table.page, callout.text
        for row in table.rows:
            for cell in row:
                yield table.page, cell.text
    for page in report.pages:
        for value in (page.section, page.heading, page.printed_page_number):
            if value is not None:
                yield page.number, str(value)


def reported_chars_by_page(report: SurveyReport) -> dict[int, Counter]:
    by_page: dict[int, Counter] = {}
    for page, text in reported_texts(report):
        by_page.setdefault(page, Counter()).update(conserved_chars(text))
    return by_page


def printed_chars_by_page(pdf_path: Path | str) -> Iterator[tuple[int, Counter]]:
    """(page, characters) of the PDF's text layer, every char pdfplumber reads on the page."""
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            yield number, conserved_chars("".join(char["text"] for char in page.dedupe_chars().chars))
            page.close()


def conservation(pdf_path: Path | str, report: SurveyReport) -> FileConservation:
    reported = reported_chars_by_page(report)
    result = FileConservation(file=Path(pdf_path).name)
    read_by_ocr = {page.number for page in report.pages if page.text_source == "ocr"}
    for number, printed in printed_chars_by_page(pdf_path):
        if number in read_by_ocr:
            result.ocr_pages.append(number)
            continue
        have = reported.get(number, Counter())
        result.pages.append(
            PageConservation(
                page=number,
                printed=sum(printed.values()),
                reported=sum(have.values()),
                matched=sum((printed & have).values()),
            )
        )
    return result


def missing_and_extra(pdf_path: Path | str, report: SurveyReport, page: int) -> tuple[Counter, Counter]:
    """(lost, duplicated or invented) characters of one page, for finding a loss's cause."""
    have = reported_chars_by_page(report).get(page, Counter())
    with pdfplumber.open(pdf_path, pages=[page]) as pdf:
        printed = conserved_chars("".join(char["text"] for char in pdf.pages[0].dedupe_chars().chars))
    return printed - have, have - printed


def main(paths: Iterable[str]) -> int:
    from extractors.pipeline import extract_report
    from extractors.settings import PipelineSettings

    for path in paths:
        print(conservation(path, extract_report(path, PipelineSettings(nlp=False))).summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
