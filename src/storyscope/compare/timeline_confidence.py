"""Confidence of a timeline entry: a logistic regression over features of its dated mention (issue 15).

Hand-set confidences (by the date's precision, halved for a partial label) did not separate right from
wrong entries on the labelled BASIL dev events: the failures are a date that belongs to a side clause or a
noun ("a lecture ... 9/11 ..."), a year inside a name ("Act of 1978") or beside an amount ("$2 billion in
fiscal 2019"), relative days, fragment labels. `mention_features` reads those from the spaCy parse of the
sentence; `confidence` applies the weights in ``storyscope/models/timeline/confidence.json`` (trained by
``benchmarks/train_timeline_confidence.py`` on the dev and dev-extra timeline labels only; its output is the
regression's probability, fit by log loss, with no separate calibration step; see the README beside the
weights), loaded once. Without the weights file the
hand-set rule of `TimelineSettings` applies.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

FEATURES = ("prec_day", "prec_month", "prec_year", "whole", "inferred", "multi_source", "relative",
            "head_is_root", "date_on_noun", "date_in_name", "dates_in_sentence", "amount_near",
            "label_has_date", "label_words", "side_clause", "label_lower_start", "label_conditional", "label_quote",
            "days_from_publication", "date_in_side_clause", "bare_weekday", "relative_year",
            "label_negated")
MODEL = Path(__file__).resolve().parent.parent / "models" / "timeline" / "confidence.json"
_AMOUNT = re.compile(r"(?i)[$\u20ac\u00a3]\s?\d|\d\s?%|\bpercent\b|\b(?:b|m|tr)illion\b|\bfiscal\b|\btax year\b|\bbudget\b")
_SIDE = ("advcl", "relcl", "acl", "ccomp", "xcomp", "pcomp", "csubj", "conj", "parataxis", "appos")


def _date_tokens(doc, start: int, end: int) -> list:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else [t for t in doc if start <= t.idx < end]


def mention_features(doc, text: str, s0: int, s1: int, start: int, end: int, prec: str, whole: bool,
                     inferred: bool, label: str, dates_in_sentence: int, value: str = "",
                     published: str | None = None) -> dict[str, float]:
    """Features of one dated mention: the date at [start, end) (character offsets into ``text``) in the
    sentence [s0, s1), ``doc`` the spaCy parse of ``text``, ``label`` the event label of the mention,
    ``whole`` whether it is a whole clause (`timeline_events.event_label`), ``value`` the resolved date
    (ISO, "YYYY[-MM[-DD]]") and ``published`` the article's date. Returns {name: value} for the names of
    `FEATURES` except ``multi_source`` (an entry's, set by `confidence`); days_from_publication is
    log(1 + |days|) / 10, 0 when either date is unknown."""
    toks = _date_tokens(doc, start, end)
    surface = text[start:end]
    f = {"prec_day": float(prec == "day"), "prec_month": float(prec == "month"), "prec_year": float(prec == "year"),
         "whole": float(whole), "inferred": float(inferred), "relative": float(not re.search(r"\d", surface)),
         "dates_in_sentence": float(min(dates_in_sentence, 4)),
         "amount_near": float(bool(_AMOUNT.search(text, max(s0, start - 40), min(s1, end + 40)))),
         "label_has_date": float(surface.lower() in label.lower()),
         "label_words": min(len(label.split()), 40) / 40.0,
         "label_lower_start": float(bool(label) and not label[0].isupper()),
         "label_conditional": float(bool(re.search(r"(?i)\b(?:if|unless|whether|would)\b", label))),
         "label_negated": float(bool(re.search(r"(?i)\b(?:not|never|no longer)\b|n[\'\u2019]t\b", label))),
         "label_quote": float(bool(re.search("[\"\u201c\u201d]", label))),
         "days_from_publication": _days(value, published)}
    head_is_root = date_on_noun = in_name = side = 0.0
    if toks:
        inside = {t.i for t in toks}
        top = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), toks[0])
        h = top.head
        date_on_noun = float(h.i != top.i and h.pos_ in ("NOUN", "PROPN") and top.dep_ in ("compound", "nmod", "amod",
                                                                                         "npadvmod", "nummod"))
        if h.pos_ == "ADP" and h.head.pos_ in ("NOUN", "PROPN"):
            date_on_noun = 1.0  # "the attacks of 2001", "the lecture in September"
        in_name = float(any(t.ent_type_ in ("LAW", "ORG", "EVENT", "WORK_OF_ART", "FAC", "PRODUCT") for t in toks)
                        or bool(re.search(r"\b[A-Z][a-z]+ (?:of|in) $", text[max(s0, start - 20):start]))
                        or bool(re.match(r"\s*[A-Z][a-z]+", text[end:end + 12])) and prec == "year")
        v = top
        while v.pos_ not in ("VERB", "AUX") and v.head.i != v.i:
            v = v.head
        head_is_root = float(v.dep_ == "ROOT")
        side = float(v.dep_ in _SIDE)
    from storyscope.compare.timeline_events import date_in_side_clause
    f.update(head_is_root=head_is_root, date_on_noun=date_on_noun, date_in_name=in_name, side_clause=side,
             date_in_side_clause=float(date_in_side_clause(doc, s0, s1, start, end)),
             bare_weekday=float(bool(re.fullmatch(r"(?i)(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
                                                  r"(?:\s+(?:morning|afternoon|evening|night))?", surface.strip()))),
             relative_year=float(bool(re.search(r"(?i)\b(?:last|next|this|past|coming)\s+year\b", surface))))
    return f


def _days(value: str, published: str | None) -> float:
    import datetime as dt
    try:
        v = dt.date.fromisoformat((value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10])
        p = dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return 0.0
    return math.log1p(abs((v - p).days)) / 10.0 if p else 0.0


@lru_cache(maxsize=1)
def _weights() -> dict | None:
    """The shipped model ({"features", "coef", "intercept", ...}), or None when absent."""
    if not MODEL.exists():
        return None
    return json.loads(MODEL.read_text("utf-8"))


def confidence(features: dict[str, float], independent_sources: int, fallback: float) -> float:
    """P(entry correct) in [0, 1] from `mention_features` of its label's mention and its number of
    independent sources; ``fallback`` (the hand-set confidence) when no weights are shipped."""
    w = _weights()
    if w is None:
        return fallback
    x = dict(features, multi_source=float(independent_sources >= 2))
    z = w["intercept"] + sum(c * x.get(n, 0.0) for n, c in zip(w["features"], w["coef"]))
    return 1.0 / (1.0 + math.exp(-z))
