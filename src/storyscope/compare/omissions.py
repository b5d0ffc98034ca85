"""Omissions: for each article, the facts other independent articles of the story report and it does not.

An omission is a substantive fact of the story's event that at least two independent outlets other
than the article's own provenance group state (or every other group, in a story of two), and that
the article does not state in any words. The two sides of the test are deliberately unequal:

- corroboration is strict: the passages of at least two other groups must state the same
  proposition (their sentences close in meaning *and* sharing content words and the same numbers),
  not merely sit in one merged claim; questions are never facts;
- "does the article mention it" is loose (high recall): any sentence or two-sentence window of the
  article close in meaning, or one that holds most of the fact's content words, counts as stating it.
  A fact far from everything the article is about is left out too: it is another event's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import sentence_spans
from storyscope.stages.embed import DIM


@dataclass(frozen=True)
class OmissionSettings:
    """Tuned values of omissions (MiniLM-L6 cosines), checked by hand on BASIL events.

    mention_cos: a sentence or window of the article this close to the fact states it in other words;
    mention_words: share of the fact's content stems found in one window of the article that
        counts as stating it (a loose lexical match, for what embeddings miss);
    strict_cos / strict_words: two outlets' passages state the same proposition when their cosine
        reaches strict_cos and they share this share of content stems (of the smaller set);
    topic_cos: the fact must be at least this close to the article's own centroid (else it is
        another event's, merged into the story);
    conf_margin: distance below mention_cos at which confidence saturates;
    conf_two_groups: confidence factor when only two groups corroborate (three or more: 1.0).
    """
    mention_cos: float = 0.60
    mention_words: float = 0.6
    strict_cos: float = 0.70
    strict_words: float = 0.3
    topic_cos: float = 0.20
    conf_margin: float = 0.25
    conf_two_groups: float = 0.85


SETTINGS = OmissionSettings()
_WORD = re.compile(r"[A-Za-z]+|\d[\d,.]*")
# a claim in the first person is someone's words (a quotation whose marks were stripped), not a fact
# of the event that an article can be charged with leaving out
_FIRST_PERSON = re.compile(r"\b(?:I|I['\u2019](?:m|ve|ll|d)|[Ww]e|[Ww]e['\u2019](?:re|ve|ll|d)|me|[Mm]y|mine|us|[Oo]urs?)\b")


def _content(text: str) -> set[str]:
    from storyscope.compare.quote_words import STOP
    return {w.lower()[:6] for w in _WORD.findall(text) if w.lower() not in STOP and len(w) > 2}


def _numbers(text: str) -> set[str]:
    return {n.rstrip(".,").replace(",", "") for n in re.findall(r"\d[\d,.]*", text)}


def _passages(bundle: StoryBundle, claim: dict) -> list[tuple[str, str]]:
    """(article id, passage text) of each member of a story claim."""
    mem = claim.get("_members")
    if mem:
        return [(m["article_id"], m["text"]) for m in mem]
    texts = {a.id: a.text for a in bundle.articles}
    return [(e["article_id"], texts[e["article_id"]][e["start"]:e["end"]]) for e in claim["evidence"]
            if e["article_id"] in texts]


def corroborating_groups(bundle: StoryBundle, claim: dict, groups: dict[str, str], vec: dict[str, np.ndarray]) -> set[str]:
    """Provenance groups whose passage states the same proposition as a passage of another group."""
    ps = [(groups.get(aid, aid), t) for aid, t in _passages(bundle, claim) if not t.rstrip().endswith("?")]
    ok = set()
    for x in range(len(ps)):
        for y in range(x + 1, len(ps)):
            (gx, tx), (gy, ty) = ps[x], ps[y]
            if gx == gy or (gx in ok and gy in ok):
                continue
            cx, cy = _content(tx), _content(ty)
            if (float(vec[tx] @ vec[ty]) >= SETTINGS.strict_cos and _numbers(tx) == _numbers(ty)
                    and len(cx & cy) >= SETTINGS.strict_words * max(1, min(len(cx), len(cy)))):
                ok |= {gx, gy}
    return ok


def _mentioned(claim_text: str, cvec: np.ndarray, windows: list[str], wvec: np.ndarray) -> tuple[bool, float]:
    """(stated in some words, best cosine): loose on purpose."""
    best = float((wvec @ cvec).max()) if len(wvec) else 0.0
    if best >= SETTINGS.mention_cos:
        return True, best
    need = _content(claim_text)
    if need and any(len(need & _content(w)) >= SETTINGS.mention_words * len(need) for w in windows):
        return True, best
    return False, best


def find_omissions(bundle: StoryBundle, story_claims: list[dict]) -> list[dict]:
    """Per article: [{"article_id", "claim_ids", "evidence", "confidence", "omitted": [{"claim_id",
    "confidence", "groups"}]}]; evidence cites the omitted claims in the other articles; confidence in
    [0, 1] (per claim: how far the article's closest sentence is from stating it, and how many groups
    corroborate; per article: the highest)."""
    from storyscope.stages.embed import embed
    groups = bundle.independence_groups()
    all_groups = set(groups.values())
    wanted = [c for c in story_claims if c.get("independent_sources", 0) >= 2 and not c["text"].rstrip().endswith("?")
              and not _FIRST_PERSON.search(c["text"])]
    if not wanted:
        return []
    texts = sorted({t for c in wanted for _, t in _passages(bundle, c)} | {c["text"] for c in wanted})
    pvec = dict(zip(texts, embed(texts)))
    corroborated = {c["id"]: corroborating_groups(bundle, c, groups, pvec) for c in wanted}
    out = []
    for a in bundle.articles:
        own = groups.get(a.id, a.id)
        others = all_groups - {own}
        if not others:
            continue
        need = min(2, len(others))
        sents = [a.text[s0:s1] for s0, s1, _ in sentence_spans(bundle, a.id)]
        # sentence pairs are embedded only for a claim that passes the topic test and that no single sentence
        # states: "stated" only grows with more windows, so the result is the same with fewer texts
        windows, wvec = sents, embed(sents) if sents else np.zeros((0, DIM), np.float32)
        centroid = wvec.mean(0) if sents else None
        if centroid is not None:
            centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        items, evidence = [], []
        for c in wanted:
            if a.id in c["article_ids"]:
                continue
            reporting = corroborated[c["id"]] - {own}
            if len(reporting) < need:
                continue
            cvec = pvec[c["text"]]
            if centroid is not None and float(centroid @ cvec) < SETTINGS.topic_cos:
                continue
            said, best = _mentioned(c["text"], cvec, windows, wvec)
            if not said and len(windows) == len(sents) > 1:
                windows = sents + [sents[k] + " " + sents[k + 1] for k in range(len(sents) - 1)]
                wvec = np.vstack([wvec, embed(windows[len(sents):])])
                said, best = _mentioned(c["text"], cvec, windows, wvec)
            if said:
                continue
            conf = min(1.0, 0.5 + 0.5 * (SETTINGS.mention_cos - best) / SETTINGS.conf_margin)
            conf *= 1.0 if len(reporting) >= 3 else SETTINGS.conf_two_groups
            items.append({"claim_id": c["id"], "confidence": round(conf, 3), "groups": len(reporting)})
            evidence.extend(c["evidence"][:2])
        if items:
            out.append({"article_id": a.id, "claim_ids": [i["claim_id"] for i in items], "evidence": evidence,
                        "confidence": max(i["confidence"] for i in items), "omitted": items})
    return out
