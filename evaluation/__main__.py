"""Score every corpus PDF against its truth, one extraction per file; then the real
government PDFs of ``<corpus>/real`` against their table truth (``evaluation.realworld``),
block truth (``evaluation.real_blocks``) and chart truth (``evaluation.charts``);
then text conservation (truth-free) on every PDF under the folder, real ones included.

    python -m evaluation tests/corpus [--settings FILE] [--set section.field=value ...] [--rewritten]

The extraction is the pipeline's (``extract_report``) without NLP, with the defaults or
the given settings. ``--rewritten`` also scores every synthetic PDF re-written by other
PDF writers (``evaluation.rewritten``: pdftocairo, Ghostscript), default settings.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from docmodel.document import SurveyReport
from evaluation.blocks import BlockScore, score_report
from evaluation.charts import chart_truth_pdfs, print_chart_scores
from evaluation.charts import score_file as score_charts_file
from evaluation.conservation import FileConservation, conservation
from evaluation.leaks import report_leaks
from evaluation.qa import QAScore, score_grids
from evaluation.real_blocks import block_truth_pdfs, print_block_scores
from evaluation.real_blocks import score_file as score_blocks_file
from evaluation.realworld import print_real_scores, real_pdfs, score_real_file
from evaluation.tables import score_predicted_tables
from evaluation.truth import load_truth
from extractors.pipeline import extract_report
from extractors.settings import PipelineSettings, resolve_settings

# What the scores measure: extraction, not segmentation.
SCORING_SETTINGS = PipelineSettings(nlp=False)


@dataclass
class FileScores:
    file: str
    tables: dict
    blocks: BlockScore
    qa: QAScore
    leaks: list[str]
    seconds: float
    conservation: FileConservation


def score_file(
    pdf_path: Path, report: SurveyReport | None = None, settings: PipelineSettings = SCORING_SETTINGS
) -> FileScores:
    started = time.perf_counter()
    report = report or extract_report(pdf_path, settings)
    seconds = time.perf_counter() - started
    truth = load_truth(pdf_path.with_suffix(".yaml"))
    return FileScores(
        file=pdf_path.name,
        tables=score_predicted_tables(report.tables, truth, pdf_path.name),
        blocks=score_report(report, truth),
        qa=score_grids(report.qa_grids, truth),
        leaks=report_leaks(report),
        seconds=seconds,
        conservation=conservation(pdf_path, report),
    )


def corpus_pdfs(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.pdf")) if p.with_suffix(".yaml").exists()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description="Score every corpus PDF.")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("tests/corpus"))
    parser.add_argument("--settings", type=Path, help="pipeline settings, TOML or YAML")
    parser.add_argument("--set", action="append", default=[], dest="assignments", metavar="SECTION.FIELD=VALUE")
    parser.add_argument(
        "--rewritten", action="store_true", help="also score the synthetic PDFs re-written by pdftocairo / gs"
    )
    args = parser.parse_args(argv)
    folder = args.folder
    settings = resolve_settings(args.settings, args.assignments, SCORING_SETTINGS)
    header = (
        f"{'file':18} {'TEDS':>7} {'struct':>7} {'cells':>7} {'blocks':>7} {'qa cells':>8} {'qa text':>8} "
        f"{'leaks':>5} {'recall':>7} {'precis.':>7} {'sec':>6}"
    )
    print(header)
    conserved: dict[Path, FileConservation] = {}
    for pdf in corpus_pdfs(folder):
        s = score_file(pdf, settings=settings)
        conserved[pdf] = s.conservation
        print(
            f"{pdf.stem:18} {s.tables['teds']:7.4f} {s.tables['teds_struct']:7.4f} {s.tables['cells_exact']:7.4f} "
            f"{s.blocks.exact_share:7.4f} {s.qa.answer_cell_accuracy:8.4f} {s.qa.question_text_accuracy:8.4f} "
            f"{len(s.leaks):5d} {s.conservation.recall:7.4f} {s.conservation.precision:7.4f} {s.seconds:6.1f}"
        )
    real = real_pdfs(folder / "real")
    if real:
        print()
        print_real_scores([score_real_file(pdf) for pdf in real])
    with_blocks = block_truth_pdfs(folder / "real")
    if with_blocks:
        print()
        print_block_scores([score_blocks_file(pdf) for pdf in with_blocks])
    with_charts = chart_truth_pdfs(folder / "real")
    if with_charts:
        print()
        print_chart_scores([score_charts_file(pdf) for pdf in with_charts])
    print("\nText conservation (every printed character in the report once; recall/precision per file):")
    for pdf in sorted(Path(folder).rglob("*.pdf")):
        result = conserved.get(pdf) or conservation(pdf, extract_report(pdf, settings))
        print(f"  {result.summary()}", flush=True)
    if args.rewritten:
        from evaluation.rewritten import run as run_rewritten

        print("\nSynthetic PDFs re-written by other PDF writers (scored against the original truth):")
        run_rewritten(folder, out=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
