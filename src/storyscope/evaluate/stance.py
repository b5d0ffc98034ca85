"""`storyscope eval stance`: the shipped stance model on an FNC-1 style split.

Reads ``{split}_bodies.csv`` (Body ID, articleBody) and ``{split}_stances.csv``
(Headline, Body ID, Stance) and scores with the official FNC-1 metric, so figures are
comparable with the published ones (SOLAT in the SWEN: 82.02% relative score).
The grouped validation split used for training lives here too, so the training script
and the tests recompute exactly the same held-out bodies.
"""
from __future__ import annotations

import csv
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from storyscope import errors
from storyscope.unionfind import UnionFind

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset(LABELS[:3])
SPLIT_SEED = 1337
VAL_FRACTION = 0.2


def read_fnc(data_dir: str | Path, split: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Bodies by id, and (headline, body id, stance) rows; stance may be '' when unlabelled."""
    d = Path(data_dir)
    bodies_path, stances_path = d / f"{split}_bodies.csv", d / f"{split}_stances.csv"
    for p in (bodies_path, stances_path):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: {errors.NO_FNC1_FILE}")
    csv.field_size_limit(sys.maxsize)
    with bodies_path.open(encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"].strip(): r["articleBody"] for r in csv.DictReader(f)}
    with stances_path.open(encoding="utf-8", newline="") as f:
        rows = [(r["Headline"], r["Body ID"].strip(), (r.get("Stance") or "").strip().lower())
                for r in csv.DictReader(f)]
    missing = sorted({b for _, b, _ in rows if b not in bodies})
    if missing:
        raise ValueError(f"{stances_path}: {errors.FNC1_NO_BODY.format(n=len(missing), examples=missing[:3])}")
    return bodies, rows


def claim_groups(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """Body id -> claim group: bodies joined by sharing a related headline.

    FNC-1 pairs each claim's headline with several bodies, so a plain split by Body ID
    still leaks the claim (and its topic) into validation; the test set has new claims.
    """
    sets: UnionFind[str] = UnionFind()
    for h, b, s in rows:
        sets.add("b" + b)
        if s in RELATED:
            sets.union("h" + h, "b" + b)
    return {b: sets.find("b" + b) for _, b, _ in rows}


def grouped_split(rows: list[tuple[str, str, str]], seed: int = SPLIT_SEED,
                  val_fraction: float = VAL_FRACTION) -> tuple[list[int], list[int]]:
    """Row indices (train, validation), split by Body ID grouped into claims, deterministically."""
    groups = claim_groups(rows)
    size: dict[str, int] = defaultdict(int)
    for b in {b for _, b, _ in rows}:
        size[groups[b]] += 1
    order = sorted(size)
    random.Random(seed).shuffle(order)
    target, taken, val_groups = val_fraction * sum(size.values()), 0, set()
    for g in order:
        if taken >= target:
            break
        val_groups.add(g)
        taken += size[g]
    train, val = [], []
    for i, (_, b, _) in enumerate(rows):
        (val if groups[b] in val_groups else train).append(i)
    return train, val


def fnc_score(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """Official FNC-1 score and its maximum: +0.25 related/unrelated right, +0.75 exact related label."""
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
        best += 0.25 if g == "unrelated" else 1.0
    return score, best


def report(gold: list[str], pred: list[str]) -> dict:
    """Relative score, macro F1, per-class P/R/F1 and the confusion matrix (rows gold, cols predicted)."""
    idx = {lab: i for i, lab in enumerate(LABELS)}
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, pred, strict=True):
        matrix[idx[g]][idx[p]] += 1
    per_class, f1s = {}, []
    for lab, i in idx.items():
        tp = matrix[i][i]
        npred = sum(row[i] for row in matrix)
        ngold = sum(matrix[i])
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_class[lab] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4), "support": ngold}
        f1s.append(f1)
    score, best = fnc_score(gold, pred)
    return {
        "relative_score": round(score / best, 4) if best else 0.0,
        "score": score,
        "max_score": best,
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "per_class": per_class,
        "confusion": {"labels": list(LABELS), "matrix": matrix},
    }


PROGRESS_EVERY = 2000  # pairs per progress line on stderr


def evaluate_stance(data_dir: str, split: str, model_path: str | None = None) -> dict:
    """Score the shipped stance model on ``{data_dir}/{split}_*.csv`` with the official FNC-1 metric."""
    from storyscope.compare.stance import get_model

    bodies, rows = read_fnc(data_dir, split)
    bad = sorted({s for _, _, s in rows if s not in LABELS})
    if bad:
        raise ValueError(f"{split}_stances.csv: {errors.FNC1_BAD_STANCE.format(values=bad[:5])}")
    model = get_model(model_path)
    t0 = time.perf_counter()
    print(f"stance: predicting {len(rows)} pairs over {len(bodies)} bodies", file=sys.stderr)
    pred = []
    for k in range(0, len(rows), PROGRESS_EVERY):  # pairs are featurised one by one: chunks only pace the progress
        pred += model.predict([(h, bodies[b]) for h, b, _ in rows[k:k + PROGRESS_EVERY]])
        print(f"stance: {min(k + PROGRESS_EVERY, len(rows))}/{len(rows)} pairs", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - t0
    out = report([s for _, _, s in rows], pred)
    out.update(pairs=len(rows), seconds=round(seconds, 2))
    return out
