"""Omissions: for each article, the facts other independent articles of the story report and it does not.

A fact counts when at least two independent sources other than the article's own group report it
(or every other group, in a story of only two). An article is not charged with an omission when one
of its own sentences says nearly the same thing below the merging threshold (a looser paraphrase).
"""
from __future__ import annotations

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import sentence_spans

NEAR = 0.65  # a sentence of the article this close to the claim means it is reported, just worded apart


def find_omissions(bundle: StoryBundle, story_claims: list[dict]) -> list[dict]:
    """[{"article_id", "claim_ids", "evidence"}] — evidence cites the omitted claims in other articles."""
    from storyscope.stages.embed import embed
    groups = bundle.independence_groups()
    all_groups = set(groups.values())
    wanted = [c for c in story_claims if c.get("independent_sources", 0) >= 2]
    if not wanted:
        return []
    cvec = embed([c["text"] for c in wanted])
    out = []
    for a in bundle.articles:
        own = groups.get(a.id, a.id)
        others = all_groups - {own}
        if not others:
            continue
        need = min(2, len(others))
        sents = [a.text[s0:s1] for s0, s1, _ in sentence_spans(bundle, a.id)]
        svec = embed(sents) if sents else np.zeros((0, cvec.shape[1]), np.float32)
        ids, evidence = [], []
        for k, c in enumerate(wanted):
            if a.id in c["article_ids"]:
                continue
            reporting = {groups.get(x, x) for x in c["article_ids"]} - {own}
            if len(reporting) < need:
                continue
            if len(svec) and float((svec @ cvec[k]).max()) >= NEAR:
                continue
            ids.append(c["id"])
            evidence.extend(c["evidence"][:2])
        if ids:
            out.append({"article_id": a.id, "claim_ids": ids, "evidence": evidence})
    return out
