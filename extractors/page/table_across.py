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

    rules = [h for h in horizontals if h.ruled and free(h)]
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
        if not borders:
            continue
        xs = [x0, *borders, x1]
        downs = [Segment(x, top, bottom, False) for x in xs]  # borders of text, not ink
        cells = recover_spans(xs, ys, stack, downs, grid_settings)
        out.append(Grid(xs, ys, cells, stack, downs))
    return out
