"""CPU of every story's comparison from a store, and a digest of the findings, for before/after runs (issue 18).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_compare_store.py --db STORE [--rounds 2]

STORE: a store whose stories are read and grouped (``bench_pipeline.py`` prints its ``store``). Each round
compares every story (``dossier.build.compare_story``, the product path) from empty vector and pair-judge
caches, parses restored from the store and vectors never read from it (every vector computed, as in a cold
run); ``--alone``: every article compared as a story of its own (most stories of a real stream have one
article). Prints JSON: CPU seconds per round, MiniLM texts computed, pair-judge pairs scored, and the sha1 of
the findings (timings dropped), which must be equal for two trees whose change is exact. To compare two
trees on a loaded machine, run this script alternately with ``PYTHONPATH`` set to each tree's ``src``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time


def stored_inputs(db: str, texts: list[int]) -> list[tuple]:
    """Every story's comparison inputs ``(story, articles, layers)`` from the store ``db``, parses restored, MiniLM
    loaded; each MiniLM call that computes appends its number of texts to ``texts``."""
    from storyscope.services import embedder
    from storyscope.workspace import Workspace
    minilm = embedder("minilm")
    compute = minilm._compute
    minilm._compute = lambda canon, bs: (texts.append(len(canon)), compute(canon, bs))[1]
    with Workspace(db) as ws:
        inputs = [ws.comparison_inputs(s["id"])[:3] for s in ws.stories()]
        for _, arts, _ in inputs:
            ws.services.restore_parses(arts)
    minilm.warm_up()
    return inputs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--alone", action="store_true", help="compare every article as a story of its own")
    args = ap.parse_args()
    from storyscope.compare import pairs as P
    from storyscope.dossier.build import compare_story
    from storyscope.services import embedder
    texts: list[int] = []
    inputs = stored_inputs(args.db, texts)
    if args.alone:
        inputs = [({"id": a.id, "article_ids": [a.id], "title": ""}, [a], {a.id: layers[a.id]})
                  for _, arts, layers in inputs for a in arts]
    minilm = embedder("minilm")
    judged: list[int] = []
    logits = P.PairModel.logits
    P.PairModel.logits = lambda self, pairs, batch_size=32: (
        judged.append(len({p for p in pairs if p not in self.cache})), logits(self, pairs, batch_size))[1]
    P.warm_up("same-claim")
    embedder("static").warm_up()
    rounds, digests = [], set()
    for _ in range(args.rounds):
        minilm.cache.clear()
        for model in P._MODELS.values():
            model.cache.clear()
        texts.clear()
        judged.clear()
        h = hashlib.sha1()
        t = time.process_time()
        for story, arts, layers in inputs:
            res = compare_story(story, arts, layers)
            res.pop("timings")
            h.update(json.dumps(res, sort_keys=True, default=str).encode())
        rounds.append({"cpu_s": round(time.process_time() - t, 2), "minilm_texts": sum(texts),
                       "minilm_calls": len(texts), "judge_pairs": sum(judged)})
        digests.add(h.hexdigest()[:12])
    print(json.dumps({"stories": len(inputs), "articles": sum(len(a) for _, a, _ in inputs), "rounds": rounds,
                      "findings_sha1": sorted(digests)}))


if __name__ == "__main__":
    main()
