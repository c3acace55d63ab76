"""Chart data against real-world truth (``<stem>.charts.yaml``, see ``CHARTS-FORMAT.md``).

On each annotated page, every truth chart is matched to the reported figure on that page
whose box overlaps it most (intersection over union at least ``min_iou``). Then:

- found: truth charts matched;
- values exact: printed truth values (not null) the matched figure reports as the same
  number, read from a label (``measured`` false), at the same category and series;
- categories named / series named: truth labels equal to the figure's at the same place
  (text compared as the blocks scorer does: NFKC, radicals mapped, no whitespace);
- false positives: figures on annotated pages that match no truth chart.

Series are matched by name where both sides name them, else by order. Values the truth
leaves null are not scored (an extractor may measure an unlabelled bar).

    python -m evaluation.charts tests/corpus/real [-v]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docmodel.document import Figure
from evaluation.real_blocks import comparable


@dataclass
class ChartScore:
    file: str
    charts: int = 0
    found: int = 0
    false_positives: int = 0
    values: int = 0
    values_exact: int = 0
    categories: int = 0
    categories_named: int = 0
    series: int = 0
    series_named: int = 0
    captions: int = 0
    captions_exact: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: ChartScore) -> None:
        for name in (
            "charts",
            "found",
            "false_positives",
            "values",
            "values_exact",
            "categories",
            "categories_named",
            "series",
            "series_named",
            "captions",
            "captions_exact",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def found_share(self) -> float:
        return self.share(self.found, self.charts)

    @property
    def values_share(self) -> float:
        return self.share(self.values_exact, self.values)

    @property
    def categories_share(self) -> float:
        return self.share(self.categories_named, self.categories)

    @property
    def series_share(self) -> float:
        return self.share(self.series_named, self.series)


def charts_truth_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".charts.yaml")


def chart_truth_pdfs(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.pdf")) if charts_truth_path(p).exists()]


def _iou(a: list[float], b: list[float]) -> float:
    x0, top, x1, bottom = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(x1 - x0, 0.0) * max(bottom - top, 0.0)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area > 0 else 0.0


def _box(figure: Figure) -> list[float]:
    return [figure.bbox.x0, figure.bbox.top, figure.bbox.x1, figure.bbox.bottom]


def _series_pairs(truth: list[dict], figure: Figure) -> list[tuple[dict, int | None]]:
    """Each truth series with the index of the figure's series it is scored against."""
    names = [comparable(s.name) if s.name else None for s in figure.series]
    pairs: list[tuple[dict, int | None]] = []
    for k, series in enumerate(truth):
        name = comparable(series.get("name")) if series.get("name") else None
        if name is not None and name in names:
            pairs.append((series, names.index(name)))
        else:
            pairs.append((series, k if k < len(figure.series) else None))
    return pairs


def score_chart(truth: dict, figure: Figure | None, score: ChartScore) -> None:
    score.charts += 1
    values = [v for s in truth["series"] for v in s["values"] if v is not None]
    score.values += len(values)
    score.categories += len(truth["categories"])
    score.series += len(truth["series"])
    if truth.get("caption"):
        score.captions += 1
    label = f"p{truth['page']} {truth.get('caption') or ''}"[:40]
    if figure is None:
        score.misses.append(f"{label}: not found")
        return
    score.found += 1
    if truth.get("caption") and comparable(figure.caption) == comparable(truth["caption"]):
        score.captions_exact += 1
    for k, category in enumerate(truth["categories"]):
        if k < len(figure.categories) and comparable(figure.categories[k]) == comparable(category):
            score.categories_named += 1
        else:
            score.misses.append(f"{label}: category {k} {category!r}")
    for series, at in _series_pairs(truth["series"], figure):
        got = figure.series[at] if at is not None else None
        if got is not None and comparable(got.name) == comparable(series.get("name")):
            score.series_named += 1
        else:
            score.misses.append(f"{label}: series {series.get('name')!r}")
        for k, value in enumerate(series["values"]):
            if value is None:
                continue
            read = got.values[k] if got is not None and k < len(got.values) else None
            if read is not None and not read.measured and read.value is not None and abs(read.value - value) < 1e-9:
                score.values_exact += 1
            else:
                score.misses.append(f"{label}: value {series.get('name')!r}[{k}] {value} ≠ {read and read.value}")


def score_figures(truth: dict, figures: Iterable[Figure], file: str, min_iou: float = 0.3) -> ChartScore:
    """One file's figures (the report's, or a page stage's) against its chart truth."""
    score = ChartScore(file=file)
    figures = list(figures)
    annotated = {int(c["page"]) for c in truth.get("charts") or []}
    used: set[int] = set()
    for chart in truth.get("charts") or []:
        candidates = [
            (_iou(chart["bbox"], _box(f)), k)
            for k, f in enumerate(figures)
            if f.page == int(chart["page"]) and k not in used
        ]
        best = max(candidates, default=(0.0, -1))
        figure = figures[best[1]] if best[0] >= min_iou else None
        if figure is not None:
            used.add(best[1])
        score_chart(chart, figure, score)
    score.false_positives = sum(1 for k, f in enumerate(figures) if f.page in annotated and k not in used)
    return score


def score_file(pdf_path: Path) -> ChartScore:
    """The annotated pages of one PDF through the page stage, scored."""
    import pdfplumber

    from extractors.page.extract import extract_page

    truth = yaml.safe_load(charts_truth_path(pdf_path).read_text(encoding="utf-8"))
    figures: list[Figure] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number in sorted({int(c["page"]) for c in truth.get("charts") or []}):
            page = pdf.pages[number - 1]
            figures += extract_page(page, number).figures
            page.flush_cache()
    return score_figures(truth, figures, pdf_path.name)


def print_chart_scores(scores: list[ChartScore], out=sys.stdout, verbose: bool = False) -> ChartScore:
    print(
        f"{'real file (charts)':44} {'charts':>6} {'found':>6} {'values':>7} {'categ.':>7} {'series':>7} "
        f"{'caption':>7} {'false+':>6}",
        file=out,
    )
    total = ChartScore(file="pooled")
    for s in [*scores, total]:
        if s is total:
            for other in scores:
                total.add(other)
        print(
            f"{s.file.removesuffix('.pdf')[:44]:44} {s.charts:6d} {s.found_share:6.3f} {s.values_share:7.4f} "
            f"{s.categories_share:7.4f} {s.series_share:7.4f} {s.share(s.captions_exact, s.captions):7.3f} "
            f"{s.false_positives:6d}",
            file=out,
        )
        if verbose and s is not total:
            for miss in s.misses:
                print(f"    {miss}", file=out)
    return total


def main(argv: list[str]) -> int:
    folder = Path(next((a for a in argv if not a.startswith("-")), "tests/corpus/real"))
    print_chart_scores([score_file(pdf) for pdf in chart_truth_pdfs(folder)], verbose="-v" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
