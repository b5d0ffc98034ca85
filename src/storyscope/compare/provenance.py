"""Provenance: which articles of a story derive from which (wire copy, edited copy, rewrite).

An edge means the derived article reuses the source's narrative text, near-verbatim or as a
sentence-by-sentence paraphrase in order, outside quotation marks. Lexical shingles miss
paraphrased rewrites, so the signal is sentence-level semantic alignment *in the same order*,
on each sentence's narrative (its words outside the marks): two outlets quoting one statement is
not copying, and template and footer lines (boilerplate) never align. Independent
reports of one event align on meaning now and then; a copy or a rewrite aligns all along and
keeps much of the source's wording, so an edge also needs aligned pairs that share most content
words. Each derived article keeps its one most likely source. A cheap embedding-centroid /
shared-shingle filter picks candidate pairs first so the alignment runs on few pairs.

Credits to sources outside the corpus live in compare/credits.py (re-exported here).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.credits import AGENCIES, _canon, external_credits  # noqa: F401  (re-exported)
from storyscope.compare.sentences import (  # noqa: F401  (re-exported: framing, quotes, tests)
    Sent, quoted_intervals, sentence_spans, words)
from storyscope.record import Article
from storyscope.stages.embed import DIM

@dataclass(frozen=True)
class ProvenanceSettings:
    """Tuned values of provenance (MiniLM-L6 cosines; rapidfuzz ratios 0-100). Tuned on the seeds,
    case 14 and BASIL events read by hand (benchmarks/bench_provenance.py for the synthetic pairs).

    align_cos: a sentence pair counts as aligned at or above this cosine;
    strong_cos: such pairs (or near-identical strings) may align out of order (moved paragraphs);
    near_exact: ratio at/above which two sentences are the same text, lightly edited;
    quoted_sent: a sentence at least this much inside quotation marks is "a quotation", never aligned
        (two outlets quoting one statement is not copying);
    min_words: narrative words (outside quotation marks) a sentence needs to be aligned;
    min_aligned / min_score: aligned sentences, and their share of the shorter article, for an edge;
    shared_words: content-word overlap (share of the smaller set) that makes an aligned pair share
        wording; a paraphrase of the source keeps many of its words, two reports of one event few;
    min_shared_pairs: aligned pairs sharing wording that an edge needs (independent reports of one
        event align on meaning now and then, a copy or a sentence-by-sentence rewrite all along);
    min_verbatim: near-verbatim narrative sentence pairs (ratio >= near_exact) that make an edge on
        their own, however short the reused part (an outlet pasting a few paragraphs of another);
    centroid_min: candidate filter, article-centroid cosine below which a pair is not aligned
        (unless they share literal 5-grams);
    window_gain: a two-sentence window must beat both its sentences by this to count;
    fuzzy_cos: sentence pairs at or above this cosine are also compared as strings (``near_exact``);
    min_shingles: literal 5-grams two articles must share to be aligned below ``centroid_min``;
    subset_margin: the direction of an edge is "subset" when one article's aligned coverage exceeds the
        other's by this much;
    conf_pairs: aligned pairs sharing wording at which confidence saturates;
    conf_share: the aligned share of the shorter article at which confidence saturates.
    """
    align_cos: float = 0.80
    strong_cos: float = 0.90
    near_exact: float = 90
    quoted_sent: float = 0.5
    min_words: int = 5
    min_aligned: int = 4
    min_score: float = 0.20
    shared_words: float = 0.5
    min_shared_pairs: int = 2
    min_verbatim: int = 3
    centroid_min: float = 0.50
    window_gain: float = 0.03
    fuzzy_cos: float = 0.6
    min_shingles: int = 3
    subset_margin: float = 0.15
    conf_pairs: int = 8
    conf_share: float = 0.5


SETTINGS = ProvenanceSettings()
MIN_SCORE, MIN_ALIGNED = SETTINGS.min_score, SETTINGS.min_aligned   # defaults of find_provenance

# --------------------------------------------------------------------------- alignment
def _embed(texts: list[str]) -> np.ndarray:
    from storyscope.stages.embed import embed
    return embed(texts) if texts else np.zeros((0, DIM), dtype=np.float32)


def _norm(t: str) -> str:
    return " ".join(words(t))


def similarity_matrix(a: list[Sent], b: list[Sent], ea: np.ndarray, eb: np.ndarray,
                      wa: np.ndarray | None = None, wb: np.ndarray | None = None) -> np.ndarray:
    """Cosine, raised to the string ratio for near-identical strings (embeddings saturate < 1).

    ``wa``/``wb`` embed windows of two consecutive sentences (row k = sentences k, k+1): a
    rewrite often merges two source sentences into one, so a sentence may also match a window.
    """
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    sim = ea @ eb.T
    # two sentences that are mostly the same quotation show that both outlets quoted one
    # statement, not that one copied the other: they never align
    qa = np.array([x.quoted >= SETTINGS.quoted_sent for x in a])
    qb = np.array([x.quoted >= SETTINGS.quoted_sent for x in b])
    both_quoted = qa[:, None] & qb[None, :]
    sim[both_quoted] = 0.0
    single = sim.copy()
    # a window's score goes to the half that is closer on its own: crediting both halves let the
    # alignment pick the neighbour, and the passages shown were then one sentence off
    if wb is not None and len(wb):
        s2 = ea @ wb.T          # a_i vs b_j+b_j+1
        left, right = single[:, :-1], single[:, 1:]
        s2 = np.where(s2 >= np.maximum(left, right) + SETTINGS.window_gain, s2, 0)
        to_left = left >= right
        sim[:, :-1] = np.maximum(sim[:, :-1], np.where(to_left, s2, 0))
        sim[:, 1:] = np.maximum(sim[:, 1:], np.where(~to_left, s2, 0))
    if wa is not None and len(wa):
        s2 = wa @ eb.T          # a_i+a_i+1 vs b_j
        up, down = single[:-1, :], single[1:, :]
        s2 = np.where(s2 >= np.maximum(up, down) + SETTINGS.window_gain, s2, 0)
        to_up = up >= down
        sim[:-1, :] = np.maximum(sim[:-1, :], np.where(to_up, s2, 0))
        sim[1:, :] = np.maximum(sim[1:, :], np.where(~to_up, s2, 0))
    na, nb = [_norm(s.narrative or s.text) for s in a], [_norm(s.narrative or s.text) for s in b]
    for i, j in zip(*np.nonzero((sim >= SETTINGS.fuzzy_cos) & ~both_quoted)):
        r = fuzz.ratio(na[i], nb[j]) / 100.0
        if r * 100 >= SETTINGS.near_exact:
            sim[i, j] = max(sim[i, j], r)
    return sim


def monotone_alignment(sim: np.ndarray, threshold: float | None = None) -> list[tuple[int, int]]:
    """Order-preserving one-to-one alignment maximising summed similarity (weighted LCS DP)."""
    threshold = SETTINGS.align_cos if threshold is None else threshold
    m, n = sim.shape
    if not m or not n:
        return []
    w = np.where(sim >= threshold, sim, 0.0)
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


def align(sim: np.ndarray) -> list[tuple[int, int]]:
    """Monotone alignment plus strong out-of-order matches (moved paragraphs), one-to-one."""
    pairs = monotone_alignment(sim)
    used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
    strong = sorted(zip(*np.nonzero(sim >= SETTINGS.strong_cos)), key=lambda p: -sim[p])
    for i, j in strong:
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


def _names(a: Article, bundle: StoryBundle) -> set[str]:
    own = {x for x in (a.outlet, a.credit) if x}
    return {n.lower() for n in own} | {s.lower() for s in _wire_credits(a, bundle)}


def direction(a: Article, b: Article, cov_a: float, cov_b: float, bundle: StoryBundle) -> tuple[str, str, str]:
    """(derived_id, source_id, reason). Evidence in order of reliability:

    1. both dated and different: the later one derives;
    2. one names the other's outlet/agency in an attribution ("told Reuters", "Reuters reported"), or
       only one carries the byline/dateline credit of an agency: the credited one is the original copy;
    3. exactly one is dated: the dated one is the source (rewrites and re-posts often drop dates);
    4. one's aligned content is (nearly) a subset of the other: the subset derives (trimmed copy);
    5. otherwise the shorter one derives (rewrites condense).
    """
    da, db = _date(a), _date(b)
    if da and db and da[:10] != db[:10]:
        return (a.id, b.id, "later date") if da > db else (b.id, a.id, "later date")
    texts = {a.id: a.text.lower(), b.id: b.text.lower()}
    for x, y in ((a, b), (b, a)):
        for n in _names(y, bundle) - _names(x, bundle):
            if re.search(rf"\b(?:told|according to|by)\s+{re.escape(n)}\b|\b{re.escape(n)}\s+reported\b", texts[x.id]):
                return x.id, y.id, f"credits {n}"
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


# --------------------------------------------------------------------------- main
def _shingles(text: str, k: int = 5) -> set[int]:
    w = words(text)
    return {hash(tuple(w[i:i + k])) for i in range(max(0, len(w) - k + 1))}


def compare_pair(a: Article, b: Article, sa: list[Sent], sb: list[Sent], ea, eb, wa=None, wb=None) -> dict:
    """Alignment statistics of one pair (no thresholds applied)."""
    sim = similarity_matrix(sa, sb, ea, eb, wa, wb)
    pairs = align(sim)
    shorter = max(1, min(len(sa), len(sb)))
    ratios = [fuzz.ratio(_norm(sa[i].narrative), _norm(sb[j].narrative)) for i, j in pairs]
    return {"pairs": pairs, "sim": sim, "score": len(pairs) / shorter,
            "cov_a": len(pairs) / max(1, len(sa)), "cov_b": len(pairs) / max(1, len(sb)),
            "ratio": float(np.mean(ratios)) if ratios else 0.0}


def kind_of(mean_ratio: float) -> str:
    """verbatim: same strings; edited: same sentences, a few words changed; paraphrase: rewritten."""
    return "verbatim" if mean_ratio >= 95 else "edited" if mean_ratio >= 75 else "paraphrase"


def windows(ss: list[Sent]) -> list[str]:
    return [ss[k].text + " " + ss[k + 1].text for k in range(len(ss) - 1)]


def embed_articles(arts: list[Article], sents: dict[str, list[Sent]]):
    """Sentence embeddings per article, plus two-sentence windows.

    A window's vector is the length-weighted mean of its two sentence vectors, renormalised:
    MiniLM mean-pools token vectors, so this approximates embedding the concatenation at no
    model cost.
    """
    vecs = _embed([s.narrative or s.text for a in arts for s in sents[a.id]])
    emb, win, k = {}, {}, 0
    for a in arts:
        n = len(sents[a.id])
        e = vecs[k:k + n]
        k += n
        emb[a.id] = e
        if n > 1:
            w = np.array([len((s.narrative or s.text).split()) for s in sents[a.id]], dtype=np.float32)[:, None]
            m = e[:-1] * w[:-1] + e[1:] * w[1:]
            win[a.id] = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        else:
            win[a.id] = np.zeros((0, e.shape[1]), dtype=np.float32)
    return emb, win


def _content(text: str) -> set[str]:
    from storyscope.compare.quote_words import STOP
    return {w[:6] for w in words(text) if w not in STOP and not w.isdigit()}


def shares_wording(x: Sent, y: Sent) -> bool:
    """Whether two aligned sentences share most of their narrative content words (stems)."""
    cx, cy = _content(x.narrative), _content(y.narrative)
    return len(cx & cy) >= SETTINGS.shared_words * max(1, min(len(cx), len(cy)))


_BOILER = re.compile(r"(?i)\b(?:contributed to this (?:report|story)|click here|sign up for|subscribe to|follow (?:us|him|her) on|"
                     r"all rights reserved|copyright|may not be (?:published|reproduced)|read more\b|related:|"
                     r"this (?:story|article) (?:has been|was) (?:updated|corrected)|newsletter|"
                     r"(?:watch|see) (?:the )?video|share this|email (?:us|the author))")


def is_boilerplate(x: Sent) -> bool:
    """A template or footer line (credits of contributors, sign-up and sharing prompts, copyright
    notices): text that unrelated articles share and that never shows copying."""
    return bool(_BOILER.search(x.narrative))


def confidence(n_shared: int, score: float) -> float:
    """Edge confidence in [0, 1]: aligned pairs sharing wording (saturating at ``conf_pairs``)
    times the aligned share of the shorter article (``score``, in [0, 1]; saturating at ``conf_share``)."""
    s = SETTINGS
    return round(min(1.0, n_shared / s.conf_pairs) ** 0.5 * min(1.0, score / s.conf_share) ** 0.5, 3)


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


def find_provenance(bundle: StoryBundle, min_score: float = MIN_SCORE, min_aligned: int = MIN_ALIGNED) -> list[dict]:
    """Derived -> source edges among the bundle's articles, with scores, confidence and aligned passages.

    An edge means the derived article reuses the source's narrative text (near-verbatim or a
    sentence-by-sentence paraphrase, in order) outside quotation marks: sentences are compared on
    their words outside the marks, mostly-quoted sentences and boilerplate lines never align, and at
    least ``min_shared_pairs`` aligned pairs must share most of their content words. Each derived
    article keeps one source (:func:`one_source_each`). Score = aligned sentences / alignable
    sentences of the shorter article. Returns [{"article_id", "source_id", "score", "confidence",
    "kind", "direction", "aligned": [{"derived", "source", "similarity"}], "evidence"}].
    """
    arts = bundle.articles
    sents = {a.id: [s for s in sentence_spans(bundle, a) if len(words(s.narrative)) >= SETTINGS.min_words]
             for a in arts}
    sents = {aid: [s for s in ss if not is_boilerplate(s)] for aid, ss in sents.items()}
    emb, win = embed_articles(arts, sents)
    cent = {aid: (v.mean(0) / (np.linalg.norm(v.mean(0)) or 1.0)) if len(v) else None for aid, v in emb.items()}
    shing = {a.id: _shingles(a.text) for a in arts}
    edges = []
    for x in range(len(arts)):
        for y in range(x + 1, len(arts)):
            a, b = arts[x], arts[y]
            if cent[a.id] is None or cent[b.id] is None:
                continue
            # candidate filter: topical closeness or literally shared 5-grams
            if float(cent[a.id] @ cent[b.id]) < SETTINGS.centroid_min and len(shing[a.id] & shing[b.id]) < SETTINGS.min_shingles:
                continue
            r = compare_pair(a, b, sents[a.id], sents[b.id], emb[a.id], emb[b.id], win[a.id], win[b.id])
            n_shared = sum(shares_wording(sents[a.id][i], sents[b.id][j]) for i, j in r["pairs"])
            n_verbatim = sum(fuzz.ratio(_norm(sents[a.id][i].narrative), _norm(sents[b.id][j].narrative))
                             >= SETTINGS.near_exact for i, j in r["pairs"])
            copied = len(r["pairs"]) >= min_aligned and r["score"] >= min_score and n_shared >= SETTINGS.min_shared_pairs
            if not copied and n_verbatim < SETTINGS.min_verbatim:
                continue      # neither a rewrite all along nor whole sentences of narrative reused
            d, s, why = direction(a, b, r["cov_a"], r["cov_b"], bundle)
            # pairs are (index in a, index in b): give each side its own index
            side = {a.id: (a, sents[a.id], 0), b.id: (b, sents[b.id], 1)}
            (da, dsents, dpos), (sa_, ssents, spos) = side[d], side[s]
            aligned, flat_ev = [], []
            for pair in r["pairs"]:
                ds_, ss_ = dsents[pair[dpos]], ssents[pair[spos]]
                dev, sev = da.evidence(ds_.start, ds_.end), sa_.evidence(ss_.start, ss_.end)
                aligned.append({"derived": dev, "source": sev, "similarity": round(float(r["sim"][pair]), 3)})
                flat_ev += [dev, sev]
            edges.append({"article_id": d, "source_id": s, "score": round(r["score"], 3),
                          "confidence": max(confidence(n_shared, r["score"]), confidence(n_verbatim, SETTINGS.conf_share)),
                          "kind": kind_of(r["ratio"]), "direction": why, "aligned": aligned, "evidence": flat_ev})
    return one_source_each(edges)
