"""Charts as data: generated charts in every drawing habit, then the real chart truth.

    .venv/bin/python -m bench.charts_bench tests/corpus/real

Generated: every chart of ``tests/chart_habits.CHARTS`` drawn in every habit of
``HABITS`` (a one-page PDF each) through the page stage, scored against the data it was
drawn from, as ``evaluation.charts`` scores real truth: charts found, printed values
recovered exactly, categories and series named. Real: every PDF with chart truth
(``<stem>.charts.yaml``), the same scores, plus false positives on annotated pages.
Targets (issue 20): generated values and names ≥ 0.99; real values ≥ 0.95, every chart found.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the chart generator lives with the tests

from evaluation.charts import ChartScore, chart_truth_pdfs, print_chart_scores, score_figures, score_file  # noqa: E402


def _truth_of(chart, habit) -> dict:
    """A generated chart as chart truth: only the values it prints."""
    series = [
        {
            "name": name,
            "values": [
                v if v is not None and habit.labels != "none" and v >= habit.min_label else None for v in values
            ],
        }
        for name, values in chart.series
    ]
    return {
        "page": 1,
        "caption": chart.caption,
        "bbox": [0, 0, 595, 842],
        "categories": list(chart.categories),
        "series": series,
    }


def generated_scores() -> ChartScore:
    import pdfplumber
    from chart_habits import CHARTS, HABITS, habit_for, render

    from extractors.page.extract import extract_page

    total = ChartScore(file="generated")
    with tempfile.TemporaryDirectory() as folder:
        for habit_name, base in HABITS.items():
            for chart_name, chart in CHARTS.items():
                habit = habit_for(chart, base)
                path = Path(folder) / f"{habit_name}-{chart_name}.pdf"
                path.write_bytes(render(chart, habit))
                with pdfplumber.open(path) as pdf:
                    figures = extract_page(pdf.pages[0], 1).figures
                # The whole page is the chart's: any figure on it overlaps the truth box.
                truth = {"charts": [_truth_of(chart, habit)]}
                score = score_figures(truth, figures, path.name, min_iou=0.0)
                total.add(score)
    return total


def main(argv: list[str]) -> int:
    folder = Path(next((a for a in argv if not a.startswith("-")), "tests/corpus/real"))
    started = time.perf_counter()
    generated = generated_scores()
    print(
        f"generated charts: {generated.charts} charts, found {generated.found_share:.4f}, values exact "
        f"{generated.values_share:.4f} ({generated.values_exact}/{generated.values}), categories named "
        f"{generated.categories_share:.4f}, series named {generated.series_share:.4f}, "
        f"false positives {generated.false_positives} ({time.perf_counter() - started:.1f}s)"
    )
    print()
    total = print_chart_scores([score_file(pdf) for pdf in chart_truth_pdfs(folder)])
    print(
        f"real charts: found {total.found}/{total.charts}, values exact {total.values_share:.4f} "
        f"({total.values_exact}/{total.values}), categories named {total.categories_share:.4f}, "
        f"series named {total.series_share:.4f}, false positives {total.false_positives}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
