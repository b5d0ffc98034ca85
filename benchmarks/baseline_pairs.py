"""Baseline of the pre-learned pair decisions (commit f7085f4), on the pairs data.

    git worktree add /tmp/base f7085f4
    PYTHONPATH=/tmp/base/src python benchmarks/baseline_pairs.py same-claim ../shared/datasets/pairs/msrp-train.jsonl --dev
    PYTHONPATH=/tmp/base/src python benchmarks/baseline_pairs.py contradiction ../shared/datasets/pairs/rte3-dev.jsonl

same-claim: each pair becomes a two-article story (a and b each one body sentence, passed as the
``sentences`` layer), ``extract_claims`` + ``align_claims`` run as in the dossier, and the pair counts as
"same" when one story claim holds evidence from both articles. contradiction: ``compare.disputes.contradicts``.
Prints JSON for the whole file (only its dev fold with ``--dev``) and for its dev fold
(``storyscope.evaluate.pairs.is_dev``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # after PYTHONPATH: is_dev, scores
from storyscope.compare.bundle import StoryBundle  # noqa: E402
from storyscope.record import Article, Span  # noqa: E402


def _load(path):
    return [json.loads(x) for x in open(path, encoding="utf-8") if x.strip()]


def old_same(a: str, b: str) -> bool:
    from storyscope.compare.claim_align import align_claims
    from storyscope.compare.claims import extract_claims
    arts = [Article(id="A", text=a), Article(id="B", text=b)]
    layers = {x.id: {"sentences": [Span(0, len(x.text), "sentence", {"role": "body"})]} for x in arts}
    bundle = StoryBundle(arts, layers)
    claims = extract_claims(bundle)
    return any(set(c["article_ids"]) == {"A", "B"} for c in align_claims(bundle, claims))


def main(task: str, path: str) -> None:
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "pairs_eval", Path(__file__).resolve().parent.parent / "src/storyscope/evaluate/pairs.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    rows = _load(path)
    if "--dev" in sys.argv:
        rows = [r for r in rows if ev.is_dev(r["id"])]
    if task == "same-claim":
        pred = [old_same(r["a"], r["b"]) for r in rows]
        gold = [r["label"] == "same" for r in rows]
    else:
        from storyscope.compare.disputes import contradicts
        pred = [contradicts(r["a"], r["b"])[0] for r in rows]
        gold = [r["label"] == "contradiction" for r in rows]
    dev = [ev.is_dev(r["id"]) for r in rows]
    print(json.dumps({"task": task, "data": path, "all": ev.scores(gold, pred),
                      "dev": ev.scores([g for g, d in zip(gold, dev) if d], [p for p, d in zip(pred, dev) if d])}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])  # [--dev]
