"""The confidence of a confirmed dispute: a logistic regression over structural features of the decided
question (issue 15, section 2), trained on blind labels (``models/disputes/README.md``).

``disputes.decide_pairs`` decides a dispute structurally (a denial, differing values of one unit, a negation,
each asked of the same-claim model); this module scores how likely such a decided pair is a real
contradiction, from what the labels showed separates the right ones from the wrong ones: the kind and unit of
the conflict, the same-proposition probability of the compared texts, how much of each text the other holds,
the share of named entities the two claims have in common, whether the story's claim alignment had merged
the two claims as one proposition, and who holds each side
(a named speaker or the outlet's voice). Weights: ``models/disputes/confidence.json``, loaded once;
``benchmarks/train_dispute_confidence.py`` fits them (logistic regression, Cox 1958; scikit-learn's
``LogisticRegression`` with L2 penalty).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from storyscope import errors
from storyscope.compare.dispute_signals import SIGNALS, signals

MODEL = Path(__file__).resolve().parent.parent / "models" / "disputes" / "confidence.json"
FEATURES = ("value", "denial", "negation", "value_date", "value_percent", "value_count", "logit_same",
            "overlap_min", "overlap_max", "entity_overlap", "aligned", "speaker_a", "speaker_b", "outlet_voice_b",
            "quoted_a", "quoted_b") + SIGNALS
QUOTES = ("\"", "“", "”")


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def features(kind: str, unit: str, a: dict, b: dict, texts: tuple[str, str], prob: float, aligned: bool,
             with_signals: bool = True) -> dict:
    """The features of one decided question, ``{name: float}`` in ``FEATURES`` order.

    ``kind``/``unit``: the question's kind (``dispute_rules.KINDS``) and value unit ("" for denial and negation;
    "date", "percent", "$ <noun>" or a counted noun); ``a`` the denying / negating / first side's analysed claim,
    ``b`` the other's (``claims.analyse_sentence`` dicts with ``speaker``, ``sentence``); ``texts`` the two
    compared texts; ``prob`` their same-claim probability (mean of both orders); ``aligned``: the story's
    claim alignment put both claims in one story claim; ``with_signals``: also the parse signals of
    ``dispute_signals.SIGNALS`` (each sentence parsed; ``needs_signals`` says whether the shipped model reads any)."""
    from storyscope.compare.dispute_rules import shared
    ox, oy = shared(texts[0], texts[1]), shared(texts[1], texts[0])
    value = kind == "value"
    return {
        "value": float(value), "denial": float(kind == "denial"), "negation": float(kind == "negation"),
        "value_date": float(value and unit == "date"), "value_percent": float(value and unit == "percent"),
        "value_count": float(value and unit not in ("date", "percent") and not unit.startswith("$")),
        "logit_same": _logit(prob), "overlap_min": min(ox, oy), "overlap_max": max(ox, oy),
        "entity_overlap": _entity_overlap(a, b), "aligned": float(aligned),
        "speaker_a": float(bool(a.get("speaker"))), "speaker_b": float(bool(b.get("speaker"))),
        "outlet_voice_b": float(not b.get("speaker") and not any(q in b.get("sentence", "") for q in QUOTES)),
        "quoted_a": float(any(q in a.get("sentence", "") for q in QUOTES)),
        "quoted_b": float(any(q in b.get("sentence", "") for q in QUOTES)),
        **(signals(kind, unit, a, b, texts) if with_signals else {}),
    }


def _entity_overlap(a: dict, b: dict) -> float:
    """Share of the smaller side's named entities (``entities``, normalised names) the other side names too."""
    ea, eb = set(a.get("entities") or ()), set(b.get("entities") or ())
    return len(ea & eb) / min(len(ea), len(eb)) if ea and eb else 0.0


@lru_cache(maxsize=1)
def _model() -> dict:
    try:
        m = json.loads(MODEL.read_text())
    except (OSError, ValueError) as e:
        raise errors.MissingDependency(f"the dispute confidence model ({MODEL})", "reinstall storyscope") from e
    if not set(m["features"]) <= set(FEATURES):
        raise errors.MissingDependency(f"the dispute confidence model ({MODEL}: unknown features)",
                                       "reinstall storyscope")
    return m


def needs_signals() -> bool:
    """Whether the shipped model reads any of ``dispute_signals.SIGNALS`` (else ``features`` can skip them)."""
    return bool(set(_model()["features"]) & set(SIGNALS))


def confidence(rows: list[dict]) -> np.ndarray:
    """Probability that each decided question (``features`` dicts) is a real contradiction, shape (n,):
    sigmoid(w . standardised features + b) with the shipped weights and feature means / scales."""
    if not rows:
        return np.zeros(0)
    m = _model()
    names = m["features"]
    x = np.array([[r[n] for n in names] for r in rows], dtype=float)
    z = (x - np.array(m["mean"])) / np.array(m["scale"]) @ np.array(m["coef"]) + m["intercept"]
    return 1.0 / (1.0 + np.exp(-z))


__all__ = ["FEATURES", "confidence", "features", "needs_signals"]
