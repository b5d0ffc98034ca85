"""``storyscope eval pairs``: the dossier's pair decisions measured on labelled sentence pairs.

Input: JSON lines with ``id``, ``a``, ``b`` and ``label`` (``same``/``different`` for the same-claim task,
``entailment``/``neutral``/``contradiction`` for the contradiction task), the format of
``../shared/datasets/pairs/``. Each pair is decided by the function the dossier itself calls:
``compare.claim_align.same_claim`` (what ``align_claims`` merges on) and ``compare.disputes.contradiction_decisions``
(``decide_pairs``, what ``find_disputes`` keeps). The positive class is "same" or "contradiction".
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Iterable

import numpy as np

from storyscope import errors

CHUNK = 500  # pairs per progress line on stderr

POSITIVE = {"same-claim": "same", "contradiction": "contradiction"}
LABELS = {"same-claim": {"same", "different"}, "contradiction": {"entailment", "neutral", "contradiction"}}


def is_dev(pair_id: str, share: int = 5) -> bool:
    """The fixed dev fold: ids whose SHA-1 is 0 mod ``share`` (20%); never trained on."""
    return int(hashlib.sha1(pair_id.encode("utf-8")).hexdigest()[:8], 16) % share == 0


def load_pairs(path: str | Path, task: str | None = None) -> list[dict]:
    """Rows of a pairs JSONL file; raises ``errors.InputError`` naming the file and line on bad input."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise errors.InputError(str(path), f"cannot read ({e.strerror or e})") from e
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError as e:
            raise errors.InputError(f"{path}:{n}", errors.NOT_JSON_OBJECT) from e
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("id", "a", "b", "label")):
            raise errors.InputError(f"{path}:{n}", errors.PAIR_FIELDS)
        if not r["a"].strip() or not r["b"].strip():
            raise errors.InputError(f"{path}:{n}", errors.PAIR_TEXTS)
        if task and r["label"] not in LABELS[task]:
            raise errors.InputError(f"{path}:{n}", errors.BAD_PAIR_LABEL.format(label=r["label"], allowed=sorted(LABELS[task])))
        rows.append(r)
    if not rows:
        raise errors.InputError(str(path), "no pairs")
    return rows


def scores(y: Iterable, pred: Iterable) -> dict:
    """Accuracy and precision / recall / F1 of the positive class (1) for 0/1 gold ``y`` and ``pred``."""
    y, pred = np.asarray(list(y), bool), np.asarray(list(pred), bool)
    tp = int((y & pred).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / y.sum() if y.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"n": int(len(y)), "positives": int(y.sum()), "predicted": int(pred.sum()),
            "accuracy": round(float((y == pred).mean()) if len(y) else 0.0, 4),
            "precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)}


def evaluate_pairs(path: str | Path, task: str, fold: str = "all", threshold: float | None = None) -> dict:
    """Scores of the dossier's pair decision on a pairs file.

    ``task``: "same-claim" (``compare.claim_align.same_claim``, as ``align_claims`` merges) or "contradiction"
    (``compare.disputes.contradiction_decisions``, as ``find_disputes`` keeps). ``fold``: "all", or "dev" /
    "train" (``is_dev``, the split the pair models were trained with). ``threshold`` replaces the shipped
    one (to trace the curve): for same-claim the model alone at it; for contradiction the structural
    decision at that lowest confidence (the learned ``compare.dispute_confidence`` of the decided question). The
    reported ``threshold`` of the contradiction task is the lowest confidence a listed dispute has (the weak
    tier's). Raises ``errors.InputError``.
    """
    if task not in POSITIVE:
        raise errors.InputError(task, errors.UNKNOWN_TASK.format(tasks=sorted(POSITIVE)))
    if fold not in ("all", "dev", "train"):
        raise errors.InputError(fold, errors.UNKNOWN_FOLD)
    rows = [r for r in load_pairs(path, task) if fold == "all" or is_dev(r["id"]) == (fold == "dev")]
    if not rows:
        raise errors.InputError(str(path), f"no pairs in the {fold} fold")
    pairs = [(r["a"], r["b"]) for r in rows]
    from storyscope.compare import pairs as pair_models
    if task == "same-claim":
        from storyscope.compare.claim_align import same_claim as decide_pairs
        shipped = pair_models.settings().same_claim
    else:
        from storyscope.compare.disputes import DISPUTES
        from storyscope.compare.disputes import contradiction_decisions as decide_pairs
        shipped = DISPUTES.weak_confidence  # every dispute listed; --threshold above it: confirmed ones from it
    decided, prob = [], []
    for k in range(0, len(pairs), CHUNK):  # each pair is decided on its own: chunks only pace the progress line
        d, p = decide_pairs(pairs[k:k + CHUNK])[:2]
        decided.append(d)
        prob.append(p)
        print(f"eval pairs: {min(k + CHUNK, len(pairs))}/{len(pairs)} pairs", file=sys.stderr, flush=True)
    decided, prob = np.concatenate(decided), np.concatenate(prob)
    if threshold is not None:  # the model alone (same-claim) / the decided pairs' confidence (contradiction)
        decided = prob >= threshold if task == "same-claim" else decided & (prob >= threshold)
    gold = [r["label"] == POSITIVE[task] for r in rows]
    return {"task": task, "data": str(path), "fold": fold, "threshold": threshold if threshold is not None else shipped,
            **scores(gold, decided)}
