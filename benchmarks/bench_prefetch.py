"""CPU of every story's comparison with and without ``registry.Prefetch`` (issue 18), alternating, in one process.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_prefetch.py --db STORE [--rounds 2]

STORE: a store whose stories are read and grouped (``bench_pipeline.py`` prints its ``store``). Each round
compares every story twice, prefetch on then off, from empty vector and pair-judge caches, parses restored
from the store and vectors never read from it (the comparison computes every vector, as a cold run does).
Prints JSON: CPU seconds of each mode per round, MiniLM calls and texts computed, and whether the
findings (timings dropped) are identical in both modes.
"""
from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    from bench_compare_store import stored_inputs

    from storyscope.compare import pairs as P
    from storyscope.compare import registry
    from storyscope.dossier.build import compare_story
    from storyscope.services import embedder
    minilm = embedder("minilm")
    calls: list[int] = []
    inputs = stored_inputs(args.db, calls)
    before = registry.Prefetch.before
    off = lambda self, bundle, results: None  # noqa: E731
    rounds, found = [], {}
    for _ in range(args.rounds):
        row = {}
        for mode in ("prefetch", "none"):
            registry.Prefetch.before = before if mode == "prefetch" else off
            minilm.cache.clear()
            for model in P._MODELS.values():
                model.cache.clear()
            calls.clear()
            t, out = time.process_time(), []
            for story, arts, layers in inputs:
                res = compare_story(story, arts, layers)
                res.pop("timings")
                out.append(json.dumps(res, sort_keys=True, default=str))
            row[mode] = {"cpu_s": round(time.process_time() - t, 2), "minilm_calls": len(calls),
                         "minilm_texts": sum(calls)}
            found.setdefault(mode, out)
        rounds.append(row)
    registry.Prefetch.before = before
    print(json.dumps({"stories": len(inputs), "articles": sum(len(a) for _, a, _ in inputs), "rounds": rounds,
                      "identical_findings": found["prefetch"] == found["none"]}, indent=1))


if __name__ == "__main__":
    main()
