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
from typing import Sequence

import numpy as np

from storyscope.compare.claim_align import _compatible, _day_keys


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
        out.append(np.vstack([cv[cl] for cl in cls]) if cls else np.zeros((0, 384), np.float32))
    return out


def rule_links(claims: list[dict], pairs: Sequence[tuple[int, int]], spec: set[str]) -> dict[tuple[int, int], float]:
    """The pairs (i, j) among ``pairs`` that a rule proposes, with the rule's score; ``spec`` is the
    story's specific entities (``specific_entities``)."""
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
        if full(i, j) >= 0.45 and (set(a["entities"]) & set(b["entities"]) & spec or _day_keys(a) & _day_keys(b)
                                   or _specific_numbers(a) & _specific_numbers(b)
                                   or {(x["value"], x["noun"]) for x in a["numbers"]}
                                   & {(y["value"], y["noun"]) for y in b["numbers"]}):
            need |= {i, j}
    cvecs = _clause_vectors(claims, need)
    out = {}
    for i, j in live:
        a, b = claims[i], claims[j]
        f = full(i, j)
        best = f
        if f >= 0.35 and (len(cvecs[i]) or len(cvecs[j])):
            ra, rb = np.vstack([main[i:i + 1], cvecs[i]]), np.vstack([main[j:j + 1], cvecs[j]])
            best = max(f, float((ra @ rb.T).max()))
        shared = (set(a["entities"]) & set(b["entities"])) & spec
        sdates = _day_keys(a) & _day_keys(b)
        la, lb = set(a["lemmas"]), set(b["lemmas"])
        jac = len(la & lb) / max(1, len(la | lb))
        snums = {(x["value"], x["noun"]) for x in a["numbers"]} & {(y["value"], y["noun"]) for y in b["numbers"]}
        facts = _specific_numbers(a) & _specific_numbers(b)
        score = None
        if f >= 0.8:
            score = f + 0.2
        elif best >= 0.8 and (shared or sdates or snums):
            score = best
        elif f >= 0.55 and sdates and len(shared) >= 2:
            score = f + 0.1
        elif f >= 0.6 and len(la & lb) >= 4 and jac >= 0.35 and (shared or sdates):
            score = f + 0.1
        elif f >= 0.65 and len(shared) >= 2:
            score = f
        elif best >= 0.7 and facts:
            score = best
        elif f >= 0.3 and len(facts) >= 2:
            score = f + 0.1
        if score is not None:
            out[(i, j)] = score
    return out
