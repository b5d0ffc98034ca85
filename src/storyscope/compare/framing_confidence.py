"""A learned confidence of a framing term: P(the term names its row's referent, in its family and voice).

A logistic regression (``models/framing/confidence.json``, trained by
``benchmarks/train_framing_confidence.py`` on the blind-labelled dev framing items of BASIL, event-grouped
cross-validation; see ``models/framing/README.md``) over a few features of the term and its row. The row's
confidence (which decides display) stays ``framing._entry_confidence`` of its terms' confidences.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

MODEL = Path(__file__).resolve().parents[1] / "models" / "framing" / "confidence.json"
# concepts whose words have most other senses on news text (military metaphors, generic groups)
LOOSE_CONCEPTS = {"military-action", "armed-group", "protest"}


def term_features(row: dict, term: dict) -> dict[str, float]:
    """Features of one framing term (a ``find_framing`` term dict) in its row; each in [0, 1]:

    quoted: inside quotation marks; reported: inside indirect speech; tie_place / tie_story: tied to the
    referent by a place beside it / only as the story's one referent of its concept (else: the article's
    one referent); aligned: a data-driven one-slot contrast; articles3: three or more articles in the row;
    families2: the row holds two or more families; loose: a concept whose words often have other senses."""
    tie = term.get("tie", "")
    aligned = row.get("source") == "aligned"
    return {"quoted": float(term.get("voice") == "quoted"), "reported": float(bool(term.get("reported_speech"))),
            "tie_place": float(tie == "place"), "tie_story": float(tie == "story"), "aligned": float(aligned),
            "articles3": float(len(row.get("terms") or {}) >= 3),
            "families2": float(len(row.get("families") or {t.get("family") for ts in (row.get("terms") or {}).values()
                                                           for t in ts}) >= 2),
            "loose": float(row.get("concept_id") in LOOSE_CONCEPTS)}


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> dict:
    """The stored model: ``{"features": [names], "mean", "scale", "coef": [floats], "intercept": float, ...}``.
    Raises FileNotFoundError / json.JSONDecodeError when the file is missing or unreadable."""
    return json.loads(Path(path or MODEL).read_text(encoding="utf-8"))


def term_confidence(features: dict[str, float], model: dict | None = None) -> float:
    """P(correct) in (0, 1), rounded to 3 places: the logistic of the standardised features (a feature
    the model does not list is ignored; one it lists and ``features`` lacks counts as 0)."""
    m = model or load_model()
    z = m["intercept"] + sum(c * (features.get(f, 0.0) - mu) / (sd or 1.0)
                             for f, mu, sd, c in zip(m["features"], m["mean"], m["scale"], m["coef"]))
    return round(1.0 / (1.0 + math.exp(-z)), 3)
