"""Call-out boxes: summary text drawn over a table, not part of any cell.

Reports put a coloured text box on top of a table ("…している例が多い"). Its lines
are in another style than the table's text and the box straddles the table's rules
(it sits across rows or columns), which a cell's own text never does.

Where the box is drawn as a shape (a filled or stroked rect, a rounded path, drawn
before or after the table), the shape itself tells: a table's rules pass through it and
its sides are not on the table's rules, which no cell, cell fill or header band does.
Its text, which runs across the rules as no cell's text does, is a call-out whatever
its colour. A shape no table draws (an outline with nothing painted in it, or an
outlined path that is no rectangle: a speech bubble) needs no such text: each of its
lines may happen to sit inside one row, and it may reach past the table's edge.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from extractors.geometry import SAME_TYPE_SIZE_PT
from extractors.page.lines import TextLine
from extractors.page.table_grid import Grid, Segment, is_box_path, is_white
from extractors.text.linebreak import join_wrapped_lines


@dataclass(frozen=True)
class CalloutSettings:
    # Lines of one box are at most this many line heights apart vertically.
    max_line_gap: float = 1.0
    # A box crosses a rule when the rule lies this far (points) inside the box's extent.
    straddle_margin: float = 1.0


@dataclass(frozen=True)
class CalloutBoxSettings:
    # A shape's side lies on a rule when a rule runs within this many points of it.
    on_rule: float = 2.0
    # A call-out shape has at least this many sides off the table's rules (a cell fill none).
    min_sides_off_rules: int = 2
    # Shapes covering this share of the table's width and height are the table's frame.
    frame_share: float = 0.9


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
            "x0": min(line.x0 for line in self.lines),
            "top": min(line.top for line in self.lines),
            "x1": max(line.x1 for line in self.lines),
            "bottom": max(line.bottom for line in self.lines),
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


def find_callouts(
    table_lines: list[TextLine], grid: Grid, settings: CalloutSettings = CalloutSettings()
) -> list[Callout]:
    """Boxes of off-colour lines inside the table drawn over it: they straddle its rules,
    or (emphasised, written after every cell) sit inside one cell.

    A line's ``char_ids`` are the chars' content-stream indices.
    """
    weight: Counter[tuple] = Counter()
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


def _ruled(segments: list[Segment]) -> list[Segment]:
    return [s for s in segments if s.ruled]


def _side_on_rule(pos: float, start: float, end: float, segments: list[Segment], tol: float) -> bool:
    return any(abs(s.pos - pos) <= tol and s.start < end - tol and s.end > start + tol for s in segments)


def _drawn_around_text(shape: dict) -> bool:
    """A shape no table draws: an outline with nothing painted inside it, or an outlined
    path that is no rectangle (a speech bubble, a box with a pointer). Either may reach
    past the table's edge; a cell, cell fill or header band is a painted rectangle (and a
    fill-only blob is decoration behind the cells)."""
    if not shape.get("stroke"):
        return False
    free_form = shape.get("object_type") == "curve" and not is_box_path(shape)
    return free_form or not shape.get("fill") or is_white(shape)


def callout_boxes(
    shapes: list[dict], grid: Grid, lines: list[TextLine], settings: CalloutBoxSettings = CalloutBoxSettings()
) -> list[dict]:
    """Shapes over the table with text of their own, drawn across its rules."""
    box = grid.bbox
    horizontals, verticals = _ruled(grid.horizontals), _ruled(grid.verticals)
    ruled = Grid(grid.xs, grid.ys, grid.cells, horizontals, verticals)
    width, height = box["x1"] - box["x0"], box["bottom"] - box["top"]
    tol = settings.on_rule
    out: list[dict] = []
    for shape in shapes:
        x0, top, x1, bottom = shape["x0"], shape["top"], shape["x1"], shape["bottom"]
        if x0 >= box["x1"] or x1 <= box["x0"] or top >= box["bottom"] or bottom <= box["top"]:
            continue
        around_text = _drawn_around_text(shape)
        inside_table = (
            x0 >= box["x0"] - tol
            and x1 <= box["x1"] + tol
            and top >= box["top"] - tol
            and bottom <= box["bottom"] + tol
        )
        if not inside_table and not around_text:
            continue
        if x1 - x0 >= settings.frame_share * width and bottom - top >= settings.frame_share * height:
            continue
        shape_box: dict = {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
        if shape.get("object_type") == "curve" and not is_box_path(shape):
            shape_box["pts"] = list(shape.get("pts") or [])  # a bubble's pointer widens its bbox
        if not _crosses_rule(shape_box, ruled, tol):
            continue
        sides_on = (
            _side_on_rule(top, x0, x1, horizontals, tol)
            + _side_on_rule(bottom, x0, x1, horizontals, tol)
            + _side_on_rule(x0, top, bottom, verticals, tol)
            + _side_on_rule(x1, top, bottom, verticals, tol)
        )
        if 4 - sides_on < settings.min_sides_off_rules:
            continue
        inside = [line for line in lines if _holds(shape_box, line)]
        if around_text:
            in_table = [line for line in lines if _holds(box, line) and not _holds(shape_box, line)]
            inside = _callout_lines(inside, in_table)
        # A filled box's text runs across the rules too (a heat-map fill or a bar spanning
        # cells holds one figure per cell); a box drawn around text needs only the text.
        if (around_text and inside) or any(
            _crosses_rule({"x0": t.x0, "top": t.top, "x1": t.x1, "bottom": t.bottom}, ruled, tol) for t in inside
        ):
            out.append(shape_box)
    return out


def _in_polygon(x: float, y: float, pts: list[tuple[float, float]]) -> bool:
    """Even-odd rule: a ray to the right crosses the outline an odd number of times."""
    inside = False
    for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1], strict=True):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def _holds(box: dict, line: TextLine) -> bool:
    """Whether the line's centre lies in the box (in its outline, for a path that is no
    rectangle: a bubble's pointer reaches over cells its text does not)."""
    x, y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    if not (box["x0"] <= x <= box["x1"] and box["top"] <= y <= box["bottom"]):
        return False
    pts = box.get("pts")
    return _in_polygon(x, y, pts) if pts and len(pts) >= 3 else True


def _callout_lines(inside: list[TextLine], others: list[TextLine]) -> list[TextLine]:
    """The lines of a call-out among those its shape covers: its text is set in one size
    (the size of its longest line); a line in another size that is the cells' size (of
    the table's lines around the shape) is a cell's own that the shape lies over."""
    if not inside or not others:
        return inside
    main = max(inside, key=lambda line: len(line.chars)).size
    sizes = sorted(line.size for line in others)
    cells = sizes[len(sizes) // 2]
    return [
        line
        for line in inside
        if abs(line.size - main) <= SAME_TYPE_SIZE_PT or abs(line.size - cells) > SAME_TYPE_SIZE_PT
    ]


def lines_in_boxes(lines: list[TextLine], boxes: list[dict]) -> list[Callout]:
    """One call-out per box: the lines whose centre lies in it (``lines``: the table's),
    written apart from the cells around it."""
    out = []
    for box in boxes:
        inside = [line for line in lines if _holds(box, line)]
        inside = _callout_lines(inside, [line for line in lines if not _holds(box, line)])
        if inside:
            out.append(Callout(inside))
    return out
