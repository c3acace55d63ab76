"""One checkout's NLP stage on one report, timed in a fresh process (``bench.nlp_bench --baseline``).

    PYTHONPATH=CHECKOUT python bench/nlp_stage.py PDF --dump OUT.json [--rounds N]

Runs with whatever ``extractors`` the path finds first, so the same file measures today's
code and an earlier revision's (any revision whose ``bench.nlp_bench`` has
``build_report`` and ``collect_units``): the report is built without NLP, then that
revision's ``segment_texts`` analyses every unit it would, on its own model loading.
Prints one JSON line (best CPU and wall seconds of the rounds, counts) and dumps each
analysis by (phrases flag, text) for the token comparison.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--dump", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from bench import nlp_bench
    from extractors.nlp import segment

    if len(inspect.signature(nlp_bench.build_report).parameters) > 1:  # settings came later
        from extractors.settings import PipelineSettings

        report = nlp_bench.build_report(args.pdf, PipelineSettings())
    else:
        report = nlp_bench.build_report(args.pdf)
    texts, flags = nlp_bench.collect_units(report)
    options = {"cache": None} if "cache" in inspect.signature(segment.segment_texts).parameters else {}
    nlp = segment.load_nlp()
    list(nlp.pipe(texts[:20]))  # warm-up, as in bench.nlp_bench

    cpu = wall = float("inf")
    for _ in range(args.rounds):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        found = segment.segment_texts(texts, phrases=flags, nlp=nlp, **options)
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started_wall)

    units = zip(texts, flags, found, strict=True)
    analyses = {f"{int(flag)}\t{text}": seg.model_dump() for text, flag, seg in units if text.strip()}
    args.dump.write_text(json.dumps(analyses, ensure_ascii=False))
    tokens = sum(len(s.tokens) for seg in found for s in seg.sentences)
    print(json.dumps({"cpu": cpu, "wall": wall, "units": len(texts), "tokens": tokens, "texts": len(analyses)}))


if __name__ == "__main__":
    main()
