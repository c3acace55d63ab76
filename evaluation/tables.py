"""Table scores against the truth YAML: TEDS, TEDS-Struct and exact cells.

TEDS follows PubTabNet (Zhong et al. 2020): tree edit distance between the HTML
trees (table → tr → td, td labelled with rowspan/colspan), renaming a td to a td of
the same spans costs the normalised Levenshtein distance of their contents, anything
else 1; TEDS = 1 - distance / max(node counts). Contents are compared after NFKC
with whitespace removed; TEDS-Struct ignores contents. A cell is exactly right when
the cell at the same grid position has the same spans and the same text (NFKC,
whitespace runs → one space).

    python -m evaluation tests/corpus     # every scorer, one extraction per file
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from apted import APTED, Config

from evaluation.truth import TruthCell, TruthTable, truth_tables
from extractors.text.normalize import normalize_chars


def levenshtein(a: str, b: str) -> int:
    """Edit distance, bit-parallel (Hyyrö 2001): fast on the long texts of answer grids."""
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b)
    m = len(a)
    full = (1 << m) - 1
    high = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


def teds_content(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", normalize_chars(text)))


def cell_content(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", normalize_chars(text))).strip()


class _Node:
    __slots__ = ("tag", "rowspan", "colspan", "content", "children")

    def __init__(self, tag: str, rowspan: int = 1, colspan: int = 1, content: str = "", children=None):
        self.tag, self.rowspan, self.colspan, self.content = tag, rowspan, colspan, content
        self.children = children or []


class _TedsConfig(Config):
    def __init__(self, structure_only: bool):
        self.structure_only = structure_only

    def rename(self, a: _Node, b: _Node) -> float:
        if a.tag != b.tag or a.rowspan != b.rowspan or a.colspan != b.colspan:
            return 1.0
        if a.tag != "td" or self.structure_only:
            return 0.0
        return _content_cost(a.content, b.content)

    def children(self, node: _Node):
        return node.children


@lru_cache(maxsize=1 << 16)
def _content_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return levenshtein(a, b) / max(len(a), len(b))


def _tree(rows: list[list[TruthCell]]) -> tuple[_Node, int]:
    trs = [_Node("tr", children=[_Node("td", c.rowspan, c.colspan, teds_content(c.text)) for c in row]) for row in rows]
    root = _Node("table", children=trs)
    return root, 1 + len(trs) + sum(len(tr.children) for tr in trs)


def teds(pred: list[list[TruthCell]], truth: list[list[TruthCell]], structure_only: bool = False) -> float:
    a, size_a = _tree(pred)
    b, size_b = _tree(truth)
    distance = APTED(a, b, _TedsConfig(structure_only)).compute_edit_distance()
    return max(0.0, 1.0 - distance / max(size_a, size_b))


def _positions(rows: list[list[TruthCell]]) -> dict[tuple[int, int], TruthCell]:
    """Grid position (row, col) of each cell's top-left corner, HTML layout rules."""
    covered: set[tuple[int, int]] = set()
    out: dict[tuple[int, int], TruthCell] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            out[(r, c)] = cell
            covered.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    return out


def cells_right(pred: list[list[TruthCell]], truth: list[list[TruthCell]]) -> tuple[int, int]:
    """(cells exactly right, truth cells)."""
    got = _positions(pred)
    right = 0
    want = _positions(truth)
    for pos, cell in want.items():
        other = got.get(pos)
        if (
            other
            and other.rowspan == cell.rowspan
            and other.colspan == cell.colspan
            and cell_content(other.text) == cell_content(cell.text)
        ):
            right += 1
    return right, len(want)


@dataclass
class TableScore:
    page: int
    caption: str | None
    teds: float
    teds_struct: float
    cells_right: int
    cells: int
    header_ok: bool
    caption_ok: bool
    around_ok: bool = False  # heading, notes, note position and call-outs all right


def _as_rows(table) -> list[list[TruthCell]]:
    return [[TruthCell(c.text, c.rowspan, c.colspan) for c in row] for row in table.rows]


def _norm(text: str | None) -> str | None:
    return None if text is None else teds_content(text)


def _around(table) -> tuple:
    callouts = [c if isinstance(c, str) else c.text for c in table.callouts]
    notes = [n if isinstance(n, str) else n.text for n in table.notes]
    return (
        _norm(table.heading),
        [_norm(n) for n in notes],
        table.note_position if table.notes else None,
        [_norm(c) for c in callouts],
    )


def match_tables(
    pages: list[int], rows: list[list[list[TruthCell]]], truths: list[TruthTable]
) -> list[tuple[TruthTable, int | None, float]]:
    """Each truth table against a table of its page: the best-TEDS pair of the page first,
    then the best of the rest (a table missed early in the page does not make every later
    truth table take its neighbour's match): (truth, index of the matched table or None,
    its TEDS), in truth order."""
    by_page: dict[int, list[int]] = {}
    for index, page in enumerate(pages):
        by_page.setdefault(page, []).append(index)
    pairs = sorted(
        (
            (teds(rows[index], truth.rows), -t, index)
            for t, truth in enumerate(truths)
            for index in by_page.get(truth.page, [])
        ),
        reverse=True,
    )
    matched: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, minus_t, index in pairs:
        if -minus_t in matched or index in used:
            continue
        matched[-minus_t] = (index, score)
        used.add(index)
    return [(truth, *(matched[t] if t in matched else (None, 0.0))) for t, truth in enumerate(truths)]


def score_predicted_tables(predicted: list, truth_doc: dict, name: str) -> dict:
    """Each truth table matched to the best-scoring unmatched table of its page."""
    truths: list[TruthTable] = truth_tables(truth_doc)
    rows = [_as_rows(table) for table in predicted]
    scores: list[TableScore] = []
    matches = match_tables([t.page for t in predicted], rows, truths)
    for truth, index, best_teds in matches:
        if index is None:
            scores.append(TableScore(truth.page, truth.caption, 0.0, 0.0, 0, len(_positions(truth.rows)), False, False))
            continue
        best = predicted[index]
        right, total = cells_right(rows[index], truth.rows)
        scores.append(
            TableScore(
                truth.page,
                truth.caption,
                best_teds,
                teds(rows[index], truth.rows, structure_only=True),
                right,
                total,
                best.header_rows == truth.header_rows,
                (_norm(best.caption), best.caption_id, best.part)
                == (_norm(truth.caption), truth.caption_id, truth.part),
                _around(best) == _around(truth),
            )
        )
    matched = sum(index is not None for _, index, _ in matches)
    n = max(len(scores), 1)
    return {
        "file": name,
        "tables": len(truths),
        "extra_tables": len(predicted) - matched,
        "teds": sum(s.teds for s in scores) / n,
        "teds_struct": sum(s.teds_struct for s in scores) / n,
        "cells_exact": sum(s.cells_right for s in scores) / max(sum(s.cells for s in scores), 1),
        "header_rows_ok": sum(s.header_ok for s in scores) / n,
        "caption_ok": sum(s.caption_ok for s in scores) / n,
        "around_ok": sum(s.around_ok for s in scores) / n,
        "per_table": scores,
    }


def mean_report(results: list[dict]) -> dict:
    keys = ("teds", "teds_struct", "cells_exact", "header_rows_ok", "caption_ok", "around_ok")
    n = max(len(results), 1)
    return {k: sum(r[k] for r in results) / n for k in keys}
