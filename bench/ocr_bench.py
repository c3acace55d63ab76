"""OCR: scanned synthetic surveys scored against their truth, seconds per OCR page, and
what the unreadable-page check costs a vector page.

    python -m bench.ocr_bench tests/corpus [--file NAME ...] [--dpi 200]

Per synthetic survey, a table page and the shortest Q&A grid (``evaluation.scans.
sample_pages``) are scanned (turned ±0.5°, blurred, speckled, JPEG) into an image-only
PDF and ingested; printed: character recall and precision per page (bag of characters,
NFKC, against the page's vector text layer), TEDS and cells exact of its tables and Q&A
cells exact (the scorers of ``evaluation``, on the truth cut to those pages), seconds
per OCR page. Then the text-layer check's time against a vector page's extraction.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

import extractors.page.extract as page_extract
from evaluation.qa import score_grids
from evaluation.scans import ScanSettings, char_precision, char_recall, sample_pages, scan_pdf, truth_of_pages
from evaluation.tables import score_predicted_tables
from evaluation.truth import load_truth
from extractors.page.text_layer import text_layer_of
from extractors.pipeline import extract_report
from extractors.settings import PipelineSettings

SETTINGS = PipelineSettings(nlp=False)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class OcrRecorder:
    """Wraps ``read_page`` in the page stage: each OCR page's chars, wall and CPU seconds
    (on a shared machine the wall clock measures the neighbours too)."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, float, float]] = []
        self._real = page_extract.read_page

    def __enter__(self) -> OcrRecorder:
        def recording(page, settings):
            started, cpu = time.perf_counter(), cpu_seconds()
            scanned = self._real(page, settings)
            text = "".join(c["text"] for c in scanned.chars)
            self.pages.append((text, time.perf_counter() - started, cpu_seconds() - cpu))
            return scanned

        page_extract.read_page = recording  # type: ignore[assignment]
        return self

    def __exit__(self, *exc) -> None:
        page_extract.read_page = self._real  # type: ignore[assignment]


def vector_text(pdf: Path, pages: list[int]) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return ["".join(c["text"] for c in document.pages[n - 1].chars) for n in pages]


def score_scan(pdf: Path, scan: ScanSettings, work: Path) -> dict:
    truth = load_truth(pdf.with_suffix(".yaml"))
    pages = sample_pages(truth)
    scanned = scan_pdf(pdf, work / f"{pdf.stem}-scan.pdf", pages, scan)
    with OcrRecorder() as recorder:
        report = extract_report(scanned, SETTINGS)
    cut = truth_of_pages(truth, pages)
    tables = score_predicted_tables(report.tables, cut, scanned.name)
    qa = score_grids(report.qa_grids, cut)
    texts = vector_text(pdf, pages)
    found = [text for text, _, _ in recorder.pages]
    recalls = [char_recall(got, want) for got, want in zip(found, texts, strict=True)]
    precisions = [char_precision(got, want) for got, want in zip(found, texts, strict=True)]
    return {
        "file": pdf.stem,
        "pages": pages,
        "ocr_pages": sum(p.text_source == "ocr" for p in report.pages),
        "recall": recalls,
        "precision": precisions,
        "teds": tables["teds"],
        "cells": tables["cells_exact"],
        "qa_cells": qa.answer_cell_accuracy,
        "qa_text": qa.question_text_accuracy,
        "seconds": [s for _, s, _ in recorder.pages],
        "cpu": [c for _, _, c in recorder.pages],
    }


def check_cost(pdf: Path, max_pages: int = 12) -> tuple[float, float]:
    """(seconds of the text-layer check, seconds of the page's extraction), summed over
    the first ``max_pages`` pages; the check runs on the parsed page (extraction parses
    its chars anyway), best of 5."""
    check = extract = 0.0
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages[:max_pages], start=1):
            started = time.perf_counter()
            page_extract.extract_page(page, number, SETTINGS)
            extract += time.perf_counter() - started
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                text_layer_of(page, SETTINGS.ocr.text_layer)
                runs.append(time.perf_counter() - started)
            check += min(runs)
            page.close()
    return check, extract


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--file", action="append", help="only these corpus stems (repeatable)")
    parser.add_argument("--dpi", type=float, default=ScanSettings.dpi, help="scan resolution")
    args = parser.parse_args(argv)
    pdfs = [p for p in sorted(args.corpus.glob("*.pdf")) if p.with_suffix(".yaml").exists()]
    if args.file:
        pdfs = [p for p in pdfs if p.stem in args.file]
    scan = ScanSettings(dpi=args.dpi)
    print(f"Scanned synthetic surveys ({scan.dpi:g} dpi grey, ±{scan.skew}°, blur, speckle, JPEG {scan.jpeg_quality}):")
    print("| file | pages | char recall (min) | precision | TEDS | cells exact | Q&A cells exact | s/OCR page (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            r = score_scan(pdf, scan, Path(tmp))
            results.append(r)
            print(
                f"| {r['file']} | {','.join(map(str, r['pages']))} | {statistics.mean(r['recall']):.3f} "
                f"({min(r['recall']):.3f}) | {statistics.mean(r['precision']):.3f} | {r['teds']:.3f} | "
                f"{r['cells']:.1%} | {r['qa_cells']:.1%} | {statistics.mean(r['seconds']):.1f} "
                f"({statistics.mean(r['cpu']):.1f}) |",
                flush=True,
            )
    if results:
        seconds = [s for r in results for s in r["seconds"]]
        cpu = [c for r in results for c in r["cpu"]]
        print(
            f"| mean | {len(seconds)} | {statistics.mean(x for r in results for x in r['recall']):.3f} "
            f"({min(x for r in results for x in r['recall']):.3f}) | "
            f"{statistics.mean(x for r in results for x in r['precision']):.3f} | "
            f"{statistics.mean(r['teds'] for r in results):.3f} | {statistics.mean(r['cells'] for r in results):.1%} | "
            f"{statistics.mean(r['qa_cells'] for r in results):.1%} | {statistics.mean(seconds):.1f} "
            f"({statistics.mean(cpu):.1f}; max {max(seconds):.1f} ({max(cpu):.1f})) |"
        )
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print("\nText-layer check on vector pages (first 12 pages per file):")
    total_check = total_extract = 0.0
    for pdf in pdfs:
        check, extract = check_cost(pdf)
        total_check += check
        total_extract += extract
        print(f"  {pdf.stem}: check {check * 1000:.1f} ms, extraction {extract:.2f} s ({check / extract:.2%})")
    if total_extract:
        print(f"  all: {total_check / total_extract:.2%} of a vector page's extraction (target < 2%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
