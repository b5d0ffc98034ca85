"""Cost of the pair judge per BASIL article: time spent in ``compare.pairs`` scoring while
``align_claims`` and ``find_disputes`` run on real BASIL events.

    PYTHONPATH=src python benchmarks/bench_pairs_cost.py [N_EVENTS]

Reads ``../shared/datasets/basil/stories.jsonl`` by path; each of the first N events (default 6) is one
story of its three articles with the ``sentences`` layer (the other layers are not needed to time the
pair scoring). Prints JSON: articles, pairs scored per task, and CPU and wall ms of pair scoring per
article (CPU time is the process's own, so it stays meaningful on a shared machine).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("STORYSCOPE_SHARED", ROOT.parent / "shared"))


def main(n_events: int = 6) -> None:
    from storyscope.compare import pairs
    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.claim_align import align_claims
    from storyscope.compare.claims import extract_claims
    from storyscope.compare.disputes import find_disputes
    from storyscope.record import Article
    from storyscope.stages.sentences import sentence_spans

    stats = {t: {"pairs": 0, "cpu": 0.0, "wall": 0.0} for t in pairs.TASKS}

    def timed(task, fn):
        def wrapper(items):
            c, w = time.process_time(), time.perf_counter()
            out = fn(items)
            stats[task]["cpu"] += time.process_time() - c
            stats[task]["wall"] += time.perf_counter() - w
            stats[task]["pairs"] += len(items)
            return out
        return wrapper

    pairs.same_claim_prob = timed("same-claim", pairs.same_claim_prob)
    pairs.warm_up("same-claim")
    rows = [json.loads(x) for x in open(SHARED / "datasets" / "basil" / "stories.jsonl", encoding="utf-8")]
    events = list(dict.fromkeys(r["story"] for r in rows))[:n_events]
    n_articles = claims_n = stories_n = disputes_n = 0
    for ev in events:
        arts = [Article(id=r["id"], text=r["text"], title=r["title"], outlet=r["outlet"]) for r in rows
                if r["story"] == ev]
        bundle = StoryBundle(arts, {a.id: {"sentences": sentence_spans(a.text)} for a in arts})
        claims = extract_claims(bundle)
        sc = align_claims(bundle, claims)
        ds = find_disputes(bundle, sc)
        n_articles += len(arts)
        claims_n += len(claims)
        stories_n += sum(len(c["article_ids"]) > 1 for c in sc)
        disputes_n += len(ds)
    out = {"events": len(events), "articles": n_articles, "claims": claims_n, "multi_article_claims": stories_n,
           "disputes": disputes_n}
    for t, s in stats.items():
        out[t] = {"pairs_scored": s["pairs"], "pairs_per_article": round(s["pairs"] / n_articles, 1),
                  "cpu_ms_per_article": round(1000 * s["cpu"] / n_articles), "wall_ms_per_article": round(
                      1000 * s["wall"] / n_articles)}
    out["cpu_ms_per_article_total"] = sum(out[t]["cpu_ms_per_article"] for t in stats)
    print(json.dumps(out))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
