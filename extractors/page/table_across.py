"""Tables ruled across only: horizontal rules, no vertical segment anywhere.

A spreadsheet printed with bottom borders only, or a statistics table in the "booktabs"
style, draws a rule under each row (or row group) and none between the columns: the
grid finder, which needs rules both ways, sees nothing. Here the rules give the rows,
and the text gives the columns: a column border runs where no row has ink, all the way
down the table. A rule drawn across part of the table (under a header group, under the
rows beside a label spanning them) ends on a column border too.

A stack of rules is a table only on strong evidence, as a false table is worse than a
missed one: at least three rules one above the other, the outer two as wide as the
stack, a text gap running through every band, text in two columns of two bands.
Text printed across a column gap (a header spanning columns, a wrapped title) leaves no
gap: such a table is not read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from extractors.page.table_grid import Grid, GridSettings, Segment, recover_spans


@dataclass(frozen=True)
class AcrossSettings:
    # Rules of one table lie at most this many points apart (a tall row of wrapped text).
    max_band_height: float = 120.0
    # Inner rules lie within the outer ones' extent, and the outer two agree, to this (points).
    extent_tolerance: float = 2.0
    # A column gap is a strip free of ink in every band, at least this share of the
    # text's size wide (a word space is about a quarter of it).
    min_gap: float = 0.6
    # ...and text on both sides of it in at least this many bands.
    min_bands_each_side: int = 2
    # A row printed outside the outer rule (a spreadsheet with borders only between rows)
    # starts within this many of its type size of the rule ...
    max_outer_row_gap: float = 1.0
    # ... and holds text in at least this many of the table's columns.
    min_outer_row_columns: int = 2


def bridge_gutters(
    rules: list[Segment], max_gutter: float, snap: float
) -> tuple[list[Segment], dict[Segment, list[float]]]:
    """Rules broken only by gutters joined into one rule each, with where they broke.

    A DTP table set with column spacing draws a rule per column: collinear pieces with
    gaps narrower than ``max_gutter`` (no word fits) are one rule across the table, and
    its gutters are column borders."""
    joined: list[Segment] = []
    gutters: dict[Segment, list[float]] = {}
    run: Segment | None = None
    cuts: list[float] = []
    for seg in sorted(rules, key=lambda s: (round(s.pos / snap), s.start)):
        if run is not None and abs(seg.pos - run.pos) <= snap and 0 < seg.start - run.end <= max_gutter:
            cuts.append((run.end + seg.start) / 2)
            run = Segment(run.pos, run.start, seg.end, run.ruled)
            continue
        if run is not None:
            joined.append(run)
            gutters[run] = cuts
        run, cuts = seg, []
    if run is not None:
        joined.append(run)
        gutters[run] = cuts
    return joined, gutters


def _stack_gutters(stack: list[Segment], gutters: dict[Segment, list[float]], tol: float) -> list[float]:
    """Gutters the stack's rules break at in two rules or more: its column borders."""
    cuts = sorted(x for seg in stack for x in gutters.get(seg, []))
    out: list[float] = []
    for x in cuts:
        if sum(abs(x - y) <= tol for y in cuts) >= 2 and not any(abs(x - y) <= tol for y in out):
            out.append(x)
    return out


def _stacks(rules: list[Segment], settings: AcrossSettings) -> list[list[Segment]]:
    """Runs of rules one above the other: each opened by a rule, closed by the last rule
    as wide as it, the rules between lying within its extent."""
    tol = settings.extent_tolerance
    ordered = sorted(rules, key=lambda s: (s.pos, s.start))
    used: set[int] = set()  # rules already in a stack (several tables side by side interleave)
    out: list[list[Segment]] = []
    for i, top in enumerate(ordered):
        if i in used:
            continue
        run = [(i, top)]
        last_full = 0
        for j in range(i + 1, len(ordered)):
            seg = ordered[j]
            if j in used:
                continue
            if seg.start < top.start - tol or seg.end > top.end + tol:
                if seg.end > top.start and seg.start < top.end:
                    break  # a wider rule across the stack: another drawing
                continue  # beside the stack
            if seg.pos - run[-1][1].pos > settings.max_band_height:
                break
            run.append((j, seg))
            if abs(seg.start - top.start) <= tol and abs(seg.end - top.end) <= tol:
                last_full = len(run) - 1
        run = run[: last_full + 1]
        if len({round(seg.pos) for _, seg in run}) >= 3:
            used.update(j for j, _ in run)
            out.append([seg for _, seg in run])
    return out


def _ink_gaps(bands: list[list[dict]], x0: float, x1: float, min_gap: float, min_each_side: int) -> list[float]:
    """Column borders: the middle of each strip no band has ink in, with text on both
    sides in enough bands."""
    spans = sorted((c["x0"], c["x1"]) for band in bands for c in band)
    gaps: list[tuple[float, float]] = []
    reach = x0
    for lo, hi in spans:
        if lo - reach >= min_gap and reach > x0:
            gaps.append((reach, lo))
        reach = max(reach, hi)
    # Cells are padded alike: a column's text starts as far right of its border as the
    # first column's starts right of the table's edge (the rule's start).
    padding = min((min(c["x0"] for c in band) - x0 for band in bands if band), default=0.0)
    out = []
    for lo, hi in gaps:
        left = sum(any(c["x1"] <= lo for c in band) for band in bands)
        right = sum(any(c["x0"] >= hi for c in band) for band in bands)
        if left >= min_each_side and right >= min_each_side:
            out.append(hi - padding if lo < hi - padding else (lo + hi) / 2)
    return out


def _shaded_header(
    horizontals: list[Segment], x0: float, x1: float, top: float, settings: AcrossSettings
) -> float | None:
    """The top of a shaded header row standing on the stack's first rule (a fill as wide as
    the stack, its bottom edge on the rule, no rule on its top), or None."""
    tol = settings.extent_tolerance

    def as_wide(s: Segment) -> bool:
        return not s.ruled and abs(s.start - x0) <= tol and abs(s.end - x1) <= tol

    if not any(as_wide(s) and abs(s.pos - top) <= tol for s in horizontals):
        return None
    tops = [s.pos for s in horizontals if as_wide(s) and top - settings.max_band_height < s.pos < top - tol]
    return max(tops) if tops else None


def _outer_row(
    chars: list[dict], rules: list[Segment], x0: float, x1: float, edge: float, size: float, upward: bool, reach: float
) -> tuple[float, list[dict]] | None:
    """The far edge and the chars of the text printed just outside the outer rule at
    ``edge`` (above it when ``upward``): starting within ``reach`` of the rule, and on
    from there over gaps no wider than half a type size (a cell's wrapped lines, a label
    written down the cell), or None. Text running over the table's edge (a date line, a
    title) is no row of it; chars wholly beside the table (a mark printed left of the next
    table) are another drawing's."""
    sign = -1.0 if upward else 1.0

    def start(c: dict) -> float:  # distance from the rule to the char's near side
        return sign * ((c["bottom"] if upward else c["top"]) - edge)

    def end(c: dict) -> float:  # ... to its far side
        return sign * ((c["top"] if upward else c["bottom"]) - edge)

    ink = sorted(
        (c for c in chars if c["text"].strip() and start(c) >= -0.5 and c["x1"] > x0 + 0.5 and c["x0"] < x1 - 0.5),
        key=start,
    )
    row: list[dict] = []
    far = reach
    for c in ink:
        if start(c) > far:
            break
        row.append(c)
        far = max(far, end(c) + size / 2) if len(row) > 1 else end(c) + size / 2
    if any(c["x0"] < x - 0.5 and c["x1"] > x + 0.5 for c in row for x in (x0, x1)):
        return None
    if not row:
        return None
    depth = max(end(c) for c in row)
    # A rule between the row and the table belongs to another drawing.
    if any(1.0 < sign * (r.pos - edge) < depth and r.start < x1 and r.end > x0 for r in rules):
        return None
    pad = max(min(start(c) for c in row), 0.0)
    return edge + sign * (depth + pad), row


def _with_outer_rows(
    chars: list[dict],
    rules: list[Segment],
    bands: list[list[dict]],
    borders: list[float],
    x0: float,
    x1: float,
    ys: list[float],
    size: float,
    settings: AcrossSettings,
    header_top: float | None,
    gutters: list[float] = [],  # noqa: B006 (read only)
) -> tuple[list[float], list[float]]:
    """Column ``borders`` (the ink gaps of ``bands``) and row lines with the rows printed
    outside the outer rules added.
    Spreadsheets printed with borders between rows only leave the header or the total
    row outside the stack. Such a line is a row when the table's column gaps still run
    through it (its wider numbers may move a gap's edge, never close it: a caption or a
    title across the columns does) and it holds text in ``min_outer_row_columns``
    columns. A shaded header standing on the first rule (``header_top``) is a row as drawn."""
    reach = settings.max_outer_row_gap * size
    gaps = (settings.min_gap * size, settings.min_bands_each_side)
    ys = list(ys)
    outer = [(False, _outer_row(chars, rules, x0, x1, ys[-1], size, False, reach))]
    if header_top is not None:
        ys.insert(0, header_top)
    else:
        outer.append((True, _outer_row(chars, rules, x0, x1, ys[0], size, True, reach)))
    for upward, found in outer:
        if found is None:
            continue
        edge, line = found
        moved = _ink_gaps([*bands, line], x0, x1, *gaps)
        columns = {sum(x <= (c["x0"] + c["x1"]) / 2 for x in moved) for c in line}
        if len(moved) != len(borders) or len(columns) < settings.min_outer_row_columns:
            continue
        borders = moved
        bands = [line, *bands] if upward else [*bands, line]
        ys = [edge, *ys] if upward else [*ys, edge]
    near = settings.min_gap * size
    # A gutter is where the rules say the border is: an ink gap beside it is the same border.
    kept = [x for x in borders if not any(abs(x - g) <= 2 * near for g in gutters)]
    return [x0, *sorted(kept + gutters), x1], ys


def across_grids(
    horizontals: list[Segment],
    verticals: list[Segment],
    chars: list[dict],
    taken: list[Grid],
    settings: AcrossSettings = AcrossSettings(),
    grid_settings: GridSettings = GridSettings(),
) -> list[Grid]:
    """Grids of the stacks of rules that no ruled grid holds, columns from the text."""

    def free(seg: Segment) -> bool:
        return not any(
            g.ys[0] - grid_settings.snap_tolerance <= seg.pos <= g.ys[-1] + grid_settings.snap_tolerance
            and seg.start < g.xs[-1]
            and seg.end > g.xs[0]
            for g in taken
        )

    size = median([c["size"] for c in chars if c["text"].strip()] or [0.0])
    rules, gutters = bridge_gutters([h for h in horizontals if h.ruled and free(h)], size, grid_settings.dash_snap)
    out: list[Grid] = []
    for stack in _stacks(rules, settings):
        x0, x1 = stack[0].start, stack[0].end
        top, bottom = stack[0].pos, stack[-1].pos
        if any(v.ruled and x0 < v.pos < x1 and v.start < bottom and v.end > top for v in verticals):
            continue  # ruled down too: the grid finder's
        ys = sorted({round(s.pos, 1) for s in stack})
        inside = [
            c for c in chars if c["text"].strip() and x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top < c["top"] < bottom
        ]
        if not inside:
            continue
        bands = [[c for c in inside if a <= (c["top"] + c["bottom"]) / 2 < b] for a, b in zip(ys, ys[1:], strict=False)]
        size = median(c["size"] for c in inside)
        borders = _ink_gaps(bands, x0, x1, settings.min_gap * size, settings.min_bands_each_side)
        breaks = _stack_gutters(stack, gutters, settings.extent_tolerance)
        if not borders and not breaks:
            continue
        shaded = _shaded_header(horizontals, x0, x1, top, settings)
        xs, ys = _with_outer_rows(chars, rules, bands, borders, x0, x1, ys, size, settings, shaded, breaks)
        top, bottom = ys[0], ys[-1]
        downs = [Segment(x, top, bottom, False) for x in xs]  # borders of text, not ink
        cells = recover_spans(xs, ys, stack, downs, grid_settings)
        out.append(Grid(xs, ys, cells, stack, downs))
    return out
