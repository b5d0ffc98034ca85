"""Disputes: claims of a story that cannot both be true (issue 15, section 2).

A dispute is shown only in one of three structural shapes (``dispute_rules``): one source explicitly
denies what another asserts (the denied content states the other's assertion), the two give different
values of one unit for the same proposition (the claims state the same proposition once numbers and dates
are masked), or one negates what the other asserts (the same proposition once the negation is removed).
Each shape is one same-proposition question put to the learned same-claim cross-encoder
(``compare.pairs.same_claim_prob``, calibrated on the MSRP dev fold), which decides it at a floor per kind.
The dispute's ``confidence`` is a learned probability that the decided pair is a real contradiction
(``dispute_confidence``: a logistic regression over the kind, that probability, the entities both claims name
and the asserting side's voice, trained on the BASIL dev labels and the RTE-3 train fold;
``models/disputes/README.md``). The contradiction cross-encoder is not used: on RTE-3 it never reached 0.90
precision (dev AP 0.16, ``models/pairs/README.md``). Guards: never the same passage, never one holder on both
sides; a paraphrase has no denial, no differing value and no negation asymmetry, so it has no question to ask.
Embedding cosines only shortlist candidate pairs. The earlier rules (``dispute_legacy``) only add **weak** disputes
at ``DisputeSettings.weak_confidence`` (0 of 42 of their disputes were correct on the BASIL dev labels), listed
after the confirmed ones and hidden by the display threshold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import extract_claims
from storyscope.compare.dispute_rules import (KINDS, denied_contents, holder, negated, neutralised, questions,
                                             value_conflict)


@dataclass(frozen=True)
class DisputeSettings:
    """Tuned values of dispute finding.

    floor: per kind, the lowest same-proposition probability (``compare.pairs.same_claim_prob``, mean of both
        orders) at which a structural cue becomes a dispute; the ``confidence`` shown is the learned
        ``dispute_confidence.confidence`` of the decided pair, and what is shown by default is set apart by the
        display threshold (``dossier/display_thresholds.json``).
    shortlist_cosine: lowest MiniLM cosine of two claim texts (a denied content and a claim for a denial) for
        a pair to be asked about; shortlist_per_claim: at most this many best-cosine partners of other story
        claims per text.
    weak_confidence: the confidence of a weak dispute: a pair of related claims (``_weak``; MiniLM cosine of
        the claim texts >= ``related_cosine``, ...) that a rule of ``dispute_legacy.judge`` of a kind in ``weak_kinds`` flags and
        the structural test does not confirm (those rules' disputes were 0 of 42 correct on the BASIL dev labels).
    """
    floor_denial: float = 0.2
    floor_value: float = 0.2
    floor_negation: float = 0.3
    shortlist_cosine: float = 0.4
    shortlist_per_claim: int = 8
    weak_confidence: float = 0.05
    weak_kinds: tuple[str, ...] = ("denial", "negation", "explanation")
    related_cosine: float = 0.3

    def floor(self, kind: str) -> float:
        """The decision floor of one dispute kind (one of ``dispute_rules.KINDS``)."""
        return {"denial": self.floor_denial, "value": self.floor_value, "negation": self.floor_negation}[kind]


DISPUTES = DisputeSettings()


@dataclass
class Decision:
    """One decided pair: ``a`` denies / negates / states one value, ``b`` asserts / states the other;
    ``prob`` the same-proposition probability of the compared texts; ``texts`` those two texts;
    ``confidence`` the learned probability that the pair is a real contradiction (``dispute_confidence``;
    ``weak_confidence`` for a weak one); ``features`` what it was computed from."""
    kind: str
    unit: str
    prob: float
    a: dict
    b: dict
    texts: tuple[str, str]
    confidence: float = 0.0
    features: dict | None = None


def decide_pairs(pairs: Sequence[tuple[dict, dict]], settings: DisputeSettings = DISPUTES,
                 aligned: Sequence[bool] | None = None, score: bool = True) -> list[Decision | None]:
    """The dispute decision on pairs of analysed claims (``claims.analyse_sentence`` dicts with ``id``,
    ``attributed_to``, ``stance``), one entry per pair: the strongest ``Decision`` over both orders
    (denial and negation are tried with either claim as the denying side), or None.

    Each structural question of ``dispute_rules.questions`` is answered by the same-claim model, the mean of
    both orders, in one batch; a question stands at or above ``settings.floor(kind)``; of a pair's standing
    questions the one of highest learned ``confidence`` is kept (``dispute_confidence.confidence`` over
    ``dispute_confidence.features``; ``aligned[k]``: pair k's claims are one story claim). ``score=False``
    leaves ``confidence`` at 0 and keeps the highest probability (to collect training rows)."""
    from storyscope.compare.dispute_confidence import confidence, features, needs_signals
    from storyscope.compare.pairs import same_claim_prob
    asks: list[tuple[int, str, str, dict, dict, str, str]] = []
    for k, (a, b) in enumerate(pairs):
        for x, y, values in ((a, b, True), (b, a, False)):
            for kind, unit, tx, ty in questions(x, y, values):
                asks.append((k, kind, unit, x, y, tx, ty))
    out: list[Decision | None] = [None] * len(pairs)
    if not asks:
        return out
    texts = [(q[5], q[6]) for q in asks]
    prob = (same_claim_prob(texts) + same_claim_prob([(y, x) for x, y in texts])) / 2
    stand = [(q, float(p)) for q, p in zip(asks, prob) if p >= settings.floor(q[1])]
    parse = needs_signals() or not score  # training rows (score=False) carry every feature
    feats = [features(kind, unit, x, y, (tx, ty), p, bool(aligned[k]) if aligned is not None else False, parse)
             for (k, kind, unit, x, y, tx, ty), p in stand]
    conf = confidence(feats) if score else np.zeros(len(stand))
    for ((k, kind, unit, x, y, tx, ty), p), f, c in zip(stand, feats, conf):
        d = Decision(kind, unit, p, x, y, (tx, ty), float(c), f)
        if out[k] is None or (d.confidence, d.prob) > (out[k].confidence, out[k].prob):
            out[k] = d
    return out


def _sentence_claims(text: str, tag: str) -> list[dict]:
    """The claims of a free-standing text, one per sentence of its spaCy parse (``claims.analyse_sentence``)."""
    from storyscope.record import Article
    from storyscope.stages.nlp import parse
    art = Article(id=tag, text=text)
    bundle = StoryBundle([art])
    out = []
    for n, sent in enumerate(parse(text).sents):
        for c in bundle_claims(bundle, art.id, sent.start_char, sent.end_char):
            c["id"] = f"{tag}:c{n}"
            out.append(c)
    return out


def bundle_claims(bundle: StoryBundle, aid: str, s0: int, s1: int) -> list[dict]:
    """Claims of one sentence ``[s0, s1)`` of an article, with the fields ``extract_claims`` adds."""
    from storyscope.compare.claims import analyse_sentence
    out = []
    for c in analyse_sentence(bundle, aid, s0, s1):
        c["stance"] = "denies" if c["denial"] else "asserts"
        c["attributed_to"] = c["speaker"] or aid
        c["evidence"] = [{"article_id": aid, "start": s0, "end": s1}]
        out.append(c)
    return out


def contradiction_decisions(pairs: Sequence[tuple[str, str]],
                            settings: DisputeSettings = DISPUTES) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``find_disputes``' decision on free-standing text pairs (RTE style: ``a`` a passage, ``b`` a statement):
    (decisions bool (n,), confidence (n,): the most confident decided question's learned confidence
    (``dispute_confidence``), else 0, kinds).

    Each text is split into sentences and analysed as in a story (``_sentence_claims``); every sentence pair
    across the two texts goes through ``decide_pairs``, the function ``find_disputes`` uses; a pair of texts
    is a contradiction when any of its sentence pairs is a dispute, else when the weak tier (``_weak``) flags one
    (confidence ``settings.weak_confidence``; ``eval pairs --threshold`` above it counts confirmed ones only)."""
    claims = [(_sentence_claims(a, "a"), _sentence_claims(b, "b")) for a, b in pairs]
    flat = [(x, y) for ca, cb in claims for x in ca for y in cb]
    got = iter(decide_pairs(flat, settings))
    decided, conf, kinds = np.zeros(len(pairs), bool), np.zeros(len(pairs)), [""] * len(pairs)
    for k, (ca, cb) in enumerate(claims):
        best = None
        for _ in range(len(ca) * len(cb)):
            d = next(got)
            if d is not None and (best is None or d.confidence > best.confidence):
                best = d
        if best is None and ca and cb:  # as in a story: the weak tier where nothing is confirmed
            weak = _weak(ca + cb, {c["id"]: c["id"] for c in ca + cb}, set(), settings)
            best = next((d for d in weak if d.a["article_id"] != d.b["article_id"]), None)
        if best is not None:
            decided[k], conf[k], kinds[k] = True, best.confidence, best.kind
    return decided, conf, kinds


def contradicts(a: str, b: str) -> tuple[bool, str]:
    """Whether two free-standing statements dispute each other, and the kind ("" when not)."""
    decided, _, kinds = contradiction_decisions([(a, b)])
    return bool(decided[0]), kinds[0]


def _members(bundle: StoryBundle, story_claims: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Per-article claims of the story and the story claim each belongs to."""
    members, owner = [], {}
    if all("_members" in c for c in story_claims):
        for sc in story_claims:
            for m in sc["_members"]:
                members.append(m)
                owner[m["id"]] = sc["id"]
        return members, owner
    ev_owner = {(e["article_id"], e["start"]): sc["id"] for sc in story_claims for e in sc.get("evidence", [])}
    for m in extract_claims(bundle):
        key = (m["article_id"], m["start"])
        if key in ev_owner:
            members.append(m)
            owner[m["id"]] = ev_owner[key]
    return members, owner


def _candidates(members: list[dict], owner: dict[str, str], s: DisputeSettings) -> list[tuple[int, int]]:
    """Pairs (i < j) of claims worth asking about: of different story claims, close claim texts, a denied
    content or a negated claim without its negation close to the other claim's text (MiniLM cosines, at most the
    ``shortlist_per_claim`` best partners of other story claims per text); of
    one story claim, claims of different articles with a value conflict (``dispute_rules.value_conflict``)."""
    from storyscope.stages.embed import embed
    rows = [(i, m["text"]) for i, m in enumerate(members)] + \
        [(i, t) for i, m in enumerate(members) for t in denied_contents(m)] + \
        [(i, neutralised(m["text"])) for i, m in enumerate(members) if negated(m)]
    vec = embed([t for _, t in rows])
    text_vec = vec[:len(members)]
    sim = vec @ text_vec.T
    out = set()
    claim_of = np.array([owner[m["id"]] for m in members])
    for r, (i, _) in enumerate(rows):
        # the best partners among the eligible ones (of another story claim): the claim itself and the other
        # renderings of its own story claim never take a place in the shortlist
        row = np.where(claim_of != owner[members[i]["id"]], sim[r], -np.inf)
        for j in np.argsort(-row)[:s.shortlist_per_claim]:
            if row[j] >= s.shortlist_cosine:
                out.add((min(i, int(j)), max(i, int(j))))
    # members of one story claim from different articles that state different values: the alignment merged
    # them as one proposition, so they are the clearest value disputes
    by_owner: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        by_owner.setdefault(owner[m["id"]], []).append(i)
    for ids in by_owner.values():
        out |= {(i, j) for i in ids for j in ids if i < j and members[i]["article_id"] != members[j]["article_id"]
                and value_conflict(members[i], members[j])}
    return sorted(out)


def _about(d: Decision) -> str:
    ha, hb = holder(d.a), holder(d.b)
    if d.kind == "denial":
        text = f"{ha} denies: {d.texts[0]} (asserted by {hb})"
    elif d.kind == "negation":
        text = f"{ha}: not so that {d.texts[0]} (asserted by {hb})"
    elif d.kind == "value":
        unit = "" if d.unit == "date" or d.unit.startswith("$") else f" ({d.unit})"
        text = f"different figures{unit}: {d.a['text']} ({ha}) / {d.b['text']} ({hb})"
    else:
        text = f"{ha}: {d.a['text']} / {hb}: {d.b['text']}"
    text = re.sub(r"\s+", " ", ("unconfirmed " + d.kind + ": " if d.unit == "weak" else "") + text).strip()
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "..."


def _statement(d: Decision, side: str) -> str:
    """One side's words as its holder holds them: a denier denies, never asserts, the denied content."""
    c = d.a if side == "a" else d.b
    if side == "a" and d.kind == "denial":
        return f"{holder(c)} denies that {d.texts[0]}"
    return f"{holder(c)}: {c['text']}"


def _weak(members: list[dict], owner: dict[str, str], decided: set[frozenset], s: DisputeSettings) -> list[Decision]:
    """Weak disputes: related claim pairs of different story claims (close texts, two shared content lemmas, or
    a denial naming the other's holder) that a rule of ``dispute_legacy.judge`` flags, under the same guards (never one passage, never one holder on both sides), not already decided."""
    from storyscope.compare.dispute_legacy import _last, _ov, _texts_of, _Vec, judge
    from storyscope.compare.dispute_rules import same_passage, same_side
    vec = _Vec([t for m in members for t in _texts_of(m)])
    out = []
    for i, a in enumerate(members):
        for j, b in enumerate(members):
            if i == j or owner[a["id"]] == owner[b["id"]] or same_passage(a, b) or same_side(a, b) \
                    or frozenset((owner[a["id"]], owner[b["id"]])) in decided:
                continue
            if vec.cos(a["text"], b["text"]) < s.related_cosine and _ov(a["sentence_lemmas"], b["sentence_lemmas"]) < 2 \
                    and not any(d["target"] and _last(d["target"]) == _last(b["attributed_to"]) for d in a["denials"]):
                continue
            for f in judge(a, b, vec):
                if f.kind in s.weak_kinds:
                    out.append(Decision(f.kind, "weak", s.weak_confidence, f.a, f.b, (f.a["text"], f.b["text"]),
                                        s.weak_confidence))
                    break
    return out


def find_disputes(bundle: StoryBundle, story_claims: list[dict], limit: int = 10,
                  settings: DisputeSettings = DISPUTES) -> list[dict]:
    """Disputes of a story: {"id", "about", "kind", "score", "confidence", "sides": [{"claim_ids", "actors",
    "holder", "statement", "evidence", "stance"}]}, the denying / negating side second.

    Candidate claim pairs (``_candidates``) are decided by ``decide_pairs``; decided denials and negations of
    one story claim merge into one dispute (every claim they contradict on the asserting side), a value
    conflict is one pair of story claims; a dispute's ``confidence`` is its weakest pair's learned confidence
    (``dispute_confidence``), its ``score`` the strongest pair's same-proposition probability. Then weak disputes (``_weak``: the earlier rules, not confirmed) at
    ``settings.weak_confidence``, listed after the confirmed ones. ``story_claims`` are ``claim_align.align_claims``' output; at most ``limit``
    disputes, most confident first. Raises ``KeyError`` on claims without the analysed fields."""
    members, owner = _members(bundle, story_claims)
    if len(members) < 2:
        return []
    cand = _candidates(members, owner, settings)
    groups: dict[tuple, list[Decision]] = {}
    aligned = [owner[members[i]["id"]] == owner[members[j]["id"]] for i, j in cand]
    for d in decide_pairs([(members[i], members[j]) for i, j in cand], settings, aligned):
        if d is None:
            continue
        oa, ob = owner[d.a["id"]], owner[d.b["id"]]
        if d.kind == "value" and oa > ob:
            d = Decision(d.kind, d.unit, d.prob, d.b, d.a, d.texts[::-1], d.confidence, d.features)
            oa, ob = ob, oa
        # a denial or negation gathers every claim it contradicts; a value conflict is one pair of claims
        groups.setdefault((d.kind, oa) if d.kind != "value" else (d.kind, oa, ob), []).append(d)
    decided = {frozenset((owner[d.a["id"]], owner[d.b["id"]])) for ds in groups.values() for d in ds}
    for d in _weak(members, owner, decided, settings):
        groups.setdefault(("weak", d.kind, owner[d.a["id"]]), []).append(d)
    ranked = sorted(groups.values(), key=lambda ds: (-min(d.confidence for d in ds), -len(ds)))
    out = []
    for ds in ranked:
        best = max(ds, key=lambda d: d.prob)
        sides = []
        for role, stance in (("b", "asserts"), ("a", "denies" if best.kind in ("denial", "negation") else "asserts")):
            ms = list({getattr(d, role)["id"]: getattr(d, role) for d in ds}.values())
            sides.append({
                "claim_ids": list(dict.fromkeys(owner[m["id"]] for m in ms)),
                "actors": list(dict.fromkeys(m["attributed_to"] for m in ms)),
                "holder": holder(ms[0]),
                "statement": _statement(best, role),
                "stance": stance,
                "evidence": [e for m in ms for e in m["evidence"]],
            })
        conf = min(d.confidence for d in ds)
        out.append({"id": f"dispute-{len(out) + 1}", "kind": best.kind, "score": round(best.prob, 3),
                    "confidence": round(conf, 3), "about": _about(best), "sides": sides})
        if len(out) >= limit:
            break
    return out


__all__ = ["DISPUTES", "KINDS", "Decision", "DisputeSettings", "contradiction_decisions", "contradicts",
           "decide_pairs", "find_disputes"]
