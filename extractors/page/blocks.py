"""Body text blocks: visual lines grouped into typed, logical blocks in reading order.

A block starts where the layout says so: a bullet glyph at the line start, a change of
type style (a heading is larger, bolder or coloured; a note is smaller or opens with ※),
a vertical gap wider than the line pitch, or a line that leaves the block's column.
Inside a block, hard wraps are joined (``join_wrapped_lines``); a line that stops short
of the column's right edge although the next word would have fit ends a logical line
("\\n" in ``text``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from docmodel.document import Block
from extractors.geometry import BBox, same_type_size
from extractors.page.colour import is_coloured
from extractors.page.lines import TextLine, first_unit_width
from extractors.text.captions import is_caption
from extractors.text.linebreak import join_wrapped_lines
from extractors.text.markers import BODY, NOTE_MARKS
from extractors.text.markers import split_marker as split_text_marker
from extractors.text.normalize import collapse_spaces, normalize_chars
from extractors.text.numbering import (
    Numbering,
    TocEntry,
    is_title_bracket,
    numbering_level,
    outline_families,
    read_numbering,
    read_toc_entry,
)

# Characters that end a sentence: a heading does not end with one.
SENTENCE_STOPS = frozenset("。．.!?！？")


@dataclass(frozen=True)
class BlockSettings:
    # A vertical gap (bottom to top) wider than this share of the font size ends a block;
    # wrapped lines in these decks sit ~0.2 em apart, separate items ~0.65 em.
    paragraph_gap: float = 0.45
    # Type this many times the body size or larger is a heading...
    heading_size_ratio: float = 1.04
    # ...and this many times or smaller is a note.
    note_size_ratio: float = 0.9
    # A marker glyph followed by a gap of at least this share of the font size is a
    # bullet even when the marker could also be text (・ ①).
    marker_gap: float = 0.25
    # A line ending this much (in font sizes) plus the next line's first word before the
    # column's right edge was broken on purpose: a new logical line.
    hard_break_slack: float = 1.0
    # On a page whose wrapped lines sit further apart, a block ends at a gap this many
    # times the usual wrap gap.
    wrap_gap_margin: float = 1.3
    # ...measured over at least this many forced wraps (the longest line of a short
    # list looks "full" too).
    min_wrap_samples: int = 3
    # A block in heading type over more lines than this is running text.
    max_heading_lines: int = 2
    # Bullet markers within this share of the font size share a nesting level.
    level_tolerance: float = 0.5


@dataclass(frozen=True)
class Style:
    size: float
    bold: bool
    color: tuple | None


@dataclass
class _Draft:
    """A block being assembled."""

    kind: str
    marker: str | None
    marker_x0: float
    lines: list[TextLine] = field(default_factory=list)
    # Raw text of each line with the marker cut off the first.
    texts: list[str] = field(default_factory=list)
    # Where a list item's text starts after its marker (its wrapped lines hang there).
    text_x0: float = 0.0
    # The numbering style of a numbered item (``numbering.Numbering.family``).
    family: str | None = None
    # Right edge of the column each stretch of lines sits in (a paragraph running from
    # one column into the next has two), and the line each stretch starts at.
    column_rights: list[float] = field(default_factory=list)
    column_starts: list[int] = field(default_factory=lambda: [0])

    def add_line(self, line: TextLine, text: str, right: float, next_column: bool) -> None:
        if next_column:
            self.column_starts.append(len(self.lines))
            self.column_rights.append(right)
        else:
            self.column_rights[-1] = max(self.column_rights[-1], right)
        self.lines.append(line)
        self.texts.append(text)

    def column_right(self, k: int) -> float:
        """Right edge of the column line ``k`` sits in."""
        return self.column_rights[sum(1 for start in self.column_starts if start <= k) - 1]


def style_of(line: TextLine) -> Style:
    return Style(round(line.size, 1), line.bold, line.color)


def body_style(lines: list[TextLine]) -> Style | None:
    """The style most characters are set in: the reference for headings and notes."""
    counts: Counter[Style] = Counter()
    for line in lines:
        counts[style_of(line)] += len(line.raw_text)
    return counts.most_common(1)[0][0] if counts else None


def split_marker(line: TextLine, settings: BlockSettings = BlockSettings()) -> tuple[str | None, str]:
    """Cut a leading bullet glyph off a line: (marker as printed, rest of the raw text).

    The printed gap after the glyph counts like a space (``markers.BODY``: ・ and ① are
    markers only when set apart from what follows; ・ also joins words, ① also opens a
    heading such as 「①その他」).
    """
    chars = [c for c in line.chars if c["text"].strip()]
    if len(chars) < 2:
        return None, line.raw_text
    first, second = chars[0], chars[1]
    gap_after = second["x0"] - first["x1"] >= settings.marker_gap * first["size"]
    marker, rest = split_text_marker(line.raw_text, BODY, gap_after)
    return (marker, rest) if marker is not None else (None, line.raw_text)


@lru_cache(maxsize=4096)
def _numbering(raw_text: str) -> Numbering | None:
    """The numbering a printed line opens with (read once per text: a line is asked
    again for every line that follows it in its block)."""
    return read_numbering(normalize_chars(collapse_spaces(raw_text)))


@lru_cache(maxsize=4096)
def _toc_entry(raw_text: str) -> TocEntry | None:
    return read_toc_entry(normalize_chars(collapse_spaces(raw_text)))


def _next_in_sequence(draft: _Draft, line: TextLine) -> bool:
    first = _numbering(draft.lines[0].raw_text)
    if first is None or first.value is None:
        return False
    this = _numbering(line.raw_text)
    return this is not None and this.family == first.family and this.value == first.value + 1


def _label_text_start(line: TextLine, settings: BlockSettings) -> float:
    """Where a line's text starts after a label set apart by a gap (「5  Diffusion…」,
    a footnote's number at a tab stop); 0 when the line has no such label."""
    if _numbering(line.raw_text) is None:
        return 0.0
    printed = [c for c in line.chars if c["text"].strip()]
    for prev, char in zip(printed, printed[1:], strict=False):
        if char["x0"] - prev["x1"] > settings.marker_gap * char["size"]:
            return char["x0"]
    return 0.0


def _text_start(line: TextLine) -> float:
    """Where a marked line's text starts: the second printed glyph (the first is the marker)."""
    printed = [c for c in line.chars if c["text"].strip()]
    return printed[1]["x0"] if len(printed) > 1 else line.x1


def _role(line: TextLine, body: Style, settings: BlockSettings) -> str:
    if line.raw_text[:1] in NOTE_MARKS:
        return "note"
    if line.size >= settings.heading_size_ratio * body.size:
        return "heading"
    if line.bold and not body.bold:
        return "heading"
    if line.size <= settings.note_size_ratio * body.size:
        return "note"
    if line.color != body.color and line.size >= body.size and is_coloured(line.color):
        return "heading"
    return "paragraph"


def _starts_new_block(
    draft: _Draft, line: TextLine, role: str, gap_limit: GapLimits, prev_right: float, settings: BlockSettings
) -> bool:
    """Whether ``line`` opens a new block after ``draft``; ``prev_right`` is the right edge
    of the column the draft's last line sits in."""
    prev = draft.lines[-1]
    # A table-of-contents line fills its line with leaders, and its page number ends it.
    if _toc_entry(prev.raw_text) is not None:
        return True
    # The next number of the item's own numbering (「4 …」 after 「3 …」) opens the next item.
    if _next_in_sequence(draft, line):
        return True
    # A line that stops short of its column's right edge although the next line's first
    # word would have fit ends its paragraph, whatever its last character. Not in a list
    # item: a line still hanging under its text is a new line of the same item (a new
    # paragraph there would have a marker of its own).
    hanging = draft.text_x0 > 0 and abs(line.x0 - draft.text_x0) <= settings.marker_gap * line.size
    if not hanging and not _is_forced_wrap(prev, prev_right, line, settings):
        return True
    # Wrapped lines of a bullet or a ※ note are set like a paragraph.
    if role != draft.kind and not (draft.kind in ("bullet", "note") and role == "paragraph"):
        return True
    if not same_type_size(line.size, prev.size):
        return True
    if line.top < prev.top:  # moved up: another text box
        return True
    if line.top - prev.bottom > gap_limit(prev.size) * max(line.size, prev.size):
        return True
    first = draft.lines[0]
    if line.x1 < first.x0 or line.x0 > max(ln.x1 for ln in draft.lines):  # another column
        return True
    indent = settings.marker_gap * line.size
    # Wrapped lines that hang under the first line's text (a bullet's, a numbered
    # footnote's): a line back at the first line's start opens the next item.
    if len(draft.lines) > 1 and line.x0 < first.x0 + indent and draft.lines[1].x0 > line.x0 + indent:
        return True
    # A first-line indent after wrapped lines opens the next paragraph.
    if draft.kind == "paragraph" and len(draft.lines) > 1 and line.x0 > prev.x0 + 2 * indent:
        return True
    return False


def _runs_on(draft: _Draft, line: TextLine, role: str, prev_right: float, settings: BlockSettings) -> bool:
    """Whether ``line``, first of the next column, continues ``draft`` from the foot of
    the last: the draft's last line was wrapped at its column's edge, and the line is
    set in the same type and role (where it sits on the page says nothing here)."""
    prev = draft.lines[-1]
    same_role = role == draft.kind or (draft.kind in ("bullet", "note") and role == "paragraph")
    return (
        same_role
        and same_type_size(line.size, prev.size)
        and _toc_entry(prev.raw_text) is None
        and not _next_in_sequence(draft, line)
        and _is_forced_wrap(prev, prev_right, line, settings)
    )


def _is_forced_wrap(line: TextLine, right: float, following: TextLine, settings: BlockSettings) -> bool:
    """Whether ``line`` stopped only because ``following``'s first word did not fit."""
    return right - line.x1 <= first_unit_width(following) + settings.hard_break_slack * line.size


def containers_of(lines: list[TextLine], frames: list[BBox]) -> list[int | None]:
    """The drawn frame (box, panel) each line sits in: the smallest that holds it. A line's
    glyph boxes may poke past a panel drawn tight around the text by up to half its type
    size (a last line's descent over the panel's foot) and still sit in it."""
    out: list[int | None] = []
    for line in lines:
        tol = max(1.0, line.size / 2)
        holding = [
            k
            for k, f in enumerate(frames)
            if f.x0 - tol <= line.x0
            and line.x1 <= f.x1 + tol
            and f.top - tol <= line.top
            and line.bottom <= f.bottom + tol
        ]
        out.append(min(holding, key=lambda k: frames[k].width * frames[k].height) if holding else None)
    return out


def _column_rights(lines: list[TextLine], containers: list[int | None]) -> list[float]:
    """Right edge of the text box each line sits in: the furthest any same-size line in
    the same frame, starting near it and overlapping it horizontally, reaches."""
    rights = []
    for line, container in zip(lines, containers, strict=True):
        reach = [
            other.x1
            for other, other_container in zip(lines, containers, strict=True)
            if other_container == container
            and same_type_size(other.size, line.size)
            and other.x0 < line.x1
            and other.x1 > line.x0
            and abs(other.x0 - line.x0) <= 2 * line.size
        ]
        rights.append(max([line.x1, *reach]))
    return rights


class GapLimits:
    """The block-ending gap (in font sizes) for each type size of a page.

    Slides set wrapped lines ~0.2 em apart; books may use 0.6 em or more, and one page
    mixes both (prose beside a figure's small labels). Measure the gap after forced wraps
    per type size and allow a little more than the usual one; a size with too few wraps
    to tell takes the page's, or the default.
    """

    def __init__(self, lines: list[TextLine], rights: list[float], settings: BlockSettings):
        self.settings = settings
        by_size: dict[float, list[float]] = {}
        for k in range(len(lines) - 1):
            a, b = lines[k], lines[k + 1]
            gap = b.top - a.bottom
            if (
                same_type_size(a.size, b.size)
                and 0 <= gap <= 1.5 * a.size
                and _is_forced_wrap(a, rights[k], b, settings)
            ):
                by_size.setdefault(round(a.size), []).append(gap / a.size)
        self.by_size = {size: self._limit(ratios) for size, ratios in by_size.items()}
        self.page = self._limit([r for ratios in by_size.values() for r in ratios])

    def _limit(self, ratios: list[float]) -> float | None:
        if len(ratios) < self.settings.min_wrap_samples:
            return None
        return max(self.settings.paragraph_gap, self.settings.wrap_gap_margin * median(ratios))

    def __call__(self, size: float) -> float:
        limit = self.by_size.get(round(size))
        if limit is None:
            limit = self.page
        return self.settings.paragraph_gap if limit is None else limit


def _join(draft: _Draft, settings: BlockSettings) -> str:
    """The block's normalised text: wraps joined, hard breaks kept as "\\n"."""
    logical: list[list[str]] = [[]]
    for k, (line, raw) in enumerate(zip(draft.lines, draft.texts, strict=False)):
        if k and not _is_forced_wrap(draft.lines[k - 1], draft.column_right(k - 1), line, settings):
            logical.append([])
        logical[-1].append(collapse_spaces(normalize_chars(raw)))
    return "\n".join(join_wrapped_lines(part) for part in logical if part)


def _levels(drafts: list[_Draft], settings: BlockSettings) -> dict[int, int]:
    """Nesting level of each bullet.

    By indent first: the rank of the marker's x among the page's marker stops. At one
    indent, a run of bullets that switches glyph (➢ item, then ・ items under it) nests
    the new glyph one level below the glyph that opened the run, as outliners do.
    """
    bullets = [d for d in drafts if d.kind == "bullet"]
    if not bullets:
        return {}
    tolerance = settings.level_tolerance * median(d.lines[0].size for d in bullets)
    stops: list[float] = []
    for x in sorted(d.marker_x0 for d in bullets):
        if not stops or x - stops[-1] > tolerance:
            stops.append(x)
    out: dict[int, int] = {}
    # Per marker stop in the current run of bullets: the level of its first bullet and
    # the glyphs seen there, outermost first.
    base: dict[int, int] = {}
    glyphs: dict[int, list[str]] = {}
    last: tuple[int, int] | None = None  # (stop, level) of the previous bullet
    for k, d in enumerate(drafts):
        if d.kind != "bullet":
            base, glyphs, last = {}, {}, None
            continue
        stop = max(i for i, x in enumerate(stops) if x <= d.marker_x0 + tolerance)
        for deeper in [s for s in base if s > stop]:
            del base[deeper], glyphs[deeper]
        if stop not in base:
            base[stop] = last[1] + 1 if last and stop > last[0] else stop
            glyphs[stop] = []
        # Numbered items count through one style (ア イ ウ), not a glyph each; a
        # table-of-contents entry may have no number.
        glyph = d.family or d.marker or ""
        if glyph not in glyphs[stop]:
            glyphs[stop].append(glyph)
        out[k] = base[stop] + glyphs[stop].index(glyph)
        last = (stop, out[k])
    return out


def _is_caption(draft: _Draft) -> bool:
    """A short line that opens with a figure/table number (a sentence that merely
    starts "表6-2に示す…" ends with 。 and is not one)."""
    if draft.kind not in ("heading", "paragraph", "note") or len(draft.lines) > 2:
        return False
    text = normalize_chars(" ".join(draft.texts)).strip()
    # A caption may open with a glyph (「■第１-２-４図」).
    unmarked = split_text_marker(text, BODY, gap_after=True)[1] if draft.marker is None else text
    return (is_caption(text) or is_caption(unmarked)) and not text.endswith("。")


def _numbering_of(draft: _Draft) -> Numbering | None:
    return _numbering(draft.texts[0]) if draft.texts else None


def _set_apart(text: str, numbering: Numbering) -> bool:
    """Whether a space (or a printed gap) separates the number from its text."""
    return text[len(numbering.marker) : len(numbering.marker) + 1].isspace()


def _stands_alone(draft: _Draft) -> bool:
    """One short line that does not end a sentence: a title, not the start of prose."""
    text = normalize_chars(draft.texts[0]).rstrip() if draft.texts else ""
    return len(draft.lines) == 1 and text[-1:] not in SENTENCE_STOPS


def _type_numbered(drafts: list[_Draft]) -> None:
    """Type numbered and bracketed lines by what follows them.

    A numbered line standing alone over a body set deeper (「（１）地域」 over 「全国」) is
    a heading and keeps its number; a run of numbered lines with no body under them
    (「ア …」「イ …」, counting up) is a list, each item with its marker; a bracketed title standing
    alone (「（目的）」) is a heading; a line ending in leaders and a page number is a
    table-of-contents entry (a list item). A number is printed text, so it stays in the
    item's text as well (only a bullet glyph is cut off).
    """
    numbered = [_numbering_of(d) if d.kind == "paragraph" else None for d in drafts]
    for k, draft in enumerate(drafts):
        if draft.kind != "paragraph":
            continue
        text = normalize_chars(collapse_spaces(" ".join(draft.texts)))
        toc = read_toc_entry(text) if len(draft.lines) == 1 else None
        if toc is not None:
            draft.kind = "bullet"
            draft.family = "toc"  # entries count through the contents, whatever their numbers
            if toc.marker:
                draft.marker = toc.marker
            continue
        if not _stands_alone(draft):
            # Running text opening with a number set apart from it (「第１条 この規程は…」,
            # 「２ 前項の…」) is a numbered clause: an item with its number as marker.
            clause = numbered[k]
            if clause is not None and clause.rest and _set_apart(text, clause):
                draft.kind, draft.marker, draft.family = "bullet", clause.marker, clause.family
                draft.marker_x0, draft.text_x0 = draft.lines[0].x0, draft.lines[0].x0
            continue
        if is_title_bracket(text):
            draft.kind = "heading"
            continue
        numbering = numbered[k]
        if numbering is None or not numbering.rest:
            continue
        after = drafts[k + 1] if k + 1 < len(drafts) else None
        below = numbered[k + 1] if after is not None else None
        body_below = (
            after is not None and below is None and after.lines[0].x0 > draft.lines[0].x0 + draft.lines[0].size / 2
        )
        subitems_below = below is not None and below.family != numbering.family
        in_run = any(_counts_on(numbering, numbered[j], j - k) for j in (k - 1, k + 1) if 0 <= j < len(drafts))
        if body_below or (subitems_below and not in_run):
            draft.kind = "heading"
        elif in_run:
            draft.kind, draft.marker = "bullet", numbering.marker
            draft.marker_x0 = draft.lines[0].x0
            draft.family = numbering.family


def _counts_on(numbering: Numbering, other: Numbering | None, step: int) -> bool:
    """Whether ``other`` is ``step`` places on from ``numbering`` in the same style
    (a list counts up: ア イ ウ, 1 2 3)."""
    return (
        other is not None
        and other.family == numbering.family
        and numbering.value is not None
        and other.value == numbering.value + step
    )


def _heading_levels(drafts: list[_Draft]) -> dict[int, int]:
    """Nesting level of each numbered heading, by the order its numbering style first
    appears (outliners' rule): 「１」 0, 「（１）」 1, 「ア」 2, back to 0 at the next 「２」."""
    heads = [(k, n) for k, d in enumerate(drafts) if d.kind == "heading" and (n := _numbering_of(d)) is not None]
    if not heads:
        return {}
    levels = numbering_level(outline_families([n for _, n in heads]))
    return {k: level for (k, _), level in zip(heads, levels, strict=True)}


def _is_prose(draft: _Draft, settings: BlockSettings) -> bool:
    """Whether a block set in heading type reads as running text: a heading stands
    alone in a line or two and does not end a sentence. (Where small figure labels
    outnumber the prose on a page, the prose is the larger type.)"""
    if len(draft.lines) > settings.max_heading_lines:
        return True
    text = normalize_chars("".join(draft.texts)).rstrip()
    return len(draft.lines) > 1 and text[-1:] in SENTENCE_STOPS


def build_blocks(
    lines: list[TextLine],
    page_number: int,
    settings: BlockSettings = BlockSettings(),
    frames: Sequence[BBox] = (),
    runs_on: Collection[int] = frozenset(),
) -> list[Block]:
    """Group body ``lines`` (in reading order, furniture and tables removed) into blocks.
    ``frames``: boxes drawn around text (a framed note, a panel); a block never crosses
    a frame's edge, and lines in a frame are measured against its width. ``runs_on``:
    indices of lines that start the next column, where a paragraph may run on from the
    line before (``layout.flowed_order``)."""
    body = body_style(lines)
    if body is None:
        return []
    containers = containers_of(lines, list(frames))
    rights = _column_rights(lines, containers)
    gap_limit = GapLimits(lines, rights, settings)
    drafts: list[_Draft] = []
    for k, (line, right) in enumerate(zip(lines, rights, strict=False)):
        crossed_frame = k > 0 and containers[k] != containers[k - 1]
        role = _role(line, body, settings)
        marker, rest = (None, line.raw_text)
        if role in ("paragraph", "note") and line.raw_text[:1] not in NOTE_MARKS:
            marker, rest = split_marker(line, settings)
        if marker is not None:
            drafts.append(_Draft("bullet", marker, line.x0, [line], [rest], _text_start(line), column_rights=[right]))
        elif (
            drafts
            and not crossed_frame
            and (
                _runs_on(drafts[-1], line, role, rights[k - 1], settings)
                if k in runs_on
                else not _starts_new_block(drafts[-1], line, role, gap_limit, rights[k - 1], settings)
            )
        ):
            drafts[-1].add_line(line, rest, right, next_column=k in runs_on)
        else:
            # A numbered note (a footnote) hangs its wrapped lines under its text, as a list item does.
            hang = _label_text_start(line, settings) if role == "note" else 0.0
            drafts.append(_Draft(role, None, line.x0, [line], [rest], text_x0=hang, column_rights=[right]))

    for draft in drafts:
        if _is_caption(draft):
            draft.kind = "caption"
        elif draft.kind == "heading" and _is_prose(draft, settings):
            draft.kind = "paragraph"
    _type_numbered(drafts)
    levels = _levels(drafts, settings)
    levels.update(_heading_levels(drafts))
    blocks = []
    for k, draft in enumerate(drafts):
        blocks.append(
            Block(
                page=page_number,
                type=draft.kind,
                marker=normalize_chars(draft.marker) if draft.marker else None,
                level=levels.get(k, 0),
                text=_join(draft, settings),
                raw_text="\n".join(ln.raw_text for ln in draft.lines),
                bbox=BBox.union(draft.lines),
            )
        )
    return blocks
