"""Rule proposals for claim merges (the alignment rules of commit f7085f4), kept as candidates only.

The same-claim pair model (``compare.pairs``) is too weakly trained to decide merges alone at 0.90
precision without losing the seeds' corroborated facts (see ``models/pairs/README.md``), so these rules
still propose links; ``claim_align.align_claims`` keeps a proposed link only when the model agrees
(``pairs.settings().same_claim_agree``). Rules, on claims of different articles that ``_compatible``
allows: full-text cosine >= 0.8; or best clause cosine >= 0.8 plus a shared specific entity, number or
day-date; or cosine >= 0.55 with a shared day-date and two shared specific entities; or cosine >= 0.6
with four shared content lemmas (Jaccard >= 0.35) and a shared entity or day; or cosine >= 0.65 with two
shared specific entities; or best clause cosine >= 0.7 with a shared specific number; or cosine >= 0.3
with two shared specific numbers ("19 goals in 31 games").
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storyscope.compare.claim_align import _compatible, _day_keys
from storyscope.stages.embed import DIM


@dataclass(frozen=True)
class ClaimRuleSettings:
    """The rules' thresholds (the values of commit f7085f4, hand-set during development; cosines are
    MiniLM cosines of claim texts, "clause" cosines the best over the claims' clauses, ``_clauses``).

    full: full-text cosine that alone proposes a merge. clause: best clause cosine with a shared
    specific entity, number or day. dated / dated_entities: cosine with a shared day and this many shared
    specific entities. lemma_cos / lemma_shared / lemma_jaccard: cosine with this many shared content
    lemmas at this Jaccard, and a shared entity or day. entities_cos: cosine with two shared specific
    entities. number_clause: best clause cosine with a shared specific number. numbers_cos: cosine with
    two shared specific numbers. clause_floor: clauses are compared only above this full-text cosine;
    clause_need: clause vectors are computed only for claims in a pair at or above this cosine that shares
    an entity, day or number. rule_bonus: added to the score of the stricter rules (membership, not the
    score, is what ``align_claims`` uses).
    """
    full: float = 0.8
    clause: float = 0.8
    dated: float = 0.55
    dated_entities: int = 2
    lemma_cos: float = 0.6
    lemma_shared: int = 4
    lemma_jaccard: float = 0.35
    entities_cos: float = 0.65
    number_clause: float = 0.7
    numbers_cos: float = 0.3
    clause_floor: float = 0.35
    clause_need: float = 0.45
    rule_bonus: float = 0.1


RULES = ClaimRuleSettings()


def specific_entities(claims: list[dict]) -> set[str]:
    """Entities named in under a third of the story's claims: ubiquitous ones do not identify a fact."""
    df = Counter(e for c in claims for e in set(c["entities"]))
    limit = max(2, len(claims) / 3)
    return {e for e, n in df.items() if n <= limit}


def _specific_numbers(c: dict) -> set:
    """Numbers that identify a fact: a count of a named noun above two ("eleven people", "19 goals"),
    or a large amount whatever it counts ("38 million" euros / a "38 million euro move"); not years."""
    out = set()
    for x in c["numbers"]:
        v = x["value"]
        if v >= 100 and not (v == int(v) and 1900 <= v <= 2100):
            out.add((v, None))
        elif x["noun"] and v > 2:
            out.add((v, x["noun"]))
    return out


def _clause_vectors(claims: list[dict], need: set[int]) -> list[np.ndarray]:
    from storyscope.stages.embed import embed
    texts = list(dict.fromkeys(cl for i in sorted(need) for cl in claims[i].get("clauses", [])[:6]))
    cv = dict(zip(texts, embed(texts))) if texts else {}
    out = []
    for i, c in enumerate(claims):
        cls = [cl for cl in c.get("clauses", [])[:6] if i in need and cl in cv]
        out.append(np.vstack([cv[cl] for cl in cls]) if cls else np.zeros((0, DIM), np.float32))
    return out


def _rule_score(a: dict, b: dict, f: float, best: float, spec: set[str], s: ClaimRuleSettings) -> float | None:
    """The score of the first rule (in the order of the module docstring) that proposes the pair, or None:
    ``f`` is the full-text cosine, ``best`` the best clause cosine (at least ``f``)."""
    shared = (set(a["entities"]) & set(b["entities"])) & spec
    sdates = _day_keys(a) & _day_keys(b)
    la, lb = set(a["lemmas"]), set(b["lemmas"])
    jac = len(la & lb) / max(1, len(la | lb))
    snums = {(x["value"], x["noun"]) for x in a["numbers"]} & {(y["value"], y["noun"]) for y in b["numbers"]}
    facts = _specific_numbers(a) & _specific_numbers(b)
    if f >= s.full:
        return f + 2 * s.rule_bonus
    if best >= s.clause and (shared or sdates or snums):
        return best
    if f >= s.dated and sdates and len(shared) >= s.dated_entities:
        return f + s.rule_bonus
    if f >= s.lemma_cos and len(la & lb) >= s.lemma_shared and jac >= s.lemma_jaccard and (shared or sdates):
        return f + s.rule_bonus
    if f >= s.entities_cos and len(shared) >= 2:
        return f
    if best >= s.number_clause and facts:
        return best
    if f >= s.numbers_cos and len(facts) >= 2:
        return f + s.rule_bonus
    return None


def rule_links(claims: list[dict], pairs: Sequence[tuple[int, int]], spec: set[str],
               s: ClaimRuleSettings = RULES) -> dict[tuple[int, int], float]:
    """The pairs (i, j) among ``pairs`` (indices into ``claims``, the analysed claims of
    ``claims.extract_claims``) that a rule proposes, with the first proposing rule's score (a cosine plus a
    bonus); ``spec`` is the story's specific entities (``specific_entities``). Clause vectors are computed
    only for claims in a pair whose proposal they can change (no rule fires without clauses and one would
    with a clause cosine of 1), so such a pair's score may be a cosine rule's where a clause rule also fires."""
    from storyscope.stages.embed import embed
    if not pairs:
        return {}
    main = embed([c["text"] for c in claims])
    full = lambda i, j: float(main[i] @ main[j])  # noqa: E731
    live = [(i, j) for i, j in pairs if claims[i]["article_id"] != claims[j]["article_id"]
            and _compatible(claims[i], claims[j])]
    need = set()  # clause vectors only where a clause rule could fire (they are most of what a story embeds)
    for i, j in live:
        a, b = claims[i], claims[j]
        if full(i, j) >= s.clause_need and (set(a["entities"]) & set(b["entities"]) & spec or _day_keys(a) & _day_keys(b)
                                   or _specific_numbers(a) & _specific_numbers(b)
                                   or {(x["value"], x["noun"]) for x in a["numbers"]}
                                   & {(y["value"], y["noun"]) for y in b["numbers"]}):
            need |= {i, j}
    # of those, only the claims of a pair whose proposal the clause cosine decides (same links, fewer texts)
    decides = {k for i, j in live if s.clause_floor <= full(i, j)
               and _rule_score(claims[i], claims[j], full(i, j), full(i, j), spec, s) is None
               and _rule_score(claims[i], claims[j], full(i, j), 1.0, spec, s) is not None for k in (i, j)}
    cvecs = _clause_vectors(claims, need & decides)
    out = {}
    for i, j in live:
        f = full(i, j)
        best = f
        if f >= s.clause_floor and (len(cvecs[i]) or len(cvecs[j])):
            ra, rb = np.vstack([main[i:i + 1], cvecs[i]]), np.vstack([main[j:j + 1], cvecs[j]])
            best = max(f, float((ra @ rb.T).max()))
        score = _rule_score(claims[i], claims[j], f, best, spec, s)
        if score is not None:
            out[(i, j)] = score
    return out
