"""Provenance: which articles of a story derive from which (wire copy, edited copy, rewrite).

An edge means the derived article reuses the source's narrative text, near-verbatim or as a
sentence-by-sentence paraphrase in order, outside quotation marks (issue 15, section 2). The signal:

1. each article's *narrative sentences*: its sentences with the quoted words removed; sentences
   mostly inside quotation marks, short ones and template or footer lines (boilerplate) are left out,
   so two outlets quoting one statement, or sharing a footer, align nothing;
2. candidate sentence pairs by MiniLM cosine (``cand_cos``, the best ``cand_top`` per sentence), each
   judged by the shipped same-claim pair model (``compare/pairs.py``: "do these state the same
   proposition?") or, for near-identical strings, by their string ratio;
3. an order-preserving one-to-one alignment of the judged pairs (weighted LCS; Smith & Waterman's
   dynamic programme without gaps costs), plus near-verbatim pairs out of order (moved paragraphs);
4. reuse is scored on the aligned narrative sentences: how many, their share of the shorter
   article's narrative, how many are near-verbatim, and whether one article credits the other's
   outlet as its source ("the New York Times reports"). Independent reports of one event align a
   lede and a fact or two; a copy or a rewrite aligns all along.

``confidence`` is a logistic function of that evidence (``ProvenanceSettings.conf_*``), its weights set by
hand on the labelled BASIL dev article pairs (3 reuse pairs), the seeds and case 14: a ranking more than a
measured probability (benchmarks/bench_provenance.py, BENCHMARKS.md "Session 5: provenance"). Each
derived article keeps its one most likely source (:func:`one_source_each`). A cheap
embedding-centroid / shared-shingle filter picks candidate article pairs first.

Credits (to sources outside the corpus, and one article's credit of another's outlet) live in
compare/credits.py (re-exported here).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.credits import (  # noqa: F401  (re-exported)
    AGENCIES, _canon, credits_outlet, external_credits, names_outlet, outlet_keys)
from storyscope.compare.sentences import (  # noqa: F401  (re-exported: framing, quotes, tests)
    Sent, quoted_intervals, sentence_spans, words)
from storyscope.record import Article
from storyscope.stages.embed import DIM


@dataclass(frozen=True)
class ProvenanceSettings:
    """Tuned values of provenance (MiniLM-L6 cosines; rapidfuzz ratios 0-100; same-claim probabilities).
    Tuned on the labelled BASIL dev article pairs, the seeds and case 14 (benchmarks/bench_provenance.py).

    quoted_sent / frame_words / long_narr: a sentence at least quoted_sent inside quotation marks is "a
        quotation": it is kept only when its narrative (words outside the marks) has >= frame_words words, and
        then aligns near-verbatim only, unless its narrative has >= long_narr words ("Posting on Facebook on
        Friday, X, who ..., wrote: '...'" carries the outlet's own text; "the union said in a statement", or a
        speaker's name and title before a quote, does not);
    min_words: narrative words a sentence needs to be aligned;
    centroid_min / min_shingles: article-pair filter: narrative-centroid cosine, else shared word 5-grams;
    cand_cos / cand_top: a sentence pair is judged when its cosine is >= cand_cos and among the best
        cand_top of its row or column;
    fuzzy_cos / near_exact / verbatim_words: pairs at/above fuzzy_cos are also compared as strings; a ratio >=
        near_exact between narratives of >= verbatim_words words makes them the same text, lightly edited
        (no judge needed; may align out of order);
    judge_min / shared_words: a judged pair may align when its same-claim probability is >= judge_min and its
        narratives share >= shared_words of the smaller set of content-word stems (a rewrite keeps words);
    strong_cos / strong_shared: a pair this close in cosine and in shared stems aligns at its cosine even when
        the judge doubts it (the judge misses a sentence that restates a longer one), and, like a
        near-verbatim pair, may align out of order (a rewrite that moves paragraphs);
    min_aligned: aligned narrative pairs an edge needs;
    min_conf: confidence below which no edge is kept (edges merge independence groups downstream);
    subset_margin: the direction is "subset" when one article's aligned coverage exceeds the other's by this;
    conf_*: the logistic confidence: bias, per unit of summed alignment weight (capped at conf_cap), per unit of
        aligned share of the shorter article, per near-verbatim share, and for a credit of the other's outlet.
    """
    quoted_sent: float = 0.5
    frame_words: int = 8
    long_narr: int = 14
    min_words: int = 5
    centroid_min: float = 0.50
    min_shingles: int = 3
    cand_cos: float = 0.55
    cand_top: int = 3
    fuzzy_cos: float = 0.6
    near_exact: float = 90
    verbatim_words: int = 6
    judge_min: float = 0.3
    shared_words: float = 0.3
    strong_cos: float = 0.72
    strong_shared: float = 0.4
    min_aligned: int = 2
    min_conf: float = 0.45
    subset_margin: float = 0.15
    conf_bias: float = -7.0
    conf_weight: float = 1.2
    conf_cap: float = 8.0
    conf_share: float = 5.0
    conf_verbatim: float = 3.0
    conf_credit: float = 5.0


SETTINGS = ProvenanceSettings()


# --------------------------------------------------------------------------- narrative sentences
def _embed(texts: list[str]) -> np.ndarray:
    from storyscope.stages.embed import embed
    return embed(texts) if texts else np.zeros((0, DIM), dtype=np.float32)


def _norm(t: str) -> str:
    return " ".join(words(t))


_BOILER = re.compile(r"(?i)\b(?:contributed to this (?:report|story)|click here|sign up for|subscribe to|follow (?:us|him|her) on|"
                     r"all rights reserved|copyright|may not be (?:published|reproduced)|read more\b|related:|"
                     r"this (?:story|article) (?:has been|was) (?:updated|corrected)|newsletter|"
                     r"(?:watch|see) (?:the )?video|share this|email (?:us|the author))")


def is_boilerplate(x: Sent) -> bool:
    """A template or footer line (credits of contributors, sign-up and sharing prompts, copyright
    notices): text that unrelated articles share and that never shows copying."""
    return bool(_BOILER.search(x.narrative))


def narrative_sentences(bundle: StoryBundle, a: Article) -> list[Sent]:
    """The article's alignable sentences, in text order: not mostly quoted (``quoted_sent``), at least
    ``min_words`` narrative words, not boilerplate."""
    s = SETTINGS
    out = []
    for x in sentence_spans(bundle, a):
        n = len(words(x.narrative))
        if n >= s.min_words and (x.quoted < s.quoted_sent or n >= s.frame_words) and not is_boilerplate(x):
            out.append(x)
    return out


# --------------------------------------------------------------------------- alignment
def candidate_pairs(sim: np.ndarray) -> list[tuple[int, int]]:
    """Sentence pairs worth judging: cosine >= ``cand_cos`` and among the ``cand_top`` best of their row
    or of their column."""
    s = SETTINGS
    if not sim.size:
        return []
    k = min(s.cand_top, sim.shape[1]), min(s.cand_top, sim.shape[0])
    row_best = np.sort(sim, axis=1)[:, -k[0]][:, None]
    col_best = np.sort(sim, axis=0)[-k[1], :][None, :]
    ok = (sim >= s.cand_cos) & ((sim >= row_best) | (sim >= col_best))
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(ok))]


def judged_matrix(a: list[Sent], b: list[Sent], ea: np.ndarray, eb: np.ndarray,
                  judge=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, verbatim, strong) for the sentence pairs of two articles, each of shape (len(a), len(b)).

    weights: the same-claim probability of each candidate pair (``judge``: a list of (text, text) ->
    probabilities, default ``pairs.same_claim_prob``, scored both ways and averaged) that shares
    ``shared_words``; raised to the cosine for strong pairs (``strong_cos``, ``strong_shared``) and to the
    string ratio / 100 for near-identical narratives; 0 elsewhere. verbatim: ratio >= ``near_exact``;
    strong: the strong pairs (both may align out of order)."""
    s = SETTINGS
    w = np.zeros((len(a), len(b)))
    verb = np.zeros((len(a), len(b)), dtype=bool)
    strong = np.zeros((len(a), len(b)), dtype=bool)
    if not len(a) or not len(b):
        return w, verb, strong
    sim = ea @ eb.T
    na, nb = [_norm(x.narrative) for x in a], [_norm(y.narrative) for y in b]
    for i, j in zip(*np.nonzero(sim >= s.fuzzy_cos)):
        r = fuzz.ratio(na[i], nb[j])
        if r >= s.near_exact and min(len(na[i].split()), len(nb[j].split())) >= s.verbatim_words:
            w[i, j], verb[i, j] = r / 100.0, True
    fa, fb = [_frame(x) for x in a], [_frame(y) for y in b]
    todo = [(i, j) for i, j in candidate_pairs(sim)
            if not (verb[i, j] or fa[i] or fb[j]) and _shared(a[i], b[j]) >= s.shared_words]
    if todo:
        if judge is None:
            from storyscope.compare.pairs import same_claim_prob as judge
        texts = [(a[i].narrative, b[j].narrative) for i, j in todo]
        p = (np.asarray(judge(texts)) + np.asarray(judge([(y, x) for x, y in texts]))) / 2
        for (i, j), pij in zip(todo, p):
            w[i, j] = float(pij)
    for i, j in zip(*np.nonzero(sim >= s.strong_cos)):
        if not (verb[i, j] or fa[i] or fb[j]) and _shared(a[i], b[j]) >= s.strong_shared:
            w[i, j], strong[i, j] = max(w[i, j], float(sim[i, j])), True
    return w, verb, strong


def _frame(x: Sent) -> bool:
    """A mostly quoted sentence whose narrative is too short to be the outlet's own account (an attribution
    frame around a quote): it aligns near-verbatim only."""
    return x.quoted >= SETTINGS.quoted_sent and len(words(x.narrative)) < SETTINGS.long_narr


def _content(text: str) -> set[str]:
    from storyscope.compare.quote_words import STOP
    return {w[:6] for w in words(text) if w not in STOP and not w.isdigit()}


def _shared(x: Sent, y: Sent) -> float:
    """Share of the smaller set of narrative content-word stems (6-letter prefixes) the two sentences share."""
    cx, cy = _content(x.narrative), _content(y.narrative)
    return len(cx & cy) / max(1, min(len(cx), len(cy)))


def monotone_alignment(w: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Order-preserving one-to-one alignment maximising the summed weight of pairs >= ``threshold``
    (weighted longest common subsequence by dynamic programming), as (i, j) pairs in order."""
    m, n = w.shape
    if not m or not n:
        return []
    w = np.where(w >= threshold, w, 0.0)
    D = np.zeros((m + 1, n + 1))
    for i in range(1, m + 1):
        row, prev, wi = D[i], D[i - 1], w[i - 1]
        for j in range(1, n + 1):
            best = prev[j] if prev[j] > row[j - 1] else row[j - 1]
            if wi[j - 1] > 0 and prev[j - 1] + wi[j - 1] > best:
                best = prev[j - 1] + wi[j - 1]
            row[j] = best
    pairs, i, j = [], m, n
    while i > 0 and j > 0:
        if w[i - 1, j - 1] > 0 and np.isclose(D[i, j], D[i - 1, j - 1] + w[i - 1, j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif D[i - 1, j] >= D[i, j - 1]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def align(w: np.ndarray, movable: np.ndarray) -> list[tuple[int, int]]:
    """The monotone alignment plus ``movable`` pairs (near-verbatim or strong) out of order (moved
    paragraphs), one-to-one, sorted."""
    pairs = monotone_alignment(w, SETTINGS.judge_min)
    used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, j in sorted(zip(*np.nonzero(movable)), key=lambda p: -w[p]):
        if i not in used_a and j not in used_b:
            pairs.append((int(i), int(j)))
            used_a.add(i)
            used_b.add(j)
    return sorted((int(i), int(j)) for i, j in pairs)


# --------------------------------------------------------------------------- direction
def _date(a: Article) -> str | None:
    return (a.published or None) and a.published[:16]


def _wire_credits(a: Article, bundle: StoryBundle) -> set[str]:
    """Sources credited in the byline/dateline (the article is their copy)."""
    rows = external_credits(a, bundle.spans(a.id, "debris"))
    out = {r["source"] for r in rows if {"byline", "dateline"} & set(r["kinds"])}
    if a.credit:
        out.add(_canon(a.credit) or a.credit)
    return out


def direction(a: Article, b: Article, cov_a: float, cov_b: float, bundle: StoryBundle) -> tuple[str, str, str]:
    """(derived_id, source_id, reason). Evidence in order of reliability:

    1. both dated on different days: the later one derives;
    2. one credits the other's outlet as its source ("the New York Times reports"), or only one carries
       the byline/dateline credit of an agency: the credited one is the source;
    3. exactly one is dated: the dated one is the source (rewrites and re-posts often drop dates);
    4. one's aligned content is (nearly) a subset of the other: the subset derives (trimmed copy);
    5. otherwise the shorter one derives (rewrites condense).
    """
    da, db = _date(a), _date(b)
    if da and db and da[:10] != db[:10]:
        return (a.id, b.id, "later date") if da > db else (b.id, a.id, "later date")
    for x, y in ((a, b), (b, a)):
        if credits_outlet(x, y) and not credits_outlet(y, x):
            return x.id, y.id, "credits the source's outlet"
    wa, wb = _wire_credits(a, bundle), _wire_credits(b, bundle)
    if wa and not wb:
        return b.id, a.id, "source carries the agency credit"
    if wb and not wa:
        return a.id, b.id, "source carries the agency credit"
    if bool(da) != bool(db):
        return (b.id, a.id, "source is dated") if da else (a.id, b.id, "source is dated")
    if abs(cov_a - cov_b) >= SETTINGS.subset_margin:
        return (a.id, b.id, "subset") if cov_a > cov_b else (b.id, a.id, "subset")
    return (a.id, b.id, "shorter") if len(a.text) <= len(b.text) else (b.id, a.id, "shorter")


# --------------------------------------------------------------------------- scoring
def _shingles(text: str, k: int = 5) -> set[int]:
    w = words(text)
    return {hash(tuple(w[i:i + k])) for i in range(max(0, len(w) - k + 1))}


def kind_of(mean_ratio: float) -> str:
    """verbatim: same strings; edited: same sentences, a few words changed; paraphrase: rewritten."""
    return "verbatim" if mean_ratio >= 95 else "edited" if mean_ratio >= 75 else "paraphrase"


def confidence(weight: float, share: float, verbatim_share: float, credit: bool) -> float:
    """Probability that the pair is reuse, in [0, 1]: a logistic function of the summed weight of the aligned
    narrative pairs (same-claim probabilities or string ratios, capped at ``conf_cap``), their share of the
    shorter article's narrative sentences (0-1), the share of them that are near-verbatim (0-1) and whether
    one article credits the other's outlet as its source."""
    s = SETTINGS
    z = (s.conf_bias + s.conf_weight * min(weight, s.conf_cap) + s.conf_share * share
         + s.conf_verbatim * verbatim_share + s.conf_credit * credit)
    return round(1.0 / (1.0 + math.exp(-z)), 3)


def pair_reuse(a: Article, b: Article, sa: list[Sent], sb: list[Sent], ea, eb, bundle: StoryBundle, judge=None) -> dict:
    """Reuse evidence of one article pair (no threshold applied): the aligned pairs (index in a, index in b),
    their weights, counts and shares, the credit flag and the confidence."""
    w, verb, strong = judged_matrix(sa, sb, ea, eb, judge)
    pairs = align(w, verb | strong)
    n = len(pairs)
    n_verb = sum(bool(verb[p]) for p in pairs)
    share = n / max(1, min(len(sa), len(sb)))
    credit = credits_outlet(a, b) or credits_outlet(b, a)
    ratios = [fuzz.ratio(_norm(sa[i].narrative), _norm(sb[j].narrative)) for i, j in pairs]
    return {"pairs": pairs, "w": w, "n": n, "n_verbatim": n_verb, "share": share, "credit": credit,
            "cov_a": n / max(1, len(sa)), "cov_b": n / max(1, len(sb)),
            "ratio": float(np.mean(ratios)) if ratios else 0.0,
            "confidence": confidence(float(sum(w[p] for p in pairs)), share, n_verb / max(1, n), credit)}


def one_source_each(edges: list[dict]) -> list[dict]:
    """Keep, for each derived article, its one most likely source: the most confident edge, except
    that a source which itself derives from another candidate source of the same article gives way
    to that original (copies of one source are not linked to each other). Cycles are never kept."""
    by_derived: dict[str, list[dict]] = {}
    for e in edges:
        by_derived.setdefault(e["article_id"], []).append(e)
    parent: dict[str, str] = {}
    best_of = {d: max(es, key=lambda e: (e["confidence"], e["score"])) for d, es in by_derived.items()}
    kept = []
    for d, es in sorted(by_derived.items(), key=lambda kv: -best_of[kv[0]]["confidence"]):
        cands = {e["source_id"]: e for e in es}
        order = sorted(es, key=lambda e: (-e["confidence"], -e["score"]))
        pick = None
        for e in order:
            up = best_of.get(e["source_id"])
            if up and up["source_id"] in cands and up["source_id"] != d:
                continue      # the source is a copy of another candidate: prefer the original
            pick = e
            break
        pick = pick or order[0]
        root, seen = pick["source_id"], {d}
        while root in parent and root not in seen:
            seen.add(root)
            root = parent[root]
        if root == d or root in seen and root != pick["source_id"]:
            continue
        parent[d] = pick["source_id"]
        kept.append(pick)
    return [e for e in edges if e in kept]


def candidate_article_pairs(bundle: StoryBundle, sents: dict[str, list[Sent]], emb: dict) -> list[tuple[Article, Article]]:
    """Article pairs worth aligning: narrative-centroid cosine >= ``centroid_min`` or >= ``min_shingles``
    shared word 5-grams."""
    arts = [a for a in bundle.articles if len(sents[a.id])]
    cent = {a.id: emb[a.id].mean(0) / (np.linalg.norm(emb[a.id].mean(0)) or 1.0) for a in arts}
    shing = {a.id: _shingles(" ".join(s.narrative for s in sents[a.id])) for a in arts}
    return [(a, b) for x, a in enumerate(arts) for b in arts[x + 1:]
            if float(cent[a.id] @ cent[b.id]) >= SETTINGS.centroid_min
            or len(shing[a.id] & shing[b.id]) >= SETTINGS.min_shingles]


def find_provenance(bundle: StoryBundle, min_conf: float | None = None, judge=None, keep_all: bool = False) -> list[dict]:
    """Derived -> source edges among the bundle's articles, with scores, confidence and aligned passages.

    An edge means the derived article reuses the source's narrative text (near-verbatim or a
    sentence-by-sentence paraphrase, in order) outside quotation marks (module docstring). An edge needs
    ``min_aligned`` aligned narrative pairs and ``confidence >= min_conf`` (default ``SETTINGS.min_conf``);
    each derived article keeps one source (:func:`one_source_each`; ``keep_all``: every pair's edge, for
    benchmarks). Score = aligned narrative sentences / narrative sentences of the shorter article.
    ``judge``: the same-claim probability function (default ``pairs.same_claim_prob``).
    Returns [{"article_id", "source_id", "score", "confidence", "kind", "direction", "credit",
    "aligned": [{"derived", "source", "similarity"}], "evidence"}] (evidence: article_id/start/end dicts).
    """
    min_conf = SETTINGS.min_conf if min_conf is None else min_conf
    sents = {a.id: narrative_sentences(bundle, a) for a in bundle.articles}
    flat = [s.narrative for a in bundle.articles for s in sents[a.id]]
    vecs, emb, k = _embed(flat), {}, 0
    for a in bundle.articles:
        emb[a.id], k = vecs[k:k + len(sents[a.id])], k + len(sents[a.id])
    edges = []
    for a, b in candidate_article_pairs(bundle, sents, emb):
        r = pair_reuse(a, b, sents[a.id], sents[b.id], emb[a.id], emb[b.id], bundle, judge)
        if r["n"] < SETTINGS.min_aligned or r["confidence"] < min_conf:
            continue
        d, s, why = direction(a, b, r["cov_a"], r["cov_b"], bundle)
        side = {a.id: (a, sents[a.id], 0), b.id: (b, sents[b.id], 1)}
        (da, dsents, dpos), (sa_, ssents, spos) = side[d], side[s]
        aligned, flat_ev = [], []
        for pair in r["pairs"]:
            ds_, ss_ = dsents[pair[dpos]], ssents[pair[spos]]
            dev, sev = da.evidence(ds_.start, ds_.end), sa_.evidence(ss_.start, ss_.end)
            aligned.append({"derived": dev, "source": sev, "similarity": round(float(r["w"][pair]), 3)})
            flat_ev += [dev, sev]
        edges.append({"article_id": d, "source_id": s, "score": round(r["share"], 3), "confidence": r["confidence"],
                      "kind": kind_of(r["ratio"]), "direction": why, "credit": r["credit"],
                      "aligned": aligned, "evidence": flat_ev})
    return edges if keep_all else one_source_each(edges)
