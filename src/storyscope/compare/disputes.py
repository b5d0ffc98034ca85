"""Disputes: claims of a story that cannot both be true, or that one actor denies and another asserts.

Embedding similarity only says two claims are about the same thing ("the US asked for bases" and
"they never asked for bases" are close), so similarity picks candidate pairs and a learned
contradiction pair model (``compare.pairs``, fine-tuned on RTE-3 and FNC-1) decides, behind hard guards
(never the same passage, never one speaker against themself, never a paraphrase). The rules of
``judge`` (an explicit denial whose complement matches the other claim or that targets its speaker,
negation asymmetry, antonyms, conflicting numbers on the same measured noun, conflicting dates or
places, different causes for the same act; ``dispute_rules``) also propose candidates and name the kind of a dispute.
Pairs that share a side are merged, so one dispute gathers every claim on each side; the strongest few
are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import analyse_text, extract_claims
from storyscope.compare.dispute_rules import Finding, _last, _ov, _texts_of, _Vec, judge

@dataclass(frozen=True)
class DisputeSettings:
    """Tuned values of dispute finding. The decision itself is the contradiction pair model's
    (``compare.pairs``: probability >= ``pairs.settings().contradiction``, the threshold that gave 0.90
    precision on its dev fold).

    shortlist_cosine: lowest MiniLM cosine of two sentences of different articles for the pair model to
        look at them (pairs a rule of ``judge`` flags are looked at whatever their cosine or article).
    shortlist_per_claim: at most this many best-cosine partners per claim.
    related_cosine: claims of different story claims this close (claim texts), or sharing two content
        lemmas, or one denying the other's speaker, are run through the rules of ``judge``.
    join_cosine: a pair joins a dispute whose asserting side it shares when its denying claim is this close
        to one of the dispute's denying claims.
    join_score_ratio: a pair joins a dispute only if its score is at least this share of the dispute's.
    max_side: a dispute takes no new story claim on its asserting side once it holds this many.
    pair_bonus: a dispute ranks by its best score plus this per merged pair (up to ``pair_bonus_cap`` pairs).
    groups_per_limit: at most ``groups_per_limit x limit`` disputes are formed before the best ``limit`` are kept.
    """
    shortlist_cosine: float = 0.5
    shortlist_per_claim: int = 4
    related_cosine: float = 0.3
    join_cosine: float = 0.6
    join_score_ratio: float = 0.75
    max_side: int = 6
    pair_bonus: float = 0.03
    pair_bonus_cap: int = 5
    groups_per_limit: int = 4


DISPUTES = DisputeSettings()


def _same_passage(a: dict, b: dict) -> bool:
    return any(x["article_id"] == y["article_id"] and x["start"] < y["end"] and y["start"] < x["end"]
               for x in a.get("evidence", []) for y in b.get("evidence", []))


def _same_speaker(a: dict, b: dict) -> bool:
    """Both quote a named speaker, the same one (by last name): one person is not two sides."""
    return bool(a.get("speaker")) and bool(b.get("speaker")) and _last(a["speaker"]) == _last(b["speaker"])


VALUE_KINDS = {"number", "date", "place", "antonym", "negation"}


def dispute_probability(pairs: Sequence[tuple[dict, dict]], kinds: Sequence[str | None] | None = None) -> np.ndarray:
    """Probability that the two analysed claims of each pair cannot both be true, shape (n,).

    0 under a hard guard: the two cite the same passage, quote the same speaker, or are a paraphrase
    (``claim_align.merge_probability`` at or above the same-claim threshold; not asked when a rule found
    differing values, a negation or an antonym (``kinds`` in ``VALUE_KINDS``): "reopened on Monday" and
    "reopened on Thursday" read alike to the same-claim model); otherwise the contradiction
    cross-encoder's calibrated probability on the two sentences, ``a`` as premise
    (``compare.pairs.contradiction_prob``), in one batch.
    """
    from storyscope.compare.claim_align import merge_probability
    from storyscope.compare.pairs import contradiction_prob, settings
    out = np.zeros(len(pairs))
    ok = [k for k, (a, b) in enumerate(pairs) if not _same_passage(a, b) and not _same_speaker(a, b)]
    if ok:
        out[ok] = contradiction_prob([(pairs[k][0]["sentence"], pairs[k][1]["sentence"]) for k in ok])
    kinds = list(kinds) if kinds is not None else [None] * len(pairs)
    hot = [k for k in ok if out[k] >= min(settings().contradiction, settings().contradiction_agree)
           and kinds[k] not in VALUE_KINDS]
    if hot:
        para = merge_probability([pairs[k] for k in hot]) >= settings().same_claim
        out[[k for k, p in zip(hot, para) if p]] = 0.0
    return out


def contradicts(a: str, b: str) -> tuple[bool, str]:
    """``find_disputes``' decision on two free-standing statements: whether they cannot both be true,
    and the kind of conflict ("" when none; "contradiction" when no rule of ``judge`` names it)."""
    return contradicts_many([(a, b)])[0]


def decide(prob: np.ndarray, ruled: Sequence[bool]) -> np.ndarray:
    """The dispute decision, (n,) bool: the contradiction model alone at its 0.90-precision threshold, or a
    rule of ``judge`` with the model agreeing (``pairs.settings().contradiction_agree``)."""
    from storyscope.compare.pairs import settings
    s = settings()
    ruled = np.asarray(list(ruled), bool)
    return (prob >= s.contradiction) | (ruled & (prob >= s.contradiction_agree))


def _rule_finding(ca: dict, cb: dict) -> Finding | None:
    """The strongest rule finding of a free-standing pair, either way round."""
    vec = _Vec(_texts_of(ca) + _texts_of(cb))
    found = [f for x, y in ((ca, cb), (cb, ca)) for f in judge(x, y, vec, same_source_ok=True)]
    return max(found, key=lambda f: f.score) if found else None


def contradiction_decisions(pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``find_disputes``' decision on free-standing statement pairs (``a`` as premise): (decisions bool (n,),
    probabilities (n,), kinds). Each text is analysed as one claim (``analyse_text``); then the rules of
    ``judge``, ``dispute_probability`` and ``decide``, as in a story."""
    analysed, rules = [], []
    for a, b in pairs:
        ca, cb = analyse_text(a), analyse_text(b)
        if ca and cb:
            cb["article_id"] = "other"
        analysed.append((ca, cb))
        rules.append(_rule_finding(ca, cb) if ca and cb else None)
    live = [k for k, (ca, cb) in enumerate(analysed) if ca and cb]
    prob = np.zeros(len(pairs))
    prob[live] = dispute_probability([analysed[k] for k in live],
                                     [rules[k].kind if rules[k] else None for k in live])
    decided = decide(prob, [r is not None for r in rules])
    kinds = [(r.kind if r else "contradiction") if d else "" for d, r in zip(decided, rules)]
    return decided, prob, kinds


def contradicts_many(pairs: Sequence[tuple[str, str]]) -> list[tuple[bool, str]]:
    """``contradicts`` over many pairs, the pair model called once."""
    decided, _, kinds = contradiction_decisions(pairs)
    return [(bool(d), k) for d, k in zip(decided, kinds)]


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


def find_disputes(bundle: StoryBundle, story_claims: list[dict], limit: int = 10,
                  settings: DisputeSettings = DISPUTES) -> list[dict]:
    """Disputes of a story: {"id", "about", "kind", "score", "confidence", "sides": [{"claim_ids", "actors",
    "evidence", "stance"}]}.

    Candidate claim pairs (different story claims): close sentences (``DisputeSettings``) and pairs a
    rule of ``judge`` flags; ``decide`` keeps a pair when the contradiction pair model alone is sure enough,
    or a rule fired and the model agrees (``dispute_probability``, with its hard guards); the rule, when
    one fired, names the kind and the sides' stances. Pairs sharing a side merge into one dispute; ``confidence`` is the weakest
    pair probability in it. ``story_claims`` are ``claim_align.align_claims``' output; at most ``limit``
    disputes, best ranked first. Raises ``KeyError`` on claims without the analysed fields.
    """
    s = settings
    members, owner = _members(bundle, story_claims)
    if len(members) < 2:
        return []
    vec = _Vec([t for m in members for t in _texts_of(m)])
    S = np.vstack([vec.v[m["sentence"]] for m in members])
    T = np.vstack([vec.v[m["text"]] for m in members])
    sent_sim, sim = S @ S.T, T @ T.T
    # candidates: close sentences of different articles' story claims, and any pair a rule of ``judge`` flags
    rules: dict[tuple[int, int], Finding] = {}
    cand: set[tuple[int, int]] = set()
    for i, a in enumerate(members):
        near = [j for j in np.argsort(-sent_sim[i])[:s.shortlist_per_claim + 1]
                if sent_sim[i, j] >= s.shortlist_cosine and members[j]["article_id"] != a["article_id"]
                and owner[members[j]["id"]] != owner[a["id"]]]
        cand |= {(int(min(i, j)), int(max(i, j))) for j in near}
        for j, b in enumerate(members):
            if i == j or owner[a["id"]] == owner[b["id"]]:
                continue
            related = sim[i, j] >= s.related_cosine or _ov(a["sentence_lemmas"], b["sentence_lemmas"]) >= 2 or any(
                d["target"] and _last(d["target"]) == _last(b["attributed_to"]) for d in a["denials"])
            if related:
                for f in judge(a, b, vec):
                    key = (min(i, j), max(i, j))
                    if key not in rules or f.score > rules[key].score:
                        rules[key] = f
    cand |= set(rules)
    order = sorted(cand)
    prob = dispute_probability([(members[i], members[j]) for i, j in order],
                               [rules[k].kind if k in rules else None for k in order])
    findings: list[Finding] = []
    for (i, j), p, keep in zip(order, prob, decide(prob, [key in rules for key in order])):
        if not keep:
            continue
        f = rules.get((i, j))
        findings.append(Finding(f.kind, float(p), f.a, f.b, f.a_stance, f.b_stance) if f else
                        Finding("contradiction", float(p), members[i], members[j], "asserts", "asserts"))
    # group pairs into disputes: pairs sharing a side (same story claim in the same role) merge
    groups: list[dict] = []
    for f in sorted(findings, key=lambda f: -f.score):
        sa, sb = owner[f.a["id"]], owner[f.b["id"]]
        fam = "conflict" if f.kind in ("number", "date", "place") else "stance"
        hit = None
        for g in groups:
            if g["family"] != fam:
                continue
            if sa in g["a"] or (fam == "conflict" and (sa in g["b"] or sb in g["a"] or sb in g["b"])) or (
                    sb in g["b"] and max(vec.cos(f.a["text"], m["text"]) for ms in g["a"].values() for m in ms) >= s.join_cosine):
                hit = g
                break
        if hit is not None and (f.score < s.join_score_ratio * hit["score"]
                                or (sb not in hit["b"] and len(hit["b"]) >= s.max_side)):
            continue
        if hit is None:
            if len(groups) >= s.groups_per_limit * limit:
                continue
            hit = {"family": fam, "kind": f.kind, "score": f.score, "a": {}, "b": {}, "pairs": 0, "weakest": f.score,
                   "a_stance": f.a_stance, "b_stance": f.b_stance, "about": f.b["text"]}
            groups.append(hit)
        hit["a"].setdefault(sa, []).append(f.a)
        hit["b"].setdefault(sb, []).append(f.b)
        hit["pairs"] += 1
        hit["weakest"] = min(hit["weakest"], f.score)
    for g in groups:
        g["rank"] = g["score"] + s.pair_bonus * min(g["pairs"], s.pair_bonus_cap)
    groups.sort(key=lambda g: -g["rank"])
    out = []
    for g in groups[:limit]:
        sides = []
        for role, stance in (("b", g["b_stance"]), ("a", g["a_stance"])):
            ms = [m for lst in g[role].values() for m in lst]
            ms = list({m["id"]: m for m in ms}.values())
            sides.append({
                "claim_ids": list(g[role]),
                "actors": list(dict.fromkeys(m["attributed_to"] for m in ms)),
                "stance": stance,
                "evidence": [e for m in ms for e in m["evidence"]],
            })
        about = re.sub(r"\s+", " ", g["about"]).strip()
        out.append({"id": f"dispute-{len(out) + 1}", "kind": g["kind"], "score": round(g["rank"], 3),
                    "confidence": round(g["weakest"], 3),
                    "about": about if len(about) <= 140 else about[:137].rsplit(" ", 1)[0] + "...",
                    "sides": sides})
    return out
