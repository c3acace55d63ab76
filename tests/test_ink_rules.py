"""Rules from pixels: one grid drawn in several habits gives the same rules, a filled
block gives none, and the grid audit flags what the vector reading missed."""

from __future__ import annotations

import numpy as np
import pdfplumber
import pytest
from helpers import build_pdf

from evaluation.grid_audit import audit_pages
from extractors.page.ink_rules import InkRule, InkSettings, find_rules, lattices, page_rules

PAGE_HEIGHT = 792  # build_pdf's media box is US Letter
XS = [72.0, 172.0, 272.0, 372.0]  # column rules, points from the left
TOPS = [100.0, 130.0, 160.0, 190.0]  # row rules, points from the top
PIXEL = 72 / InkSettings().dpi  # one pixel at the finder's resolution, in points


def _y(top: float) -> float:
    return PAGE_HEIGHT - top


def _stroked_lines(dash: str = "") -> str:
    ops = [f"0 0 0 RG 0.75 w {dash}"]
    ops += [f"{XS[0]} {_y(t)} m {XS[-1]} {_y(t)} l S" for t in TOPS]
    ops += [f"{x} {_y(TOPS[0])} m {x} {_y(TOPS[-1])} l S" for x in XS]
    return "\n".join(ops)


def _thin_rects() -> str:
    ops = ["0 0 0 rg"]
    ops += [f"{XS[0]} {_y(t) - 0.4} {XS[-1] - XS[0]} 0.8 re f" for t in TOPS]
    ops += [f"{x - 0.4} {_y(TOPS[-1])} 0.8 {TOPS[-1] - TOPS[0]} re f" for x in XS]
    return "\n".join(ops)


def _cell_outlines() -> str:
    # Each cell its own box: a white fill, then the same box stroked (shared borders twice).
    ops = ["0 0 0 RG 0.75 w 1 1 1 rg"]
    for top, bottom in zip(TOPS, TOPS[1:], strict=False):
        for x0, x1 in zip(XS, XS[1:], strict=False):
            ops.append(f"{x0} {_y(bottom)} {x1 - x0} {bottom - top} re B")
    return "\n".join(ops)


def _gaps_between_fills() -> str:
    # Coloured cell fills 1.5 pt apart: the white gaps are the borders a reader sees.
    ops = ["0.25 0.4 0.7 rg"]
    for top, bottom in zip(TOPS, TOPS[1:], strict=False):
        for x0, x1 in zip(XS, XS[1:], strict=False):
            ops.append(f"{x0 + 0.75} {_y(bottom) + 0.75} {x1 - x0 - 1.5} {bottom - top - 1.5} re f")
    return "\n".join(ops)


HABITS = {
    "stroked lines": _stroked_lines(),
    "thin filled rects": _thin_rects(),
    "per-cell outlined rects": _cell_outlines(),
    "dashed rules": _stroked_lines("[3 2] 0 d"),
    "dotted rules": _stroked_lines("1 J [0 2.5] 0 d"),  # round dots, 2.5 pt apart
    "hairlines": _stroked_lines().replace("0.75 w", "0 w"),
}


def _rules_of(content: str, tmp_path) -> list[InkRule]:
    path = tmp_path / "page.pdf"
    path.write_bytes(build_pdf(content.encode("latin-1")))
    with pdfplumber.open(path) as pdf:
        return page_rules(pdf.pages[0])


def _positions(rules: list[InkRule], orientation: str) -> list[float]:
    return sorted(r.pos for r in rules if r.orientation == orientation)


@pytest.mark.parametrize("habit", list(HABITS))
def test_every_habit_gives_the_same_rules(habit, tmp_path):
    rules = _rules_of(HABITS[habit], tmp_path)
    across = _positions(rules, "h")
    down = _positions(rules, "v")
    assert len(across) == len(TOPS) and len(down) == len(XS), rules
    assert all(abs(a - b) <= PIXEL for a, b in zip(across, TOPS, strict=True)), across
    assert all(abs(a - b) <= PIXEL for a, b in zip(down, XS, strict=True)), down
    # Each rule runs the grid's whole width (height), give or take the corner pixels and
    # a dot pattern's phase (its last dot may fall short of the corner by one period).
    for rule in rules:
        ends = (XS[0], XS[-1]) if rule.orientation == "h" else (TOPS[0], TOPS[-1])
        assert abs(rule.start - ends[0]) <= 4 * PIXEL and abs(rule.end - ends[1]) <= 4 * PIXEL, rule
    (lattice,) = lattices(rules)
    assert len(lattice.xs) == len(XS) and len(lattice.ys) == len(TOPS)


def test_a_filled_block_is_no_rule(tmp_path):
    # Its sides are edges (contrast on one side only), its inside is flat: no rule at all.
    assert _rules_of("0.2 0.4 0.8 rg 100 300 200 150 re f 0 0 0 rg 150 100 120 60 re f", tmp_path) == []


def test_rules_on_a_fill_are_found_and_only_they(tmp_path):
    # A header fill with a white rule through it and a dark rule under it.
    content = (
        "0.6 0.75 0.9 rg 72 600 300 40 re f "
        "1 1 1 RG 1 w 72 620 m 372 620 l S "  # white on the fill: a border a reader sees
        "0 0 0 RG 0.75 w 72 560 m 372 560 l S"
    )
    rules = _rules_of(content, tmp_path)
    assert sorted((r.orientation, round(r.pos), r.light) for r in rules) == [("h", 172, True), ("h", 232, False)]


def test_a_plain_image_without_a_pdf():
    # The core reads any grayscale image (a scanned page): 2 px per point, a 2 px dark rule
    # across, a 1 px one down, a mid-grey block with a 2 px white gap through it.
    image = np.full((400, 600), 255, dtype=np.uint8)
    image[100:102, 40:560] = 0
    image[20:380, 300] = 30
    image[200:300, 40:260] = 120
    image[249:251, 40:260] = 255
    rules = find_rules(image, scale=2.0, origin=(10.0, 20.0))
    found = sorted((r.orientation, round(r.pos, 2), round(r.start), round(r.end), r.light) for r in rules)
    assert found == [
        ("h", 20.0 + 101 / 2, 10 + 20, 10 + 280, False),
        ("h", 20.0 + 250 / 2, 10 + 20, 10 + 130, True),
        ("v", 10.0 + 300.5 / 2, 20 + 10, 20 + 190, False),
    ]


def test_a_staircase_is_no_rule():
    # A chart's sloping series line renders as short horizontal runs, each starting where
    # the one above ends: one slanted shape, not a stack of rules.
    image = np.full((200, 400), 255, dtype=np.uint8)
    for step in range(10):
        image[50 + step, 20 + 30 * step : 50 + 30 * step] = 0
    assert find_rules(image, scale=1.0) == []


# --- The audit: vector reading against the ink.


def _text(cells: dict[tuple[int, int], str]) -> str:
    ops = []
    for (row, col), text in cells.items():
        ops.append(f"BT /F1 10 Tf {XS[col] + 6} {_y(TOPS[row + 1]) + 10} Td ({text}) Tj ET")
    return "\n".join(ops)


ALL_CELLS = {(r, c): f"R{r}C{c}" for r in range(3) for c in range(3)}


def _image_rule(x0: float, top: float, x1: float, bottom: float) -> str:
    # One black pixel stretched over the box: ink the table stage does not read as a rule.
    return f"q {x1 - x0} 0 0 {bottom - top} {x0} {_y(bottom)} cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q"


def _audit(content: str, tmp_path):
    path = tmp_path / "audited.pdf"
    path.write_bytes(build_pdf(content.encode("latin-1")))
    return audit_pages(str(path), 0, 1)


def test_the_audit_flags_a_border_the_table_stage_missed(tmp_path):
    # The border under row 0 in column 0 is printed as an image: the table stage merges
    # the two cells it separates, the ink shows it.
    ops = ["0 0 0 RG 0.75 w"]
    for k, top in enumerate(TOPS):
        start = XS[1] if k == 1 else XS[0]
        ops.append(f"{start} {_y(top)} m {XS[-1]} {_y(top)} l S")
    ops += [f"{x} {_y(TOPS[0])} m {x} {_y(TOPS[-1])} l S" for x in XS]
    ops.append(_image_rule(XS[0], TOPS[1] - 0.4, XS[1], TOPS[1] + 0.4))
    result = _audit("\n".join(ops) + "\n" + _text(ALL_CELLS), tmp_path)
    assert not result.errors
    kinds = [(f.kind, f.table) for f in result.findings]
    assert kinds == [("missed_border", "p1-t0")], result.findings
    assert "r0c0 (2x1)" in result.findings[0].detail and "R0C0" in result.findings[0].detail


def test_the_audit_flags_an_inked_grid_with_no_table(tmp_path):
    # Every rule an image: no table is extracted, the ink holds a 3 × 3 grid of text.
    ops = [_image_rule(XS[0], t - 0.4, XS[-1], t + 0.4) for t in TOPS]
    ops += [_image_rule(x - 0.4, TOPS[0], x + 0.4, TOPS[-1]) for x in XS]
    result = _audit("\n".join(ops) + "\n" + _text(ALL_CELLS), tmp_path)
    assert [f.kind for f in result.findings] == ["missed_table"], result.findings
    assert "3x3 inked lattice" in result.findings[0].detail


def test_the_audit_flags_a_hidden_column_rule_through_text(tmp_path):
    # A column rule painted over by a white box: the table stage splits at it, the reader
    # sees one column and words cut in two.
    hidden = f"0 0 0 RG 0.75 w 214 {_y(TOPS[0])} m 214 {_y(TOPS[-1])} l S"
    cover = f"1 1 1 rg 173 {_y(TOPS[-1])} 98 {TOPS[-1] - TOPS[0]} re f"
    cells = {**ALL_CELLS, **{(r, 1): f"Wide text {r} here" for r in range(3)}}
    result = _audit("\n".join([hidden, cover, _stroked_lines(), _text(cells)]), tmp_path)
    assert [f.kind for f in result.findings] == ["phantom_line"], result.findings
    assert "x=214.0" in result.findings[0].detail


def test_a_ruled_table_read_right_has_no_findings(tmp_path):
    result = _audit(_stroked_lines() + "\n" + _text(ALL_CELLS), tmp_path)
    assert result.pages == 1 and not result.errors and result.findings == []


def test_a_rule_that_stops_at_a_row_stays_cut():
    # A column rule broken at a spanning row (rules across above and below the row, the
    # row's white between them) is two rules; one crossing a dotted rule is not a break.
    image = np.full((300, 300), 255, dtype=np.uint8)
    image[100, 20:280] = 0
    image[112, 20:280] = 0
    image[20:100, 150] = 0
    image[113:280, 150] = 0
    downs = sorted((round(r.start), round(r.end)) for r in find_rules(image, scale=1.0) if r.orientation == "v")
    assert downs == [(20, 100), (113, 280)]
