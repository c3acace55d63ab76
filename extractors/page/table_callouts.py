"""Call-out boxes: summary text drawn over a table, not part of any cell.

Reports put a coloured text box on top of a table ("…している例が多い"). Its lines
are in another style than the table's text and the box straddles the table's rules
(it sits across rows or columns), which a cell's own text never does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from extractors.page.lines import TextLine
from extractors.text.linebreak import join_wrapped_lines
from extractors.page.table_grid import Grid


@dataclass(frozen=True)
class CalloutSettings:
    # Lines of one box are at most this many line heights apart vertically.
    max_line_gap: float = 1.0
    # A box crosses a rule when the rule lies this far (points) inside the box's extent.
    straddle_margin: float = 1.0


@dataclass
class Callout:
    lines: list[TextLine]

    @property
    def raw_text(self) -> str:
        return "\n".join(line.raw_text for line in self.lines)

    @property
    def text(self) -> str:
        return join_wrapped_lines([line.text for line in self.lines])

    @property
    def bbox(self) -> dict:
        return {
            "x0": min(line.x0 for line in self.lines), "top": min(line.top for line in self.lines),
            "x1": max(line.x1 for line in self.lines), "bottom": max(line.bottom for line in self.lines),
        }


def _style(line: TextLine) -> tuple:
    return (line.color, round(line.size, 1), line.bold)


def _crosses_rule(box: dict, grid: Grid, margin: float) -> bool:
    for seg in grid.horizontals:
        if box["top"] + margin < seg.pos < box["bottom"] - margin and seg.start < box["x1"] and seg.end > box["x0"]:
            return True
    for seg in grid.verticals:
        if box["x0"] + margin < seg.pos < box["x1"] - margin and seg.start < box["bottom"] and seg.end > box["top"]:
            return True
    return False


def find_callouts(table_lines: list[TextLine], grid: Grid,
                  settings: CalloutSettings = CalloutSettings()) -> list[Callout]:
    """Boxes of off-colour lines inside the table drawn over it: they straddle its rules,
    or (emphasised, written after every cell) sit inside one cell.

    A line's ``char_ids`` are the chars' content-stream indices.
    """
    weight = Counter()
    for line in table_lines:
        weight[_style(line)] += len(line.chars)
    if not weight:
        return []
    # Cell text may be bold or bigger (headers); a call-out is in another colour.
    body_color = weight.most_common(1)[0][0][0]
    candidates = [line for line in table_lines if line.color != body_color]
    boxes: list[list[TextLine]] = []
    for line in candidates:  # content-stream order: a box's lines come together
        if boxes:
            last = boxes[-1][-1]
            near = line.top - last.bottom <= settings.max_line_gap * line.size
            overlaps = line.x0 < last.x1 and line.x1 > last.x0
            if _style(line) == _style(last) and near and overlaps and line.top >= last.top:
                boxes[-1].append(line)
                continue
        boxes.append([line])
    body = [line for line in table_lines if line.color == body_color]
    body_last = max((i for line in body for i in line.char_ids), default=-1)
    body_size = max((line.size for line in body), default=0.0)
    out = []
    for box in boxes:
        callout = Callout(box)
        first = min(i for line in box for i in line.char_ids)
        emphasised = box[0].bold or box[0].size > body_size + 0.25
        if _crosses_rule(callout.bbox, grid, settings.straddle_margin) or (emphasised and first > body_last):
            out.append(callout)
    return out

