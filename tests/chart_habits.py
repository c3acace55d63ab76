"""One chart's data, drawn the many ways producers draw bar charts (invariance fixtures).

A chart is plain data: categories, series (legend name and one value per category, None
where no bar is drawn), a caption and a unit (``Chart``). A drawing habit (``Habit``)
says how it is put on the page: bars across or up, value labels at the bar's end, inside
it or not printed, small segments left unlabelled, the legend under, over or beside the
plot, gridlines, an axis line, bars filled then stroked, labels drawn twice (a shadow),
Office-style thin bars. ``render`` writes the one-page PDF by hand (operators only, as in
``table_habits``), so each habit is exactly the operators a producer emits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from helpers import CidFont, one_page_pdf, text_width
from table_habits import PAGE_H, PAGE_W, text_line

SIZE = 9.0
COLOURS = ((0.0, 0.36, 0.69), (0.86, 0.3, 0.43), (0.4, 0.73, 0.72), (0.95, 0.75, 0.3), (0.6, 0.6, 0.6))


@dataclass(frozen=True)
class Chart:
    name: str
    caption: str
    kind: str  # bar | grouped-bar | stacked-bar | stacked-bar-100
    categories: tuple[str, ...]
    series: tuple[tuple[str | None, tuple[float | None, ...]], ...]
    unit: str = "%"
    axis_max: float = 100.0
    axis_step: float = 20.0
    note: str = "※調査対象：全回答者"


@dataclass(frozen=True)
class Habit:
    horizontal: bool = True
    labels: str = "end"  # end | inside | none
    legend: str = "below"  # below | above | beside | none
    gridlines: bool = False
    axis_line: bool = True
    ticks: bool = True
    stroke_bars: bool = False  # each bar filled, then the same rectangle stroked
    doubled_labels: bool = False  # each value label drawn twice at one place
    min_label: float = 0.0  # segments smaller than this print no label
    thickness: float = 14.0
    percent_ticks: bool = True  # ticks print "20%" (else "20" and the unit in brackets)
    total_gap: float = 0.0  # extra room after the first category (a total set apart)
    one_char_lines: bool = False  # labels under vertical bars set one character a line
    paths: bool = False  # each bar a closed path of four corners a hair off square (Office), not ``re``


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) or value < 1000 else f"{int(value):,}"


def _y(top: float) -> float:
    return round(PAGE_H - top, 3)


def _rect(x0: float, top: float, x1: float, bottom: float, colour, op: str = "f", path: bool = False) -> str:
    r, g, b = colour
    paint = f"{r} {g} {b} rg" if op == "f" else f"{r} {g} {b} RG 0.5 w"
    if path:
        corners = [(x0, bottom), (x1, bottom + 0.0001), (x1 + 0.0001, top), (x0, top)]
        drawn = " ".join(f"{x:.4f} {_y(y):.4f} {'m' if k == 0 else 'l'}" for k, (x, y) in enumerate(corners))
        return f"{paint} {drawn} h {op}"
    return f"{paint} {x0:.3f} {_y(bottom):.3f} {x1 - x0:.3f} {bottom - top:.3f} re {op}"


def _line(x0: float, top0: float, x1: float, top1: float, grey: float = 0.0) -> str:
    return f"{grey} {grey} {grey} RG 0.5 w {x0:.3f} {_y(top0):.3f} m {x1:.3f} {_y(top1):.3f} l S"


def _text(text: str, x: float, baseline: float, size: float = SIZE, colour=(0.0, 0.0, 0.0)) -> list[str]:
    return text_line(text, x, baseline, size, colour)


def _wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    lines = [""]
    for ch in text:
        if lines[-1] and text_width(lines[-1] + ch, size) > width:
            lines.append("")
        lines[-1] += ch
    return lines


def _bars(chart: Chart, habit: Habit):
    """(category, series, value start, value end) of every drawn segment."""
    out = []
    for c in range(len(chart.categories)):
        start = 0.0
        for s, (_, values) in enumerate(chart.series):
            value = values[c]
            if value is None:
                continue
            if chart.kind.startswith("stacked"):
                out.append((c, s, start, start + value))
                start += value
            else:
                out.append((c, s, 0.0, value))
    return out


def render_ops(chart: Chart, habit: Habit) -> list[str]:
    ops: list[str] = []
    grouped = chart.kind == "grouped-bar"
    n_series = len(chart.series)
    t = habit.thickness
    per_category = t * (n_series if grouped else 1)
    pitch = per_category + t * 0.9
    ops += _text(chart.caption, 72, 110, 11.0)
    top = 150.0 if habit.legend != "above" else 180.0
    if habit.legend == "above":
        _legend(chart, habit, ops, 80, 140, across=True)
    length = 240.0 if habit.horizontal else 260.0
    if habit.horizontal:
        base = 200.0
        scale = length / chart.axis_max
        plot_bottom = top + pitch * len(chart.categories) + habit.total_gap
        ticks_at = plot_bottom + 14
    else:
        base = top + 300.0  # the baseline, top-down
        scale = length / chart.axis_max
        left = 120.0

    def place(c: int, s: int) -> tuple[float, float]:
        first = (top if habit.horizontal else left) + pitch * c + t * 0.45 + (habit.total_gap if c else 0.0)
        offset = t * s if grouped else 0.0
        return first + offset, first + offset + t

    # gridlines and ticks
    n_ticks = int(round(chart.axis_max / chart.axis_step)) + 1
    for k in range(n_ticks):
        value = k * chart.axis_step
        label = _fmt(value) + (chart.unit if habit.percent_ticks and chart.unit == "%" else "")
        if habit.horizontal:
            x = base + value * scale
            if habit.gridlines and k:
                ops.append(_line(x, top, x, plot_bottom, 0.8))
            if habit.ticks:
                ops += _text(label, x - text_width(label, 8) / 2, ticks_at, 8)
        else:
            y = base - value * scale
            right = left + pitch * len(chart.categories) + habit.total_gap
            if habit.gridlines and k:
                ops.append(_line(left, y, right, y, 0.8))
            if habit.ticks:
                ops += _text(label, left - 6 - text_width(label, 8), y + 3, 8)
    if not (habit.percent_ticks and chart.unit == "%") and habit.ticks:
        unit = f"（{chart.unit}）"
        if habit.horizontal:
            ops += _text(unit, base + length + 20, ticks_at, 8)
        else:
            ops += _text(unit, left - 30, base - length - 12, 8)
    # bars, then their labels
    labels: list[tuple[str, float, float, tuple]] = []
    for c, s, v0, v1 in _bars(chart, habit):
        a, b = place(c, s)
        colour = COLOURS[s % len(COLOURS)]
        if habit.horizontal:
            box = (base + v0 * scale, a, base + v1 * scale, b)
        else:
            box = (a, base - v1 * scale, b, base - v0 * scale)
        ops.append(_rect(*box, colour, path=habit.paths))
        if habit.stroke_bars:
            ops.append(_rect(*box, colour, "S"))
        value = v1 - v0
        if habit.labels == "none" or value < habit.min_label:
            continue
        text = _fmt(value)
        w = text_width(text, 8)
        stacked = chart.kind.startswith("stacked")
        if habit.labels == "inside" or stacked:
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            labels.append((text, cx - w / 2, cy + 3, (1.0, 1.0, 1.0) if s == 0 else (0.0, 0.0, 0.0)))
        elif habit.horizontal:
            labels.append((text, box[2] + 3, (box[1] + box[3]) / 2 + 3, (0.0, 0.0, 0.0)))
        else:
            labels.append((text, (box[0] + box[2]) / 2 - w / 2, box[1] - 3, (0.0, 0.0, 0.0)))
    for text, x, baseline, colour in labels:
        ops += _text(text, x, baseline, 8, colour)
        if habit.doubled_labels:
            ops += _text(text, x, baseline, 8, colour)
    if habit.axis_line:
        if habit.horizontal:
            ops.append(_line(base, top, base, plot_bottom))
        else:
            ops.append(_line(left, base, left + pitch * len(chart.categories) + habit.total_gap, base))
    # category labels
    for c, label in enumerate(chart.categories):
        a = place(c, 0)[0]
        b = place(c, n_series - 1)[1] if grouped else place(c, 0)[1]
        if habit.horizontal:
            lines = _wrap(label, 130)
            mid = (a + b) / 2 - (len(lines) - 1) * 5.5
            for k, line in enumerate(lines):
                ops += _text(line, base - 6 - text_width(line, SIZE), mid + 3 + k * 11)
        else:
            lines = list(label) if habit.one_char_lines else _wrap(label, pitch - 2)
            for k, line in enumerate(lines):
                ops += _text(line, (a + b) / 2 - text_width(line, SIZE) / 2, base + 12 + k * 11)
    if habit.horizontal:
        bottom = ticks_at + 8
        right = base + length + 40
    else:
        deepest = max(
            len(label) if habit.one_char_lines else len(_wrap(label, pitch - 2)) for label in chart.categories
        )
        bottom = base + 4 + 11 * deepest
        right = left + pitch * len(chart.categories) + habit.total_gap
    if habit.legend == "below":
        _legend(chart, habit, ops, 80, bottom + 12, across=True)
        bottom += 24
    elif habit.legend == "beside":
        _legend(chart, habit, ops, right + 10, top + 10, across=False)
    ops += _text(chart.note, 60, bottom + 14, 7.5)
    return ops


def _legend(chart: Chart, habit: Habit, ops: list[str], x: float, top: float, across: bool) -> None:
    for s, (name, _) in enumerate(chart.series):
        if name is None:
            continue
        ops.append(_rect(x, top, x + 7, top + 7, COLOURS[s % len(COLOURS)]))
        ops += _text(name, x + 10, top + 7, 8)
        if across:
            x += 10 + text_width(name, 8) + 14
        else:
            top += 14


_FONTS = {"F1": "Helvetica", "F2": CidFont("KozMinPr6N-Regular")}


def render(chart: Chart, habit: Habit) -> bytes:
    """The one-page PDF of ``chart`` drawn in ``habit``."""
    return one_page_pdf("\n".join(render_ops(chart, habit)).encode("latin-1"), _FONTS, PAGE_W, PAGE_H)


CHARTS = {
    "single": Chart(
        "single",
        "図1-2 ハラスメント対策の実施状況",
        "bar",
        ("就業規則等で方針を明確化", "相談窓口の設置", "研修の実施（管理職・一般社員）", "その他", "特にない"),
        (("全体(n=1200)", (45.2, 30.1, 22.0, 8.7, 3.3)),),
        axis_max=50.0,
        axis_step=10.0,
    ),
    "grouped": Chart(
        "grouped",
        "図表4 取組を進める上での課題",
        "grouped-bar",
        ("判断が難しい", "経営層の理解不足", "顧客の理解不足", "ノウハウがない"),
        (("令和5年度(n=7475)", (59.6, 12.3, 10.1, 11.1)), ("令和2年度(n=6312)", (65.5, 12.5, None, 14.4))),
        axis_max=80.0,
        axis_step=20.0,
    ),
    "grouped3": Chart(
        "grouped3",
        "図2-1 相談先",
        "grouped-bar",
        ("同僚", "上司", "相談窓口", "家族・友人"),
        (
            ("全体(n=503)", (17.7, 16.0, 3.3, 20.1)),
            ("一度だけ(n=162)", (26.3, 18.4, None, 12.5)),  # no bar in the middle of a category
            ("何度も(n=133)", (21.1, 24.4, 5.6, 8.9)),
        ),
        axis_max=40.0,
        axis_step=10.0,
    ),
    "stacked100": Chart(
        "stacked100",
        "第1-2-3図 相談件数の増減",
        "stacked-bar-100",
        ("パワハラ(n=4988)", "セクハラ(n=3075)", "介護休業等ハラスメント(n=301)", "就活等セクハラ(n=54)"),
        (
            ("増加している", (19.6, 11.0, 12.3, 11.1)),
            ("変わらない", (30.2, 27.3, 30.2, 33.3)),
            ("減少している", (21.8, 31.4, 21.6, 20.4)),
            ("分からない", (27.2, 29.5, 35.1, 34.0)),
            ("無回答", (1.2, 0.8, 0.8, 1.2)),
        ),
    ),
    "stacked_counts": Chart(
        "stacked_counts",
        "＜図表7：相談の件数＞",
        "stacked-bar",
        ("2021年", "2022年", "2023年"),
        (("電話", (120.0, 150.0, 180.0)), ("メール", (60.0, 90.0, 140.0))),
        unit="件",
        axis_max=400.0,
        axis_step=100.0,
    ),
}

HABITS = {
    "across_end_labels": Habit(),
    "across_inside_labels": Habit(labels="inside", thickness=16.0),
    "across_gridlines_legend_above": Habit(gridlines=True, legend="above"),
    "across_legend_beside": Habit(legend="beside"),
    "across_filled_then_stroked": Habit(stroke_bars=True),
    "across_doubled_labels": Habit(doubled_labels=True),
    "across_office_thin": Habit(thickness=7.0, axis_line=False, gridlines=True),
    "across_no_labels": Habit(labels="none", gridlines=True),
    "across_unit_in_brackets": Habit(percent_ticks=False),
    "across_bars_as_paths": Habit(paths=True),
    "across_total_set_apart": Habit(total_gap=40.0),
    "up_total_set_apart_one_char_lines": Habit(horizontal=False, thickness=22.0, total_gap=30.0, one_char_lines=True),
    "up_bars_as_paths": Habit(horizontal=False, thickness=30.0, paths=True, gridlines=True),
    "up_end_labels": Habit(horizontal=False, thickness=30.0),
    "up_inside_labels_gridlines": Habit(horizontal=False, labels="inside", gridlines=True, thickness=30.0),
    "up_legend_above": Habit(horizontal=False, legend="above", thickness=30.0),
    "up_no_labels": Habit(horizontal=False, labels="none", thickness=30.0),
}

# Stacked charts leave their smallest segments unlabelled, as printed charts do.
SMALL_UNLABELLED = 2.0


def habit_for(chart: Chart, habit: Habit) -> Habit:
    return replace(habit, min_label=SMALL_UNLABELLED) if chart.kind.startswith("stacked") else habit
