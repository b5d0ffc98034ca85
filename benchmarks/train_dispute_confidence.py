"""Train the confidence of confirmed disputes (issue 15): logistic regression over `dispute_confidence.FEATURES`.

Data (never the BASIL test / test-extra labels, never the RTE-3 dev fold):
- BASIL: the dev and dev-extra events that carry labels. Per event the product's claims and alignment
  (``claims`` and ``align`` steps) give the analysed claims; ``disputes.decide_pairs`` asks every structural
  question of every pair of them (not only the cosine shortlist ``find_disputes`` asks, so that more labelled
  pairs are rows) with the floors at 0 (the questions the shipped floors reject are rows too); a decided pair
  whose two claim sentences match a labelled ``sentence`` item (``labels.find_pair``) is a row, positive when
  the verdict is "contradiction".
- RTE-3 (``../shared/datasets/pairs/rte3-dev.jsonl``), train fold only (``evaluate.pairs.is_dev`` false): each
  pair's sentences analysed as ``contradiction_decisions`` does; its decided question (floors 0) is a row,
  positive for "contradiction".
- or, with ``--rows``, the rows of ``benchmarks/dispute_label_rows.py`` / ``dispute_rows.py`` pickles of dev splits
  (BASIL, ECB+, FNC-1 blind labels; a test pickle is refused), features recomputed by the current code; the
  cross-validated figures are then also given per label set and per labelled item (its most confident question).
Cross-validation: GroupKFold over BASIL events (an RTE pair is its own group), out-of-fold probabilities;
the final model is fit on all rows and written as JSON (features, standardisation, weights, data counts, CV).

    PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/train_dispute_confidence.py \
        --labels benchmarks/labels/basil --data ../shared/datasets/basil/stories.jsonl --db /tmp/disp7/ef.db \
        --rte ../shared/datasets/pairs/rte3-dev.jsonl --out src/storyscope/models/disputes/confidence.json
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys

import numpy as np

FLOORS0 = dict(floor_denial=0.0, floor_value=0.0, floor_negation=0.0)


def basil_members(labels: str, data: str, db: str, cache: str | None) -> tuple[dict, dict]:
    """{event: (members, owner)} of the labelled dev / dev-extra events, and {article id: jsonl id}."""
    if cache and os.path.exists(cache):
        with open(cache, "rb") as fh:
            got = pickle.load(fh)
        return {e: (s["members"], s["owner"]) for e, s in got["stories"].items()}, got["source_of"]
    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.disputes import _members
    from storyscope.compare.registry import ordered_steps, run_steps
    from storyscope.evaluate import labels as L
    from storyscope.evaluate.events import load_records, run_events
    items = L.load_items(labels)
    events = sorted({it["event"] for it in items if it.get("split") == "dev"
                     or (it.get("split") == "dev-extra" and it.get("final"))})
    recs = load_records(data)
    ws, dossier, source_of = run_events(recs, events, db=db, progress=lambda m: print(m, file=sys.stderr))
    out = {}
    try:
        for st in dossier["stories"]:
            arts = ws.articles(st["article_ids"])
            bundle = StoryBundle(arts, {a.id: dict(ws.layers(a.id)) for a in arts})
            res = run_steps(bundle, {}, ordered_steps("dates"), {})
            run_steps(bundle, res, [s for s in ordered_steps("main") if s.name in ("claims", "align")], {})
            out[st["id"]] = _members(bundle, res["_story_claims"])
    finally:
        ws.close()
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump({"stories": {e: {"members": m, "owner": o} for e, (m, o) in out.items()},
                         "source_of": source_of}, fh)
    return out, source_of


def basil_rows(labels: str, stories: dict, source_of: dict) -> list[tuple[dict, int, str]]:
    """(features, label, event) of the decided candidate pairs that a labelled sentence item covers."""
    from storyscope.compare.disputes import DisputeSettings, decide_pairs
    from storyscope.evaluate import labels as L
    items = [it for it in L.load_items(labels) if it.get("final") and it.get("split") in ("dev", "dev-extra")]
    index = L.pair_index(items, "sentence")
    s0 = DisputeSettings(**FLOORS0)
    rows = []
    for ev, (members, owner) in sorted(stories.items()):
        cand = [(i, j) for i in range(len(members)) for j in range(i + 1, len(members))]
        aligned = [owner[members[i]["id"]] == owner[members[j]["id"]] for i, j in cand]
        for d in decide_pairs([(members[i], members[j]) for i, j in cand], s0, aligned, score=False):
            if d is None:
                continue
            ea, eb = d.a["evidence"][0], d.b["evidence"][0]
            it = L.find_pair(index, (source_of[ea["article_id"]], ea["start"], ea["end"]),
                             (source_of[eb["article_id"]], eb["start"], eb["end"]), 0.8)
            if it is not None:
                rows.append((d.features, int(it["final"] == "contradiction"), ev))
    return rows


def rte_rows(path: str, cache: str | None = None) -> list[tuple[dict, int, str]]:
    """(features, label, pair id) of the RTE-3 train-fold pairs with a decided question; ``cache``: a pickle
    of the pairs' analysed sentences (made once, reused)."""
    from storyscope.compare.disputes import DisputeSettings, _sentence_claims, decide_pairs
    from storyscope.evaluate.pairs import is_dev, load_pairs
    s0 = DisputeSettings(**FLOORS0)
    pairs = [r for r in load_pairs(path, "contradiction") if not is_dev(r["id"])]
    if cache and os.path.exists(cache):
        with open(cache, "rb") as fh:
            claims = pickle.load(fh)
    else:
        claims = {r["id"]: (_sentence_claims(r["a"], "a"), _sentence_claims(r["b"], "b")) for r in pairs}
        if cache:
            with open(cache, "wb") as fh:
                pickle.dump(claims, fh)
    rows = []
    for r in pairs:
        ca, cb = claims[r["id"]]
        got = [d for d in decide_pairs([(x, y) for x in ca for y in cb], s0, score=False) if d is not None]
        if got:
            best = max(got, key=lambda d: d.prob)
            rows.append((best.features, int(r["label"] == "contradiction"), "rte:" + r["id"]))
    return rows


def recorded_rows(paths: list[str]) -> list[tuple[dict, int, str, str]]:
    """(features, label, event, item id) of the recorded dispute questions (``benchmarks/dispute_rows.py`` pickles
    of dev runs) that a label covers, one per (label set, item, question); features recomputed by the current
    ``dispute_confidence.features``. Raises ``SystemExit`` on a pickle of a test split."""
    from storyscope.compare.dispute_confidence import features
    out, seen = [], set()
    for path in paths:
        with open(path, "rb") as fh:
            got = pickle.load(fh)
        if got["split"] != "dev":
            raise SystemExit(f"{path}: split {got['split']}: only dev rows train the dispute confidence")
        tag = os.path.basename(got["labels"].rstrip("/"))
        for q in got["rows"]:
            if q["item"] is None:
                continue
            key = (tag, q["item"], q["kind"], q["unit"], q["texts"])
            if key in seen:
                continue
            seen.add(key)
            f = features(q["kind"], q["unit"], q["a"], q["b"], q["texts"], q["prob"], q["aligned"])
            out.append((f, int(q["verdict"] == "contradiction"), f"{tag}:{q['event']}", f"{tag}:{q['item']}"))
    return out


def fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    m = LogisticRegression(C=c, max_iter=1000).fit((x - mean) / scale, y)
    return mean, scale, m


def cross_validated(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float, folds: int = 5) -> np.ndarray:
    """Out-of-fold probabilities, GroupKFold over ``groups``."""
    from sklearn.model_selection import GroupKFold
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=min(folds, len(set(groups)))).split(x, y, groups):
        if len(set(y[tr])) < 2:
            oof[te] = y[tr].mean()
            continue
        mean, scale, m = fit(x[tr], y[tr], c)
        oof[te] = m.predict_proba((x[te] - mean) / scale)[:, 1]
    return oof


def report(p: np.ndarray, y: np.ndarray, thresholds=(0.3, 0.5, 0.7)) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score
    out = {"n": int(len(y)), "positives": int(y.sum())}
    if 0 < y.sum() < len(y):
        out.update(auc=round(float(roc_auc_score(y, p)), 3),
                   average_precision=round(float(average_precision_score(y, p)), 3))
    out["at"] = [{"threshold": t, "shown": int((p >= t).sum()), "correct": int(y[p >= t].sum())} for t in thresholds]
    return out


def item_level(p: np.ndarray, y: np.ndarray, items: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per labelled item, the highest probability of its questions (``decide_pairs`` keeps a pair's most
    confident question) and its label."""
    best: dict[str, tuple[float, int]] = {}
    for pi, yi, it in zip(p, y, items):
        if it not in best or pi > best[it][0]:
            best[it] = (float(pi), int(yi))
    keys = sorted(best)
    return np.array([best[k][0] for k in keys]), np.array([best[k][1] for k in keys]), keys


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", default="benchmarks/labels/basil")
    ap.add_argument("--data", default="../shared/datasets/basil/stories.jsonl")
    ap.add_argument("--db", default=None)
    ap.add_argument("--rows", nargs="*", default=None,
                    help="pickles of benchmarks/dispute_rows.py dev runs (instead of --labels/--data/--db)")
    ap.add_argument("--rte", default="../shared/datasets/pairs/rte3-dev.jsonl", help="'' for no RTE-3 rows")
    ap.add_argument("--cache", default=None, help="pickle of the analysed claims per event (made once, reused)")
    ap.add_argument("--C", type=float, default=0.3)
    ap.add_argument("--features", default=None, help="comma-separated subset of dispute_confidence.FEATURES")
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    from storyscope.compare.dispute_confidence import FEATURES
    names = args.features.split(",") if args.features else list(FEATURES)
    if args.rows:
        rows4 = recorded_rows(args.rows)
    else:
        stories, source_of = basil_members(args.labels, args.data, args.db, args.cache)
        rows4 = [(f, y, g, f"{g}:{k}") for k, (f, y, g) in enumerate(basil_rows(args.labels, stories, source_of))]
    n_lab = len(rows4)
    if args.rte:
        rows4 += [(f, y, g, g) for f, y, g in rte_rows(args.rte, args.cache + ".rte" if args.cache else None)]
    x = np.array([[f[n] for n in names] for f, _, _, _ in rows4], dtype=float)
    y = np.array([r[1] for r in rows4])
    groups = np.array([r[2] for r in rows4])
    items = [r[3] for r in rows4]
    oof = cross_validated(x, y, groups, args.C)
    ts = [float(t) for t in args.thresholds.split(",")]
    lab = np.arange(len(y)) < n_lab
    cv = {"all_rows": report(oof, y, ts)}
    for tag in sorted({g.split(":")[0] for g in groups[lab]}):
        sel = [k for k in range(n_lab) if groups[k].startswith(tag + ":")]
        pi, yi, _ = item_level(oof[sel], y[sel], [items[k] for k in sel])
        cv[f"{tag}_items"] = report(pi, yi, ts)
    pi, yi, keys = item_level(oof[lab], y[lab], items[:n_lab])
    cv["labelled_items"] = report(pi, yi, ts)
    cv["labelled_items"]["oof"] = [[k, round(float(p), 3), int(v)] for k, p, v in zip(keys, pi, yi)]
    if (~lab).any():
        cv["rte_train"] = report(oof[~lab], y[~lab], ts)
    mean, scale, m = fit(x, y, args.C)
    out = {"features": names, "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
           "coef": m.coef_[0].round(6).tolist(), "intercept": round(float(m.intercept_[0]), 6), "C": args.C,
           "data": {"labelled_rows": int(n_lab), "labelled_positives": int(y[lab].sum()),
                    "labelled_items": len(set(items[:n_lab])), "events": len({g for g in groups[lab]}),
                    "rte_train_rows": int((~lab).sum()), "rte_train_positives": int(y[~lab].sum())},
           "cross_validated": cv}
    print(json.dumps(out, indent=1))
    if args.out:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as fh:
            json.dump(out, fh, indent=1)
            fh.write("\n")


if __name__ == "__main__":
    main()
