"""Time the GiNZA segmentation stage against bare ``nlp.pipe`` on one report's text units.

    .venv/bin/python -m bench.nlp_bench tests/corpus/source-report.pdf [--repeat N] [--n-process N]
        [--baseline REV [--rounds N]]

Ours: ``segment_texts`` over every unit text (blank units skipped, identical texts
analysed once, long texts cut, results converted to the document model). Bare:
``nlp.pipe`` over exactly the texts our stage hands the model (the same distinct, cut
texts), with the same components enabled, docs consumed and nothing else. The ratio
is then the cost of our wrapping alone; what deduplication saves is shown apart (units
vs texts the model saw).

``--baseline REV``: the whole NLP stage of today's checkout against revision REV's (a
git worktree), each in a fresh process (``bench/nlp_stage.py``), alternating, best of
``--rounds``: CPU seconds, their ratio (goal ``BASELINE_RATIO_GOAL``), and whether every
text today analyses got the same tokens, sentences, entities and phrases as at REV.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractors.nlp.segment import (
    SegmentSettings,
    disabled_pipes,
    load_nlp,
    model_texts,
    one_blas_thread,
    report_units,
    segment_texts,
)
from extractors.nlp.segment_chunks import split_for_sudachi
from extractors.pipeline import extract_report
from extractors.settings import PipelineSettings

RATIO_GOAL = 1.2
# Issue 12: the NLP stage at most 0.6x the CPU of the stage before format 2-0-0.
BASELINE = "3a1ae12^"
BASELINE_RATIO_GOAL = 0.6
ROOT = Path(__file__).resolve().parent.parent


def build_report(pdf_path: Path, settings: PipelineSettings):
    """The report the pipeline makes before its segment stage."""
    return extract_report(pdf_path, settings.model_copy(update={"nlp": False}))


def collect_units(report) -> tuple[list[str], list[bool]]:
    """Text and phrases flag of every text unit of ``report`` (a SurveyReport)."""
    units, flags = report_units(report)
    return [u.text for u in units], flags


def bare_inputs(texts: list[str], flags: list[bool], settings: SegmentSettings) -> dict[bool, list[str]]:
    return {
        flag: [text[a:b] for text in todo for a, b in split_for_sudachi(text, settings.chunks)]
        for flag, todo in model_texts(texts, flags).items()
    }


def run_bare(nlp, inputs: dict[bool, list[str]], settings: SegmentSettings, n_process: int) -> int:
    tokens = 0
    with one_blas_thread():  # as segment_texts runs the model
        for flag, todo in inputs.items():
            for doc in nlp.pipe(
                todo, disable=disabled_pipes(nlp, flag), batch_size=settings.batch_size, n_process=n_process
            ):
                tokens += sum(1 for t in doc if not t.text.isspace())
    return tokens


def run_stage(checkout: Path, pdf: Path, dump: Path) -> dict:
    """``bench/nlp_stage.py`` in a fresh process on ``checkout``'s code: its figures."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(ROOT / "bench" / "nlp_stage.py"), str(pdf.resolve()), "--dump", str(dump)]
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare_with_baseline(pdf: Path, revision: str, rounds: int) -> None:
    """Print today's NLP stage CPU against ``revision``'s and whether today's analyses equal its."""
    known = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True
    )
    if known.returncode != 0:
        print(f"baseline {revision} is not in this clone (shallow?): comparison skipped")
        return
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(base), revision], check=True
        )
        try:
            figures: dict[str, list[dict]] = {"baseline": [], "today": []}
            for _ in range(rounds):  # alternating, so a busy spell costs both sides alike
                for side, checkout in (("baseline", base), ("today", ROOT)):
                    figures[side].append(run_stage(checkout, pdf, Path(scratch) / f"{side}.json"))
            analyses = {side: json.loads((Path(scratch) / f"{side}.json").read_text()) for side in figures}
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=True)
    best = {side: min(runs, key=lambda f: f["cpu"]) for side, runs in figures.items()}
    print(f"NLP stage of {pdf.name}, today vs {revision} (fresh process each, best of {rounds} alternating rounds):")
    for side, label in (("baseline", revision), ("today", "today")):
        f = best[side]
        print(f"  {label:>10}: {f['cpu']:.2f} s CPU, {f['wall']:.2f} s wall; {f['units']} units, {f['tokens']} tokens")
    ratio = best["today"]["cpu"] / best["baseline"]["cpu"]
    verdict = "OK" if ratio <= BASELINE_RATIO_GOAL else "OVER"
    print(f"  ratio today/{revision} (CPU): {ratio:.3f} (goal <= {BASELINE_RATIO_GOAL}) {verdict}")
    ours, theirs = analyses["today"], analyses["baseline"]
    same = sum(1 for key, found in ours.items() if theirs.get(key) == found)
    missing = sum(1 for key in ours if key not in theirs)
    print(
        f"  texts today analyses: {len(ours)}; identical to {revision}'s analysis (tokens, sentences, entities, "
        f"phrases): {same}; different: {len(ours) - same - missing}; not analysed at {revision}: {missing}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of (bare, ours); the best of each is kept")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument(
        "--baseline", metavar="REV", help=f"also compare the stage with revision REV's (e.g. {BASELINE})"
    )
    parser.add_argument("--rounds", type=int, default=2, help="--baseline rounds; the best CPU of each side is kept")
    args = parser.parse_args(argv)
    pipeline_settings = PipelineSettings()
    settings = pipeline_settings.segment

    texts, flags = collect_units(build_report(args.pdf, pipeline_settings))
    inputs = bare_inputs(texts, flags, settings)
    started = time.perf_counter()
    nlp = load_nlp()
    print(f"model load: {time.perf_counter() - started:.1f} s; pipeline {nlp.pipe_names}")
    list(nlp.pipe(texts[:20]))  # warm-up, so neither side pays first-call costs

    # Wall and CPU seconds: on a shared machine the wall clock mostly measures the
    # neighbours; this process's CPU time is the steadier figure (n_process=1 only).
    bare_wall = bare_cpu = ours_wall = ours_cpu = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        bare_tokens = run_bare(nlp, inputs, settings, args.n_process)
        bare_wall, bare_cpu = min(bare_wall, time.perf_counter() - wall), min(bare_cpu, time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        # No cross-call cache: every round analyses every text, as the first run of a report does.
        found = segment_texts(texts, phrases=flags, nlp=nlp, n_process=args.n_process, settings=settings, cache=None)
        ours_wall, ours_cpu = min(ours_wall, time.perf_counter() - wall), min(ours_cpu, time.process_time() - cpu)

    ours_tokens = sum(len(s.tokens) for seg in found for s in seg.sentences)
    model_seen = sum(len(v) for v in inputs.values())
    print(f"units: {len(texts)} ({sum(flags)} with phrases); characters: {sum(map(len, texts))}")
    print(f"texts the model saw: {model_seen} (distinct, non-blank, cut under the Sudachi limit)")
    print(f"tokens: {ours_tokens} in the units ({bare_tokens} in the distinct texts)")
    for flag, todo in inputs.items():
        if todo:
            on = [n for n in nlp.pipe_names if n not in disabled_pipes(nlp, flag)]
            print(f"components ({'phrases' if flag else 'words'}, {len(todo)} texts): {', '.join(on)}")
    print(
        f"bare nlp.pipe (same texts, same components, n_process={args.n_process}): "
        f"{bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU"
    )
    print(
        f"ours (segment_texts, n_process={args.n_process}): {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU; "
        f"{ours_tokens / ours_wall:.0f} tokens/s wall, {ours_tokens / ours_cpu:.0f} tokens/s CPU"
    )
    for clock, ours, bare in (("wall", ours_wall, bare_wall), ("CPU", ours_cpu, bare_cpu)):
        ratio = ours / bare if bare else float("nan")
        print(
            f"ratio ours/bare ({clock}): {ratio:.3f} (goal <= {RATIO_GOAL}) {'OK' if ratio <= RATIO_GOAL else 'OVER'}"
        )
    if args.baseline:
        compare_with_baseline(args.pdf, args.baseline, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
