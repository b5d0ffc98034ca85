"""Train and check the "same event" pair model on dev sets in the generic stories format.

    python -m storyscope.stories.train --data ecbplus/stories-dev.jsonl --data basil/stories.jsonl \
        [--cache DIR] [--out src/storyscope/models/stories/pair.json]

Pairs come from teacher-forced online assignment: articles arrive in file order (and in
shuffled orders); each is scored against the ``k`` candidate stories the online clusterer
would score (stories built so far from the gold labels), giving one pair (features of
``stories.event.FEATURES``, label: same gold story) per candidate; then it joins its gold
story. This is the decision the product makes, on the inputs it makes it on. Logistic
regression (scikit-learn) fits the pairs. Topic-grouped check: in each file, topics (ECB+: the
topic number; else the gold story) at positions 0-4 of every 7 by first appearance train,
5-6 are held out; the report gives pair log-loss, Brier score and calibration error, and
B-cubed F1 of online assignment on each held-out part, then the model is refit on all pairs.
The join and merge thresholds are chosen on the mean B-cubed F1 over the files (train fold).
"""
from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from storyscope.stories.event import FEATURES, MODEL_PATH, PairModel
from storyscope.stories.features import featurize
from storyscope.stories.online import OnlineClusterer, Params


def topic_of(story: str) -> str:
    """ECB+ labels ('12ecb', '12ecbplus') share their topic number; other labels are their own topic."""
    m = re.match(r"(\d+)ecb", str(story))
    return m.group(1) if m else str(story)


def load_items(path: str, cache: str | None = None) -> tuple[list[dict], list[str]]:
    """Items as ``article_item`` builds them (reading layers run here) and gold labels."""
    from storyscope.evaluate.stories import read_jsonl
    p = Path(cache or "/nonexistent") / (Path(path).parent.name + "-" + Path(path).stem + ".pkl")
    if cache and p.exists():
        return pickle.loads(p.read_bytes())
    from storyscope.record import Article
    from storyscope.stages import actors, timex
    from storyscope.stages.embed import embed
    from storyscope.stories.features import article_item, lead
    rows = read_jsonl(path)
    items = []
    E = embed([lead(r.get("title") or "", r.get("text") or "") for r in rows], batch_size=64)
    for r, e in zip(rows, E):
        art = Article(id=str(r["id"]), text=r["text"], title=r.get("title") or "", outlet=r.get("outlet") or "",
                      published=r.get("published"))
        layers = {"actors": actors.extract_actors(art.text), "timex": timex.extract_timexes(art.text, art.published)}
        items.append(dict(article_item(art, layers), vector=e.tolist()))
    out = (items, [str(r["story"]) for r in rows])
    if cache:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(pickle.dumps(out))
    return out


def _fresh(feats):
    for f in feats:
        f.__dict__.pop("_w", None)
        f.__dict__.pop("_e", None)
    return feats


def forced_pairs(feats, gold: list[str], params: Params, orders: int = 3, seed: int = 0):
    """Pair features and labels from teacher-forced online assignment (see module docstring)."""
    X, y = [], []
    for r in range(orders):
        order = list(range(len(feats)))
        if r:
            random.Random(seed + r).shuffle(order)
        oc = OnlineClusterer(params)
        story_gold: list[str] = []
        index: dict[str, int] = {}
        for i in order:
            f = _fresh([feats[i]])[0]
            oc._count(f)
            idx, sims, gaps = oc._candidates(f)
            for s, sim, gap in zip(idx.tolist(), sims.tolist(), gaps.tolist()):
                gap = oc.date_gap(f, s, gap)
                if oc.date_penalty(gap) < 1.0:
                    X.append(oc.pair_features(f, s, sim, gap))
                    y.append(story_gold[s] == gold[i])
            head = (f"a{i}", "", None, "")
            if gold[i] in index:
                oc._join(index[gold[i]], head[0], head, f)
            else:
                index[gold[i]] = oc._open(head[0], head, f)
                story_gold.append(gold[i])
    return np.array(X), np.array(y, dtype=int)


def fit(X: np.ndarray, y: np.ndarray, C: float = 1.0, weight: np.ndarray | None = None) -> PairModel:
    """Logistic regression over the pair features (``bias`` is the intercept)."""
    from sklearn.linear_model import LogisticRegression
    lr = LogisticRegression(C=C, max_iter=2000).fit(X[:, 1:], y, sample_weight=weight)
    w = dict(zip(FEATURES, [float(lr.intercept_[0])] + [float(v) for v in lr.coef_[0]]))
    return PairModel(w, {"pairs": int(len(y)), "positives": int(y.sum())})


def pair_report(model: PairModel, X: np.ndarray, y: np.ndarray) -> dict:
    """Log-loss, Brier score and expected calibration error (10 equal-width bins) of ``model``."""
    p = np.clip(1 / (1 + np.exp(-(X @ model.w))), 1e-9, 1 - 1e-9)
    bins = np.minimum((p * 10).astype(int), 9)
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in range(10) if (bins == b).any())
    return {"pairs": int(len(y)), "log_loss": round(float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()), 4),
            "brier": round(float(((p - y) ** 2).mean()), 4), "ece": round(float(ece), 4)}


def bcubed_online(items, feats, gold, model: PairModel, params: Params) -> float:
    """B-cubed F1 of online assignment (file order) with ``model``."""
    from storyscope.evaluate.stories import _labels, scores
    oc = OnlineClusterer(params)
    oc.model = model
    for it, f in zip(items, _fresh(feats)):
        oc.add(it, f)
    return scores(_labels(oc.groups(), [str(it["id"]) for it in items]), gold)["bcubed"]["f1"]


def _subset(data, keep):
    items, feats, gold, topics = data
    ix = [i for i, t in enumerate(topics) if keep(t)]
    return [items[i] for i in ix], [feats[i] for i in ix], [gold[i] for i in ix]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--cache")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--C", type=float, default=20.0, help="inverse L2 strength of the logistic regression")
    a = ap.parse_args(argv)
    sets = {}
    for path in a.data:
        items, gold = load_items(path, a.cache)
        topics = [topic_of(g) for g in gold]
        pos = {t: i for i, t in enumerate(dict.fromkeys(topics))}
        sets[Path(path).parent.name] = (items, featurize(items), gold, [pos[t] % 7 < 5 for t in topics])
    base = Params()
    grid = [(t, m) for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65) for m in (0.4, 0.5, 0.6, 0.7)]
    report: dict = {"sets": {k: len(v[0]) for k, v in sets.items()}}
    for fold in ("check", "all"):
        train = {k: _subset(v, (lambda t: t) if fold == "check" else (lambda t: True)) for k, v in sets.items()}
        parts = [forced_pairs(f, g, base) for _, f, g in train.values()]
        X, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        weight = np.concatenate([np.full(len(p[1]), len(y) / (len(parts) * len(p[1]))) for p in parts])
        model = fit(X, y, a.C, weight)     # each file weighs the same
        mean = {g: np.mean([bcubed_online(i, f, gl, model, replace(base, threshold=g[0], merge_threshold=g[1]))
                            for i, f, gl in train.values()]) for g in grid}
        best = max(grid, key=lambda g: (round(mean[g], 4), -abs(g[0] - 0.5)))
        params = replace(base, threshold=best[0], merge_threshold=best[1])
        if fold == "check":
            held = {k: _subset(v, lambda t: not t) for k, v in sets.items()}
            hp = [forced_pairs(f, g, base, orders=1) for _, f, g in held.values()]
            report["check"] = {
                "train_mean_bcubed_f1": round(float(mean[best]), 4), "threshold": best[0], "merge_threshold": best[1],
                "pairs_train": pair_report(model, X, y),
                "pairs_held_out": pair_report(model, np.concatenate([p[0] for p in hp]), np.concatenate([p[1] for p in hp])),
                "held_out_bcubed_f1": {k: {"n": len(i), "f1": bcubed_online(i, f, g, model, params)}
                                       for k, (i, f, g) in held.items()},
                "held_out_bcubed_f1_at_shipped_thresholds": {k: bcubed_online(i, f, g, model, base)
                                                             for k, (i, f, g) in held.items()}}
        else:
            report["all"] = {"mean_bcubed_f1": round(float(mean[best]), 4), "threshold": best[0],
                             "merge_threshold": best[1], "pairs": pair_report(model, X, y)}
            out = model.to_dict()
            out.update(threshold=best[0], merge_threshold=best[1], trained_on=sorted(sets), report=report)
            Path(a.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    sys.exit(main() and 0)
