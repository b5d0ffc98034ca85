"""Train and check the "same event" pair model on dev sets in the generic stories format.

    python -m storyscope.stories.train --data ecbplus/stories-dev.jsonl --data basil/stories.jsonl \
        --data fnc1/stories.jsonl [--cache DIR] [--folds 5] [--drop FEATURE,...] [--core-share X] \
        [--out src/storyscope/models/stories/pair.json]
    python -m storyscope.stories.train --untitled --data ... [--cache DIR] [--C 1] [--out ...]
    python -m storyscope.stories.train --undated --data ... [--strip-dates] [--cache DIR] [--drop ...] [--out ...]

Pairs come from teacher-forced online assignment: articles arrive in file order (and in
shuffled orders); each is scored against the ``k`` candidate stories the online clusterer
would score (stories built so far from the gold labels), giving one pair (features of
``stories.event.FEATURES``, label: same gold story) per candidate; then it joins its gold
story. This is the decision the product makes, on the inputs it makes it on. Logistic
regression (scikit-learn) fits the pairs, each file weighing the same.

Check (``cross_validate``): topic-grouped ``--folds``-fold cross-validation (ECB+: the topic
number, so a topic's two similar events are always on the same side; else the gold story).
Each fold's model assigns the held-out topics of each file online; the held-out labelings,
pooled over the folds, are scored over the whole file (B-cubed F1, n = the file's size). The
join and merge thresholds are the grid point with the best mean over the files. The shipped
model is then refit on all pairs.

``--untitled``: the same on every file with its headlines removed (``untitled``), written as
the weights ``PairModel`` uses for articles without a headline (``weights_untitled``); the
headline weights of ``--out`` are kept. ``--undated``: the weights for pairs where neither side
has a publication date (``weights_undated``), fit on the files as given (``--strip-dates``: with
every publication date removed, ``undated``); the other weights of ``--out`` are kept.
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
from typing import Sequence

import numpy as np

from storyscope.stories import event
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
        oc.model = PairModel({}, {"core_share": event.CORE_SHARE})     # features as the model to fit sees them
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


def fit(X: np.ndarray, y: np.ndarray, C: float = 1.0, weight: np.ndarray | None = None,
        drop: Sequence[str] = ()) -> PairModel:
    """Logistic regression over the pair features (``bias`` is the intercept); features named
    in ``drop`` get weight 0 (ablations)."""
    from sklearn.linear_model import LogisticRegression
    use = [j for j, f in enumerate(FEATURES) if j and f not in drop]
    lr = LogisticRegression(C=C, max_iter=2000).fit(X[:, use], y, sample_weight=weight)
    w = {"bias": float(lr.intercept_[0]), **{FEATURES[j]: float(v) for j, v in zip(use, lr.coef_[0])}}
    return PairModel(w, {"pairs": int(len(y)), "positives": int(y.sum()), "core_share": event.CORE_SHARE})


def pair_report(model: PairModel, X: np.ndarray, y: np.ndarray, p: np.ndarray | None = None) -> dict:
    """Log-loss, Brier score and expected calibration error (10 equal-width bins) of ``model``
    (or of the given probabilities ``p``)."""
    p = np.clip(1 / (1 + np.exp(-(X @ model.w))) if p is None else p, 1e-9, 1 - 1e-9)
    bins = np.minimum((p * 10).astype(int), 9)
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in range(10) if (bins == b).any())
    return {"pairs": int(len(y)), "log_loss": round(float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()), 4),
            "brier": round(float(((p - y) ** 2).mean()), 4), "ece": round(float(ece), 4)}


def folds_of(gold: list[str], k: int) -> list[int]:
    """Fold of each item: its topic's position (by first appearance) modulo ``k``."""
    topics = [topic_of(g) for g in gold]
    pos = {t: i for i, t in enumerate(dict.fromkeys(topics))}
    return [pos[t] % k for t in topics]


def _part(data, fold: int, held: bool):
    items, feats, gold, folds = data
    ix = [i for i, f in enumerate(folds) if (f == fold) == held]
    return [items[i] for i in ix], [feats[i] for i in ix], [gold[i] for i in ix]


def fit_sets(train: dict, C: float, drop: Sequence[str] = ()) -> tuple[PairModel, np.ndarray, np.ndarray]:
    """The pair model fit on teacher-forced pairs of every set (each set weighing the same)."""
    parts = [forced_pairs(f, g, Params()) for _, f, g in train.values()]
    X, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    weight = np.concatenate([np.full(len(p[1]), len(y) / (len(parts) * len(p[1]))) for p in parts])
    return fit(X, y, C, weight, drop), X, y


def _online_labels(items, feats, model: PairModel, params: Params) -> dict[str, int]:
    oc = OnlineClusterer(params)
    oc.model = model
    for it, f in zip(items, _fresh(feats)):
        oc.add(it, f)
    return {a: n for n, g in enumerate(oc.groups()) for a in g}


def cross_validate(sets: dict, k: int, C: float, grid: list[tuple[float, float]], drop: Sequence[str] = ()) -> dict:
    """Topic-grouped ``k``-fold check: for each fold, fit on the other folds' topics of every set
    and assign the held-out topics of each set online; each set's held-out labelings, pooled
    over the folds, are scored whole (B-cubed F1 over the full set). Returns, per (join, merge)
    threshold pair of ``grid``, per set F1, plus held-out pair metrics."""
    from storyscope.evaluate.stories import scores
    pooled = {g: {name: {} for name in sets} for g in grid}
    Xh, yh, ph = [], [], []
    for fold in range(k):
        model, _, _ = fit_sets({n: _part(d, fold, False) for n, d in sets.items()}, C, drop)
        for name, d in sets.items():
            items, feats, gold = _part(d, fold, True)
            X, y = forced_pairs(feats, gold, Params(), orders=1)
            if len(y):
                Xh.append(X), yh.append(y), ph.append(1 / (1 + np.exp(-(X @ model.w))))
            for g in grid:
                lab = _online_labels(items, feats, model, replace(Params(), threshold=g[0], merge_threshold=g[1]))
                pooled[g][name].update({a: (fold, n) for a, n in lab.items()})
    out = {}
    for g in grid:
        per = {}
        for name, (items, _, gold, _) in sets.items():
            ids = [str(it["id"]) for it in items]
            per[name] = scores([hash(pooled[g][name][a]) for a in ids], gold)["bcubed"]["f1"]
        out[g] = per
    X, y = np.concatenate(Xh), np.concatenate(yh)
    return {"by_threshold": out, "pairs_held_out": pair_report(PairModel({}), X, y, np.concatenate(ph))}


def untitled(items: list[dict]) -> list[dict]:
    """The items without their headlines (the vector, computed from title + lead, dropped too):
    the articles as a source without headlines would give them, for the untitled weights."""
    return [{k: v for k, v in dict(it, title="").items() if k != "vector"} for it in items]


def undated(items: list[dict]) -> list[dict]:
    """The items without their publication dates (the dates their text states are kept): the
    articles as a source without dates would give them, for the undated weights."""
    return [dict(it, published=None) for it in items]


def untitled_items(path: str, items: list[dict], cache: str | None = None) -> list[dict]:
    """``untitled(items)`` with their vectors embedded (from the lead alone), kept in ``cache``."""
    p = Path(cache or "/nonexistent") / (Path(path).parent.name + "-" + Path(path).stem + "-untitled.pkl")
    if cache and p.exists():
        return pickle.loads(p.read_bytes())
    out = untitled(items)
    for it, f in zip(out, featurize(out)):
        it["vector"] = f.emb.tolist()
    if cache:
        p.write_bytes(pickle.dumps(out))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--untitled", action="store_true",
                    help="fit only the weights for articles without a headline (see module docstring)")
    ap.add_argument("--undated", action="store_true",
                    help="fit only the weights for pairs without publication dates (see module docstring)")
    ap.add_argument("--strip-dates", action="store_true", help="with --undated: remove every publication date")
    ap.add_argument("--cache")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=20.0, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--drop", default="", help="comma-separated features left out (an ablation)")
    ap.add_argument("--core-share", type=float, default=None,
                    help="cut story keys to those mentioned this often per article (event.core); default: all keys")
    a = ap.parse_args(argv)
    event.CORE_SHARE = a.core_share
    drop = [f for f in a.drop.split(",") if f]
    grid = [(t, m) for t in (0.2, 0.25, 0.3, 0.4, 0.5) for m in (0.3, 0.5)]
    if a.untitled:
        drop.append("untitled")          # constant over these pairs: the intercept carries it
    if a.undated:
        drop += ["untitled", "undated"]
    sets = {}
    for path in a.data:
        items, gold = load_items(path, a.cache)
        items = untitled_items(path, items, a.cache) if a.untitled else undated(items) if a.strip_dates else items
        sets[Path(path).parent.name] = (items, featurize(items), gold, folds_of(gold, a.folds))
    report: dict = {"sets": {k: len(v[0]) for k, v in sets.items()}, "folds": a.folds}
    cv = cross_validate(sets, a.folds, a.C, grid, drop)
    mean = {g: float(np.mean(list(v.values()))) for g, v in cv["by_threshold"].items()}
    best = max(grid, key=lambda g: (round(mean[g], 4), -abs(g[0] - 0.4)))
    report["cross_validated"] = {
        "note": "topic-grouped folds; thresholds chosen on these pooled held-out figures",
        "threshold": best[0], "merge_threshold": best[1], "mean_bcubed_f1": round(mean[best], 4),
        "bcubed_f1": {n: {"n": len(sets[n][0]), "f1": f} for n, f in cv["by_threshold"][best].items()},
        "grid": {f"{g[0]}/{g[1]}": v for g, v in cv["by_threshold"].items()},
        "pairs_held_out": cv["pairs_held_out"]}
    model, X, y = fit_sets({n: d[:3] for n, d in sets.items()}, a.C, drop)
    report["all"] = {"pairs": pair_report(model, X, y)}
    if a.untitled or a.undated:
        out = json.loads(Path(a.out).read_text(encoding="utf-8"))
        name = "untitled" if a.untitled else "undated"
        out["features"] = list(FEATURES)
        out["weights_" + name] = dict(zip(FEATURES, model.w.tolist()))
        out["report_" + name] = dict(report, trained_on=sorted(sets), C=a.C, drop=drop,
                                     note="every file with its headlines removed (train.untitled)" if a.untitled
                                     else "used where neither side has a publication date; fit on the files "
                                          + ("with their dates removed (train.undated)" if a.strip_dates else "as given"))
    else:
        out = model.to_dict()
        if Path(a.out).exists():         # the untitled and undated weights (their own runs) are kept
            old = json.loads(Path(a.out).read_text(encoding="utf-8"))
            out.update({k: old[k] for k in ("weights_untitled", "report_untitled", "weights_undated", "report_undated")
                        if k in old})
        out.update(threshold=best[0], merge_threshold=best[1], trained_on=sorted(sets), report=report)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    sys.exit(main() and 0)
