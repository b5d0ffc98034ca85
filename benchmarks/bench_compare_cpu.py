"""CPU seconds per article of the product path on a few BASIL events, split by the model call sites.

Runs ``evaluate.events.run_events`` (ingest, reading stages, every story's comparison: the path of
``storyscope eval findings``) on the first N BASIL events by id, counting the texts MiniLM embeds and the
pairs each pair-judge task scores, with the CPU seconds spent in each, and which function of the product
asked for them (``by_caller``: the nearest frame outside the model modules). CPU time of this process, so
the figures hold on a machine shared with other jobs (wall time is reported too).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_compare_cpu.py [--events 3]
"""
from __future__ import annotations

import argparse
import collections
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"
# frames inside these files are the model plumbing, not the caller that asked
_PLUMBING = ("stages/embed.py", "services.py", "compare/pairs.py", "bench_compare_cpu.py", "sentence_transformers",
             "torch", "contextlib")


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def caller() -> str:
    """``module.function`` of the nearest product frame that is not model plumbing."""
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_filename
        if "storyscope" in name and not any(p in name for p in _PLUMBING):
            return f"{Path(name).stem}.{f.f_code.co_name}"
        f = f.f_back
    return "?"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=3)
    args = ap.parse_args()
    if not BASIL.exists():
        sys.exit(f"skipped: {BASIL} not found (../shared is needed for this benchmark)")
    sys.path.insert(0, str(ROOT / "src"))
    from storyscope.compare import pairs as P
    from storyscope.evaluate.events import load_records, run_events
    from storyscope.stages import embed as E
    recs = load_records(str(BASIL))
    events = sorted({str(r["story"]) for r in recs})[:args.events]
    count, spent = collections.Counter(), collections.Counter()
    by_caller: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    def timed(name, fn, size):
        def wrapper(*a, **kw):
            n = size(a)
            by_caller[name][caller()] += n
            t = cpu_s()
            out = fn(*a, **kw)
            spent[name] += cpu_s() - t
            count[name] += n
            return out
        return wrapper

    def uncached(self, pairs):  # pairs the judge scores, not the ones its cache answers
        return len({p for p in pairs if p not in self.cache})

    logits = P.PairModel.logits
    P.PairModel.logits = lambda self, pairs, batch_size=32: timed(
        "pair judge " + self.meta["positive"], logits, lambda a: uncached(self, a[1]))(self, pairs, batch_size)
    E._encode = timed("MiniLM", E._encode, lambda a: len(a[1]))
    from storyscope.services import current
    P.warm_up("same-claim"), E.warm_up()  # model loading is not counted,
    current().parse_cache.nlp()  # the spaCy pipeline's either (1.8 CPU s, 0.2 per article of 9)
    c0, w0 = cpu_s(), time.time()
    ws, dossier, _ = run_events(recs, events)
    ws.close()
    n = sum(len(s["article_ids"]) for s in dossier["stories"])
    print(json.dumps({"events": len(events), "articles": n, "cpu_s_per_article": round((cpu_s() - c0) / n, 2),
                      "wall_s": round(time.time() - w0, 1), "count": count,
                      "cpu_s": {k: round(v, 1) for k, v in spent.items()},
                      "by_caller": {k: dict(v.most_common()) for k, v in by_caller.items()}}, indent=2))


if __name__ == "__main__":
    main()
