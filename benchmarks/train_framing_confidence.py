"""Train the framing term confidence (issue 15): logistic regression over `framing_confidence.term_features`.

Data: the labelled ``framing`` items of benchmarks/labels/basil (and of each ``--set``, e.g. the ECB+ and FNC-1
label sets) with split dev or dev-extra only (never test / test-extra); a term the product shows that matches a labelled item (`findings_spans.judge_span`: its span and
claim) is a positive when its verdict is "correct". Event-grouped cross-validation (5 folds over BASIL events,
out-of-fold probabilities) reports AUC and precision at thresholds of the row confidence that decides display
(`framing._entry_confidence` of the out-of-fold term probabilities); the final model is fit on all of it and
written as JSON (L2-penalised logistic regression on standardised features, fit by Newton's method: a few lines
of numpy, the same objective as scikit-learn's ``LogisticRegression(C=...)``).

    PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/train_framing_confidence.py \
        --labels benchmarks/labels/basil --data ../shared/datasets/basil/stories.jsonl --db /tmp/frame8/ef.db \
        --out src/storyscope/models/framing/confidence.json
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def collect(labels: str, data: str, db: str) -> list[dict]:
    """[{"x": features, "y": 0|1, "event", "row": row index key}] of the product's dev framing terms that match
    a labelled item (dossier from the product's path, `run_events`)."""
    from storyscope.compare.framing_confidence import term_features
    from storyscope.evaluate import labels as L
    from storyscope.evaluate.events import load_records, run_events
    from storyscope.evaluate.findings_spans import framing_terms, judge_span
    items = [it for it in L.load_items(labels) if it.get("split") in ("dev", "dev-extra") and it["kind"] == "framing"
             and it.get("final") and it["final"] != "unclear"]
    recs = load_records(data)
    events = sorted({it["event"] for it in items} & {str(r["story"]) for r in recs})
    ws, dossier, source_of = run_events(recs, events, db=db, progress=lambda m: print(m, file=sys.stderr))
    ws.close()
    out = []
    for story in dossier["stories"]:
        for n, row in enumerate(story.get("framing", [])):
            terms = [t for ts in (row.get("terms") or {}).values() for t in ts if t.get("evidence")]
            for t, f in zip(terms, framing_terms({"framing": [row]})):
                j = judge_span(f, items, source_of)
                out.append({"x": term_features(row, t), "y": int(bool(j["correct"])) if j["covered"] else None,
                            "event": story["id"], "row": f"{story['id']}:{n}",
                            "article": f["span"][0]})
    return out


def fit(X: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept): L2-penalised logistic regression (penalty 1 / (2C) |w|^2, intercept
    free) on standardised X, by Newton's method."""
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1.0
    Z = np.hstack([(X - mu) / sd, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], 1.0 / C)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-Z @ w))
        g = Z.T @ (p - y) + reg * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mu, sd, w[:-1], float(w[-1])


def predict(model: tuple, X: np.ndarray) -> np.ndarray:
    mu, sd, coef, b = model
    return 1 / (1 + np.exp(-(((X - mu) / sd) @ coef + b)))


def auc(p: np.ndarray, y: np.ndarray) -> float | None:
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return None
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg)))


def row_confidence(rows: list[dict], p: np.ndarray) -> np.ndarray:
    """Each term's row confidence: the second most certain article's best term (framing._entry_confidence)."""
    from storyscope.compare.framing import _entry_confidence
    by_row: dict[str, dict[str, list[dict]]] = {}
    for r, q in zip(rows, p):
        by_row.setdefault(r["row"], {}).setdefault(r["article"], []).append({"confidence": float(q)})
    conf = {k: _entry_confidence(v) for k, v in by_row.items()}
    return np.array([conf[r["row"]] for r in rows])


def cross_validated(rows: list[dict], names: list[str], C: float, folds: int = 5) -> np.ndarray:
    """Out-of-fold P(correct) of every row (labelled or not), folds by event (round robin over sorted events)."""
    X = np.array([[r["x"][f] for f in names] for r in rows])
    y = np.array([r["y"] if r["y"] is not None else -1 for r in rows])
    events = sorted({r["event"] for r in rows})
    fold = {e: i % folds for i, e in enumerate(events)}
    f = np.array([fold[r["event"]] for r in rows])
    p = np.zeros(len(rows))
    for k in range(folds):
        tr = (f != k) & (y >= 0)
        p[f == k] = predict(fit(X[tr], y[tr], C), X[f == k])
    return p


def report(rows: list[dict], p: np.ndarray) -> dict:
    """AUC of the term probabilities and precision of labelled terms at row-confidence thresholds."""
    y = np.array([r["y"] if r["y"] is not None else -1 for r in rows])
    rc = row_confidence(rows, p)
    lab = y >= 0
    out = {"n": int(lab.sum()), "correct": int((y == 1).sum()), "auc_term": auc(p[lab], y[lab]),
           "auc_row": auc(rc[lab], y[lab]), "at": []}
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        keep = lab & (rc >= t)
        out["at"].append({"threshold": t, "covered": int(keep.sum()), "correct": int((y[keep] == 1).sum()),
                          "precision": round(float((y[keep] == 1).mean()), 3) if keep.any() else None})
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", default="benchmarks/labels/basil")
    ap.add_argument("--data", default="../shared/datasets/basil/stories.jsonl")
    ap.add_argument("--db")
    ap.add_argument("--set", nargs=3, action="append", metavar=("LABELS", "DATA", "DB"), default=[],
                    help="a further label set pooled with the first (its dev / dev-extra items only), e.g. "
                         "benchmarks/labels/ecbplus ../shared/datasets/ecbplus/stories-dev.jsonl /tmp/ecb.db")
    ap.add_argument("--out")
    ap.add_argument("--cache", help="a JSON file of the collected terms (written when missing)")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--features", default="quoted,reported,tie_place,tie_story,aligned,articles3,families2,loose")
    a = ap.parse_args(argv)
    try:
        rows = json.load(open(a.cache)) if a.cache else None
    except FileNotFoundError:
        rows = None
    if rows is None:
        rows = [r for lab, data, db in [(a.labels, a.data, a.db)] * bool(a.db) + [tuple(x) for x in a.set]
                for r in collect(lab, data, db)]
        if a.cache:
            json.dump(rows, open(a.cache, "w"))
    names = a.features.split(",")
    cv = report(rows, cross_validated(rows, names, a.C))
    lab = [r for r in rows if r["y"] is not None]
    model = fit(np.array([[r["x"][f] for f in names] for r in lab]), np.array([r["y"] for r in lab]), a.C)
    res = {"features": names, "mean": [round(float(v), 6) for v in model[0]],
           "scale": [round(float(v), 6) for v in model[1]], "coef": [round(float(v), 6) for v in model[2]],
           "intercept": round(model[3], 6), "C": a.C, "trained_on": {"labelled_terms": len(lab),
           "correct": sum(r["y"] for r in lab), "events": len({r["event"] for r in lab}),
           "label_sets": [a.labels] * bool(a.db) + [x[0] for x in a.set],
           "splits": ["dev", "dev-extra"]}, "cv": cv}
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=1)
            fh.write("\n")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
