"""Score every corpus PDF against its truth, one extraction per file.

    python -m evaluation tests/corpus [--settings FILE] [--set section.field=value ...]

The extraction is the pipeline's (``extract_report``) without NLP, with the defaults or
the given settings.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from docmodel.document import SurveyReport
from evaluation.blocks import BlockScore, score_report
from evaluation.leaks import report_leaks
from evaluation.qa import QAScore, score_grids
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


def score_file(pdf_path: Path, report: SurveyReport | None = None,
               settings: PipelineSettings = SCORING_SETTINGS) -> FileScores:
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
    )


def corpus_pdfs(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.pdf")) if p.with_suffix(".yaml").exists()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description="Score every corpus PDF.")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("tests/corpus"))
    parser.add_argument("--settings", type=Path, help="pipeline settings, TOML or YAML")
    parser.add_argument("--set", action="append", default=[], dest="assignments", metavar="SECTION.FIELD=VALUE")
    args = parser.parse_args(argv)
    folder = args.folder
    settings = resolve_settings(args.settings, args.assignments, SCORING_SETTINGS)
    header = f"{'file':18} {'TEDS':>7} {'struct':>7} {'cells':>7} {'blocks':>7} {'qa cells':>8} {'qa text':>8} {'leaks':>5} {'sec':>6}"
    print(header)
    for pdf in corpus_pdfs(folder):
        s = score_file(pdf, settings=settings)
        print(f"{pdf.stem:18} {s.tables['teds']:7.4f} {s.tables['teds_struct']:7.4f} {s.tables['cells_exact']:7.4f} "
              f"{s.blocks.exact_share:7.4f} {s.qa.answer_cell_accuracy:8.4f} {s.qa.question_text_accuracy:8.4f} "
              f"{len(s.leaks):5d} {s.seconds:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
