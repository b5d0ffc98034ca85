"""Train the timeline entry confidence (issue 15): logistic regression over `timeline_confidence.FEATURES`.

Data: the labelled ``timeline`` items of benchmarks/labels/basil with split dev or dev-extra only (never
test / test-extra); an entry the product shows that matches a labelled item (`findings_spans.judge_span`)
is a positive when its verdict is "correct". Event-grouped cross-validation (GroupKFold over BASIL events)
reports precision at thresholds; the final model is fit on all of it and written as JSON.

    PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/train_timeline_confidence.py \
        --labels benchmarks/labels/basil --data ../shared/datasets/basil/stories.jsonl --db /tmp/tl/ef.db \
        --out src/storyscope/models/timeline/confidence.json
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def _mention(text: str, published: str | None, s0: int, s1: int, date: str, label: str):
    """The date mention of an entry's label sentence [s0, s1): a resolved DATE timex in it whose text is in
    the label and whose value is the entry's date, else the first whose text is in the label, else the
    first; (start, end, number of DATE timexes in the sentence) or None."""
    from storyscope.compare.timeline import _norm_value
    from storyscope.stages.timex import extract_timexes
    spans = [t for t in extract_timexes(text, published[:10] if published else None)
             if t.label == "DATE" and s0 <= t.start < s1]
    if not spans:
        return None
    def rank(t):
        inl = text[t.start:t.end].lower() in label.lower()
        nv = _norm_value((t.attrs or {}).get("value"))
        return (not (inl and nv and nv[0] == date), not inl, t.start)
    t = min(spans, key=rank)
    return t.start, t.end, len(spans)


def collect(labels: str, data: str, db: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(X, y, event groups, names) of the product's dev timeline entries that match a labelled item.

    The dossier comes from the product's path (`run_events`, cached findings when the db holds them); each
    entry's features are re-read from its label sentence (`_mention`, `timeline_confidence.mention_features`)."""
    from storyscope.compare.timeline import _event_text
    from storyscope.compare.timeline_confidence import FEATURES, mention_features
    from storyscope.evaluate import labels as L
    from storyscope.evaluate.events import load_records, run_events
    from storyscope.evaluate.findings_spans import judge_span, timeline_entries
    from storyscope.stages.nlp import parse
    items = [it for it in L.load_items(labels) if it.get("split") in ("dev", "dev-extra") and it["kind"] == "timeline"
             and it.get("final")]
    recs = load_records(data)
    events = sorted({it["event"] for it in items} & {str(r["story"]) for r in recs})
    ws, dossier, source_of = run_events(recs, events, db=db, progress=lambda m: print(m, file=sys.stderr))
    ws.close()
    arts = {a["id"]: a for a in dossier["articles"]}
    X, y, g = [], [], []
    for story in dossier["stories"]:
        for ev, f in zip([e for e in story.get("timeline", []) if e.get("evidence")], timeline_entries(story)):
            j = judge_span(f, items, source_of)
            if not j["covered"]:
                continue
            aid, s0, s1 = f["span"]
            a = arts[aid]
            m = _mention(a["text"], a.get("published"), s0, s1, f["date"], f["label"])
            if m is None:
                continue
            got = _event_text(a["text"], s0, s1, m[0], m[1])
            if got is None:
                continue
            label, whole = got
            feats = mention_features(parse(a["text"]), a["text"], s0, s1, m[0], m[1], f["precision"], whole,
                                     a.get("published_source") == "inferred", f["label"], m[2], f["date"],
                                     a.get("published"))
            feats["multi_source"] = float(ev.get("independent_sources", 1) >= 2)
            X.append([feats.get(n, 0.0) for n in FEATURES])
            y.append(int(bool(j["correct"])))
            g.append(story["id"])
    return np.array(X), np.array(y), np.array(g), list(FEATURES)


def cv_report(X, y, g, cols: list[int], C: float) -> dict:
    """Event-grouped 5-fold out-of-fold probabilities: AUC and precision / n at thresholds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold
    p = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=5).split(X, y, g):
        m = LogisticRegression(C=C, max_iter=1000).fit(X[tr][:, cols], y[tr])
        p[te] = m.predict_proba(X[te][:, cols])[:, 1]
    out = {"auc": round(float(roc_auc_score(y, p)), 3), "n": int(len(y)), "positives": int(y.sum())}
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.82, 0.85, 0.9):
        sel = p >= t
        out[f"at_{t}"] = {"shown": int(sel.sum()), "precision": round(float(y[sel].mean()), 3) if sel.any() else None}
    # the lowest threshold (0.01 steps) whose out-of-fold precision is >= 0.90 with >= 20 entries above it:
    # the display threshold this data supports without scoring the model on what it was fit on
    grid = [round(0.5 + 0.01 * k, 2) for k in range(50)]
    ok = [t for t in grid if (p >= t).sum() >= 20 and y[p >= t].mean() >= 0.9]
    if ok:
        sel = p >= ok[0]
        out["threshold_for_0.90"] = {"threshold": ok[0], "shown": int(sel.sum()),
                                     "precision": round(float(y[sel].mean()), 3)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--features", default="", help="comma-separated subset of FEATURES (default: all)")
    ap.add_argument("--cache", default="", help="npz of collected (X, y, g): reuse when present, else write")
    a = ap.parse_args(argv)
    import os
    if a.cache and os.path.exists(a.cache):
        z = np.load(a.cache, allow_pickle=True)
        X, y, g, names = z["X"], z["y"], z["g"], list(z["names"])
    else:
        X, y, g, names = collect(a.labels, a.data, a.db)
        if a.cache:
            np.savez(a.cache, X=X, y=y, g=g, names=np.array(names))
    use = a.features.split(",") if a.features else names
    cols = [names.index(n) for n in use]
    rep = {"features": use, "C": a.C, "events": int(len(set(g))), "cv": cv_report(X, y, g, cols, a.C)}
    from sklearn.linear_model import LogisticRegression
    m = LogisticRegression(C=a.C, max_iter=1000).fit(X[:, cols], y)
    model = {"features": use, "coef": [round(float(c), 5) for c in m.coef_[0]],
             "intercept": round(float(m.intercept_[0]), 5), "C": a.C, "trained_on": {
                 "labels": "benchmarks/labels/basil timeline items, splits dev + dev-extra",
                 "entries": int(len(y)), "correct": int(y.sum()), "events": int(len(set(g)))},
             "cv": rep["cv"]}
    with open(a.out, "w", encoding="utf-8") as fh:
        json.dump(model, fh, indent=1)
        fh.write("\n")
    print(json.dumps(rep, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
