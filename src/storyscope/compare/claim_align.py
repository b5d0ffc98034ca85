"""Claim alignment: the same claim across a story's articles merged into one story claim with all its
evidence. Embeddings shortlist cross-article pairs and the rules of ``claim_rules`` propose more; the learned
same-claim pair model (``compare.pairs``) decides each merge behind hard guards (``_compatible``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.quote_words import is_content, opposed_sets
from storyscope.unionfind import UnionFind


@dataclass(frozen=True)
class AlignSettings:
    """Tuned values of claim alignment. Candidate pairs come from sentence embeddings; the merge itself
    is the same-claim pair model's (``compare.pairs``: probability >= ``pairs.settings().same_claim``,
    0.6, chosen on the MSRP dev fold and the BASIL dev labels, ``models/pairs/README.md``).

    shortlist_cosine: lowest MiniLM cosine of two claims' sentences for the pair model to look at them
        when no rule of ``claim_rules`` proposes the pair: the highest value that still keeps >= 0.99 of
        the merges the model alone makes on the MSRP dev fold, on a 0.05 grid (0.6 keeps 422 of 425, 0.65 only 418;
        0.5 kept 424 and sent 2.8x as many unproposed BASIL dev pairs to the model; issue 18).
    shortlist_per_article: for each claim, at most this many best-cosine candidates in each other article.
    cap_per_article: a story claim holds at most max(4, cap_per_article x articles) member claims, so
        single links cannot chain a story together.
    unsure_below: a merge the pair model makes alone (no rule proposed it) below this probability also
        needs the two sentences to predicate the same thing (``shares_predicate``): a shared long noun
        phrase lifts the model to 0.6-0.7 on two propositions ("there is a foreign plot against X" /
        "convened the meeting to present evidence of a foreign plot against him"). 0.7: on the MSRP dev
        fold the model-alone merges at 0.6-0.7 without a shared predicate were 3 of 4 "different", at
        0.7-0.8 only 3 of 8 (session 10, ``BENCHMARKS.md``).
    """
    shortlist_cosine: float = 0.6
    shortlist_per_article: int = 3
    cap_per_article: int = 2
    unsure_below: float = 0.7


ALIGN = AlignSettings()


def _day_keys(c: dict) -> set[str]:
    """Month-day of each day-precision date ("XXXX-03-07" from an undated article still matches 2022-03-07)."""
    return {d["value"][5:10] for d in c["dates"] if d.get("precision") == "day" and d.get("value")
            and re.fullmatch(r"(\d{4}|XXXX)-\d\d-\d\d", d["value"][:10])}


def _year_keys(c: dict) -> set[str]:
    """Years the sentence states as a year ("since 2002", "in 2016"), not the year part of a full date."""
    return {d["value"] for d in c["dates"] if d.get("precision") == "year" and d.get("value")
            and re.fullmatch(r"\d{4}", d["value"])}


def _compatible(a: dict, b: dict) -> bool:
    """Hard guard: same stance and polarity, no conflicting count of one noun, no conflicting day or
    stated year ("led the party since 2002" vs "since 2003" are two propositions, never one fact)."""
    if (a["stance"] != b["stance"]) or (a["polarity"] != b["polarity"]):
        return False
    va, vb = {x["value"] for x in a["numbers"]}, {y["value"] for y in b["numbers"]}
    for x in a["numbers"]:
        for y in b["numbers"]:
            # "14 people died, 1,200 evacuated" vs "1,200 people evacuated": 1,200 is on both sides, so the
            # two counts of people are two quantities, not a conflict; 14 dead vs 23 dead is one
            if x["noun"] and x["noun"] == y["noun"] and x["value"] != y["value"] \
                    and x["value"] not in vb and y["value"] not in va:
                return False
    da, db = _day_keys(a), _day_keys(b)
    ya, yb = _year_keys(a), _year_keys(b)
    return not (da and db and not da & db) and not (ya and yb and not ya & yb) and not _opposed(a, b)


def _opposed(a: dict, b: dict) -> bool:
    """A content word of one claim opposite to one only the other has ("preventable" / "unavoidable",
    "legal" / "illegal", "approved" / "rejected"; ``quote_words.opposites``): two propositions."""
    wa, wb = set(a.get("words") or ()), set(b.get("words") or ())
    return opposed_sets({w for w in wa - wb if len(w) >= 5 and is_content(w)},
                        {w for w in wb - wa if len(w) >= 5 and is_content(w)})


def shares_predicate(a: dict, b: dict) -> bool:
    """Whether two analysed claims predicate the same thing: a shared predicate lemma (a verb other than
    reporting and light verbs, or a copula's complement; ``claim_parse.predicates``), or at least half of
    the shorter claim's content lemmas shared (a paraphrase whose parse hides its predicate). True when
    either claim carries no predicate analysis (claims of an older analysis)."""
    if "predicates" not in a or "predicates" not in b:
        return True
    if set(a["predicates"]) & set(b["predicates"]):
        return True
    la, lb = set(a.get("lemmas") or ()), set(b.get("lemmas") or ())
    return bool(la and lb) and len(la & lb) >= 0.5 * min(len(la), len(lb))


def merge_probability(pairs: Sequence[tuple[dict, dict]]) -> np.ndarray:
    """Probability that each pair of analysed claims states the same proposition, shape (n,).

    0 where a hard guard forbids the merge (``_compatible``: a denial never merges with what it denies,
    conflicting counts or days never merge); otherwise the same-claim pair model's calibrated
    probability on the two sentences (``compare.pairs.same_claim_prob``), in one batch.
    """
    from storyscope.compare.pairs import same_claim_prob
    out = np.zeros(len(pairs))
    ok = [k for k, (a, b) in enumerate(pairs) if _compatible(a, b)]
    if ok:
        out[ok] = same_claim_prob([(pairs[k][0]["sentence"], pairs[k][1]["sentence"]) for k in ok])
    return out


def decide_merge(prob: np.ndarray, ruled: Sequence[bool], shared: Sequence[bool] | None = None,
                 settings: AlignSettings = ALIGN) -> np.ndarray:
    """The merge decision, (n,) bool: the pair model alone (``pairs.settings().same_claim``; below
    ``settings.unsure_below`` only where ``shared``, the pairs' ``shares_predicate``, is true; None = all
    true), or a rule of ``claim_rules`` with the model agreeing (``pairs.settings().same_claim_agree``)."""
    from storyscope.compare.pairs import settings as pair_settings
    s = pair_settings()
    ruled = np.asarray(list(ruled), bool)
    shared = np.ones(len(ruled), bool) if shared is None else np.asarray(list(shared), bool)
    alone = (prob >= s.same_claim) & ((prob >= settings.unsure_below) | shared)
    return alone | (ruled & (prob >= s.same_claim_agree))


def same_claim(pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """``align_claims``' merge decision on free-standing statement pairs (used by ``eval pairs``):
    (decisions bool (n,), probabilities (n,)). Each pair is a two-article story of one claim each
    (``analyse_text``); rules, pair model and ``decide_merge`` as in ``align_claims``."""
    from storyscope.compare.claim_rules import rule_links, specific_entities
    from storyscope.compare.claims import analyse_text
    claims = []
    for k, (a, b) in enumerate(pairs):
        for side, text in (("a", a), ("b", b)):
            c = analyse_text(text)
            claims.append({**c, "article_id": f"{k}{side}"})
    idx = [(2 * k, 2 * k + 1) for k in range(len(pairs))]
    ruled = set()
    for i, j in idx:
        ruled |= set(rule_links(claims, [(i, j)], specific_entities([claims[i], claims[j]])))
    prob = merge_probability([(claims[i], claims[j]) for i, j in idx])
    shared = [shares_predicate(claims[i], claims[j]) for i, j in idx]
    return decide_merge(prob, [p in ruled for p in idx], shared), prob


def _candidates(claims: list[dict], sim: np.ndarray, s: AlignSettings) -> list[tuple[int, int]]:
    """Cross-article claim pairs (i < j) worth asking the pair model about."""
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c["article_id"], []).append(i)
    out = set()
    for i, c in enumerate(claims):
        for aid, js in by_article.items():
            if aid == c["article_id"]:
                continue
            best = sorted(js, key=lambda j: -sim[i, j])[:s.shortlist_per_article]
            out |= {(min(i, j), max(i, j)) for j in best if sim[i, j] >= s.shortlist_cosine}
    return sorted(out)


def align_claims(bundle: StoryBundle, claims: list[dict], settings: AlignSettings = ALIGN) -> list[dict]:
    """Merge the same claim across articles into story claims with all their evidence.

    Candidate pairs: claims of different articles whose sentences' embeddings are close (``_candidates``)
    and pairs a rule of ``claim_rules`` proposes; ``decide_merge`` keeps a pair when the same-claim pair
    model alone is sure enough, or a rule proposed it and the model agrees (``merge_probability``).
    Accepted links join clusters strongest first (union-find), up to the size cap. Each story claim gets
    ``confidence``: the weakest accepted link's probability (None for a claim of one article).
    """
    if not claims:
        return []
    from storyscope.compare.claim_rules import rule_links, specific_entities
    from storyscope.stages.embed import embed
    vec = embed([c["sentence"] for c in claims])
    sim = vec @ vec.T
    cross = [(i, j) for i in range(len(claims)) for j in range(i + 1, len(claims))
             if claims[i]["article_id"] != claims[j]["article_id"]]
    rules = rule_links(claims, cross, specific_entities(claims))
    cand = sorted(set(_candidates(claims, sim, settings)) | set(rules))
    probs = merge_probability([(claims[i], claims[j]) for i, j in cand])
    keep = decide_merge(probs, [p in rules for p in cand],
                        [shares_predicate(claims[i], claims[j]) for i, j in cand], settings)
    edges = sorted(((float(p), i, j) for p, k, (i, j) in zip(probs, keep, cand) if k), reverse=True)
    sets = UnionFind(range(len(claims)))
    weakest = [1.0] * len(claims)
    cap = max(4, settings.cap_per_article * len(bundle.articles))
    for p, i, j in edges:
        ri, rj = sets.find(i), sets.find(j)
        if ri != rj and sets.size[ri] + sets.size[rj] <= cap:
            sets.union(rj, ri)
            weakest[ri] = min(weakest[ri], weakest[rj], p)
    clusters = sets.groups()
    groups = bundle.independence_groups()
    out = []
    for root, members in clusters.items():
        mem = [claims[i] for i in members]
        aids = list(dict.fromkeys(c["article_id"] for c in mem))
        # representative: the member closest to the others (the first when alone)
        rep = mem[int(sim[np.ix_(members, members)].sum(axis=1).argmax())] if len(members) > 1 else mem[0]
        out.append({
            "text": statement(rep),
            "display_text": statement(rep, display=True),
            "attributed_to": list(dict.fromkeys(c["attributed_to"] for c in mem)),
            "article_ids": aids,
            "independent_sources": bundle.independent_count(aids),
            "groups": sorted({groups.get(a, a) for a in aids}),
            "member_ids": [c["id"] for c in mem],
            "stance": rep["stance"],
            "polarity": rep["polarity"],
            "confidence": round(weakest[root], 3) if len(aids) > 1 else None,
            "evidence": [e for c in mem for e in c["evidence"]],
            "_members": mem,
        })
    out.sort(key=lambda c: (-c["independent_sources"], -len(c["article_ids"]),
                            min(e["article_id"] + f"{e['start']:08d}" for e in c["evidence"])))
    for k, c in enumerate(out, 1):
        c["id"] = f"claim-{k}"
    return out


def statement(claim: dict, display: bool = False) -> str:
    """The words of a claim: its text without attribution, except for a denial, whose text is the denied
    content ("the city had asked for funds"); shown alone under the denier's name it would read as the
    denier's assertion, so a denial shows its whole sentence ("Reyes denied that ..."). With ``display``,
    the form a reader sees (``claim_display``: no attribution tail, a leading pronoun's antecedent in
    brackets), falling back to the text as found."""
    if claim.get("stance") == "denies":
        return (display and claim.get("sentence_display")) or claim["sentence"].strip()
    return (display and claim.get("display")) or claim["text"]


def public(story_claims: list[dict]) -> list[dict]:
    """Story claims without the internal member analyses (for a dossier)."""
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in story_claims]
