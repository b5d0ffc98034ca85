"""Same-claim decision variants and stacked features, measured on the MSRP dev fold (issue 15, session 7).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/pairs_decisions.py [LOGITS.npy] > /tmp/decisions.json

Reads ``../shared/datasets/pairs/msrp-train.jsonl`` (or ``STORYSCOPE_SHARED``), dev fold only
(``evaluate.pairs.is_dev``: never trained on). The shipped cross-encoder's log-odds (or those saved in
``LOGITS.npy``, an (n_dev, 2) array of logits in dev-file order, e.g. of a model trained to ``PAIRS_OUT``), the
MiniLM bi-encoder cosine, and the product's own rule proposals and guards (``claim_rules.rule_links``,
``claim_align._compatible`` on ``claims.analyse_text``, as ``claim_align.same_claim`` computes them) give:

- ``stacks``: accuracy at p >= 0.5 and average precision of logistic stacks over [log-odds, cosine] plus
  lexical overlap features (content-word overlap of the shorter / longer side, bigram overlap, number and
  capitalised-name mismatch, length ratio, negation mismatch), the rule flag and the guards; 5-fold
  stratified cross-validation on the dev fold, mean over 5 shuffles (so nothing is scored where it was fit);
- ``decisions``: ``(p >= alone) | (ruled & p >= agree)`` with p the shipped stacked probability (0 where a
  guard forbids, as in the dossier), on a grid of the two thresholds; the shipped pair is (threshold,
  agree_threshold) of ``same-claim.json``. p is in-sample for the stack's three weights (fit on this fold),
  as in ``storyscope eval pairs``; with ``LOGITS.npy`` the stack is refit on the fold for those log-odds;
- ``guards``: per guard, the pairs it forbids, the "same" among them, and the model's accuracy there.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyscope.evaluate.pairs import is_dev, load_pairs, scores  # noqa: E402

SHARED = Path(os.environ.get("STORYSCOPE_SHARED", ROOT.parent / "shared"))
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,'][A-Za-z0-9]+)*")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_NEG = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without"}
_STOP = set("the a an of to in and is for on with at by as from that it its be was are has have this will said says".split())
LEXICAL = ["overlap_min", "overlap_max", "bigram", "number_mismatch", "name_mismatch", "length_ratio",
           "negation_mismatch"]


def lexical(a: str, b: str) -> list[float]:
    """The ``LEXICAL`` features of one pair (lower-cased word tokens, "n't" read as "not")."""
    ta, tb = ([t.lower() for t in _WORD.findall(s.replace("n't", " not"))] for s in (a, b))
    ca, cb = set(ta) - _STOP, set(tb) - _STOP
    ov = len(ca & cb)
    pa, pb = ov / max(1, len(ca)), ov / max(1, len(cb))
    ba, bb = set(zip(ta, ta[1:])), set(zip(tb, tb[1:]))
    na, nb = ({x.replace(",", "") for x in _NUM.findall(s)} for s in (a, b))
    Ca, Cb = (set(re.findall(r"\b[A-Z][a-z]+", s)) for s in (a, b))
    mismatch = lambda x, y: len(x ^ y) / max(1, len(x | y))  # noqa: E731
    return [min(pa, pb), max(pa, pb), len(ba & bb) / max(1, min(len(ba), len(bb))), mismatch(na, nb),
            mismatch(Ca, Cb), min(len(ta), len(tb)) / max(1, len(ta), len(tb)),
            float(bool(set(ta) & _NEG) != bool(set(tb) & _NEG))]


def product_flags(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, dict]:
    """(ruled (n,), compatible (n,), per-guard masks): the product's rule proposal and guards per pair."""
    from storyscope.compare.claim_align import _day_keys, _year_keys, _compatible
    from storyscope.compare.claim_rules import rule_links, specific_entities
    from storyscope.compare.claims import analyse_text
    ruled, ok, parts = [], [], {"stance": [], "polarity": [], "count": [], "day_or_year": []}
    for r in rows:
        a, b = ({**analyse_text(t), "article_id": k} for k, t in (("a", r["a"]), ("b", r["b"])))
        ruled.append((0, 1) in rule_links([a, b], [(0, 1)], specific_entities([a, b])))
        ok.append(_compatible(a, b))
        va, vb = {x["value"] for x in a["numbers"]}, {y["value"] for y in b["numbers"]}
        parts["stance"].append(a["stance"] != b["stance"])
        parts["polarity"].append(a["polarity"] != b["polarity"])
        parts["count"].append(any(x["noun"] and x["noun"] == y["noun"] and x["value"] != y["value"]
                                  and x["value"] not in vb and y["value"] not in va
                                  for x in a["numbers"] for y in b["numbers"]))
        da, db, ya, yb = _day_keys(a), _day_keys(b), _year_keys(a), _year_keys(b)
        parts["day_or_year"].append(bool(da and db and not da & db) or bool(ya and yb and not ya & yb))
    return np.array(ruled), np.array(ok), {k: np.array(v) for k, v in parts.items()}


def cv_stack(X: np.ndarray, y: np.ndarray, shuffles: int = 5) -> dict:
    """Accuracy at 0.5 and average precision of a logistic stack, 5-fold CV, mean over ``shuffles``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    acc, ap = [], []
    for seed in range(shuffles):
        cv = cross_val_predict(LogisticRegression(max_iter=2000), X, y, method="predict_proba",
                               cv=StratifiedKFold(5, shuffle=True, random_state=seed))[:, 1]
        acc.append(((cv >= 0.5) == y).mean())
        ap.append(average_precision_score(y, cv))
    return {"accuracy": round(float(np.mean(acc)), 4), "average_precision": round(float(np.mean(ap)), 4)}


def main(logits_path: str | None = None) -> dict:
    from storyscope.compare import pairs as P
    rows = [r for r in load_pairs(SHARED / "datasets" / "pairs" / "msrp-train.jsonl", "same-claim") if is_dev(r["id"])]
    texts = [(r["a"], r["b"]) for r in rows]
    y = np.array([r["label"] == "same" for r in rows], int)
    model = P.warm_up("same-claim")
    logits = np.load(logits_path) if logits_path else model.logits(texts)
    s, cos = P.score_of(logits, 1), P.cosines(texts)
    lex = np.array([lexical(a, b) for a, b in texts])
    ruled, ok, guards = product_flags(rows)
    G = np.column_stack(list(guards.values())).astype(float)
    stacks = {"log-odds": np.c_[s], "log-odds + cosine (shipped stack)": np.c_[s, cos],
              "log-odds + lexical": np.c_[s, lex], "log-odds + cosine + lexical": np.c_[s, cos, lex],
              "lexical + cosine (no cross-encoder)": np.c_[lex, cos], "log-odds + cosine + rule flag": np.c_[s, cos, ruled],
              "log-odds + cosine + guards": np.c_[s, cos, G], "log-odds + cosine + rule flag + guards": np.c_[s, cos, ruled, G]}
    w = model.meta["stack"]
    if logits_path:  # another model's log-odds: its own stack, fit on this fold as ``train_pairs.py --stack`` does
        from sklearn.linear_model import LogisticRegression
        lr = LogisticRegression(C=1.0).fit(np.c_[s, cos], y)
        w = [*lr.coef_[0], lr.intercept_[0]]
    free = 1.0 / (1.0 + np.exp(-(w[0] * s + w[1] * cos + w[2])))
    p = free * ok
    st = P.settings()
    grid = {f"alone {t} | ruled & p >= {g}": scores(y, (p >= t) | (ruled & (p >= g)))
            for t in (st.same_claim, 0.6, 0.5) for g in (st.same_claim_agree, 0.3, 0.4)}
    grid.update({f"alone {t}, no rules": scores(y, p >= t) for t in (0.4, 0.5, 0.6)})
    grid["alone 0.5, no rules, no guards"] = scores(y, free >= 0.5)
    return {"n": len(rows), "positives": int(y.sum()), "logits": logits_path or "shipped",
            "stacks": {k: cv_stack(X, y) for k, X in stacks.items()}, "decisions": grid,
            "ruled": scores(y, ruled & ok),
            "guards": {k: {"forbids": int(m.sum()), "same_among": int(y[m].sum()),
                           "model_accuracy_at_0.5": round(float(((free[m] >= 0.5) == y[m]).mean()), 3) if m.any() else None}
                       for k, m in guards.items()}}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else None), indent=1))
