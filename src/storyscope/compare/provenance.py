"""Provenance: which articles of a story derive from which (wire copy, edited copy, rewrite).

Lexical shingles miss paraphrased rewrites (a rewrite can share almost no word 5-grams with
its source), so the decisive signal is sentence-level semantic alignment *in the same order*:
independent reports of one event share facts and sometimes a quote, but rarely a long run of
sentences that map onto each other in sequence. A cheap embedding-centroid / shared-shingle
filter picks candidate pairs first so the alignment runs on few pairs.

Also finds credits to sources outside the corpus ("By REUTERS", "(AFP)", "told Reuters",
"obtained by The Intercept"), which later stages use to count independent sources.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from storyscope.compare.bundle import StoryBundle
from storyscope.record import Article, Span

# Thresholds (tuned on the seeds and BASIL within-event pairs; see benchmarks/bench_provenance.py).
ALIGN_COS = 0.80        # a sentence pair counts as aligned at or above this cosine (MiniLM-L6)
STRONG_COS = 0.90       # such pairs (or near-identical strings) may align out of order (moved paragraphs)
NEAR_EXACT = 90         # rapidfuzz ratio at/above which two sentences are the same text, lightly edited
QUOTED_SENT = 0.5       # a sentence at least this much inside quotation marks is "a quotation"
MIN_ALIGNED = 4         # fewer aligned sentences than this is coincidence (a shared quote, a stock phrase)
MIN_SCORE = 0.20        # aligned fraction of the shorter article needed for an edge
CENTROID_MIN = 0.50     # candidate filter: article-centroid cosine below this never aligns
WINDOW_GAIN = 0.03      # a two-sentence window must beat both its sentences by this to count
MIN_WORDS = 5           # sentences shorter than this are not aligned (datelines, captions, "Discuss")

_SENT_SPLIT = re.compile(r'(?<=[.!?])(["\'\u201d\u2019)\]]*)\s+(?=["\'\u201c\u2018(\[]?[A-Z0-9])')
_WORD = re.compile(r"\w+(?:['\u2019]\w+)?")


@dataclass
class Sent:
    start: int
    end: int
    text: str
    quoted: float = 0.0     # fraction of the sentence inside quotation marks


_QMARK = re.compile(r'["\u201c\u201d]')


def quoted_intervals(text: str, quotes: list[Span] = ()) -> list[tuple[int, int]]:
    """Direct-quote intervals: the quotes layer's direct spans plus paired marks per paragraph."""
    out = [(q.start, q.end) for q in quotes if q.label != "indirect"]
    for m in re.finditer(r"[^\n]+", text):
        pos = [m.start() + x.start() for x in _QMARK.finditer(m.group(0))]
        out += [(pos[k], pos[k + 1] + 1) for k in range(0, len(pos) - 1, 2)]
    return out


def _quoted_fraction(s: int, e: int, iv: list[tuple[int, int]]) -> float:
    cover = sum(max(0, min(e, b) - max(s, a)) for a, b in iv)
    return min(1.0, cover / max(1, e - s))


# --------------------------------------------------------------------------- sentences
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Fallback splitter: paragraphs (lines), then a punctuation+capital regex. Trims spaces."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        para, base = m.group(0), m.start()
        pos = 0
        for b in _SENT_SPLIT.finditer(para):
            out.append((base + pos, base + b.start() + len(b.group(1))))
            pos = b.end()
        out.append((base + pos, base + len(para)))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def sentence_spans(bundle: StoryBundle, article: Article) -> list[Sent]:
    """The article's sentences: the `sentences` layer when present, else the fallback splitter.

    Sentences overlapping a debris span (captions, credits, forms) are dropped.
    """
    layer = bundle.spans(article.id, "sentences")
    pairs = [(s.start, s.end) for s in layer] if layer else split_sentences(article.text)
    debris = [(d.start, d.end) for d in bundle.spans(article.id, "debris")]
    iv = quoted_intervals(article.text, bundle.spans(article.id, "quotes"))
    out = []
    for s, e in sorted(pairs):
        if any(s < de and ds < e for ds, de in debris):
            continue
        out.append(Sent(s, e, article.text[s:e], _quoted_fraction(s, e, iv)))
    return out


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


# --------------------------------------------------------------------------- credits
# Outlets and agencies recognised by name in credit lines; anything else needs an explicit
# "obtained by / reported by / told" attribution with a capitalised name.
AGENCIES = {
    "reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP", "ap": "AP", "associated press": "AP",
    "the associated press": "AP", "bloomberg": "Bloomberg", "pti": "PTI", "press trust of india": "PTI",
    "ani": "ANI", "ians": "IANS", "xinhua": "Xinhua", "tass": "TASS", "sputnik": "Sputnik",
    "ria novosti": "RIA Novosti", "anadolu": "Anadolu", "anadolu agency": "Anadolu", "dpa": "dpa", "efe": "EFE",
    "kyodo": "Kyodo", "yonhap": "Yonhap", "upi": "UPI", "the intercept": "The Intercept", "bbc": "BBC",
    "cnn": "CNN", "al jazeera": "Al Jazeera", "the new york times": "The New York Times",
    "the washington post": "The Washington Post", "the guardian": "The Guardian", "axios": "Axios",
}
_AG = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))
_TOK = r"[A-Z][\w&\-]*(?:\.[A-Z][\w&\-]*)*"
_NAME = rf"((?:The[ \t]+)?{_TOK}(?:[ \t]+(?:of[ \t]+)?{_TOK}){{0,3}})"
_CREDIT_LINE = [
    ("byline", re.compile(rf"^\s*(?:By|Source|Courtesy(?:\s+of)?|With inputs from)[:\s]+({_AG})\s*$", re.I)),
    ("byline", re.compile(rf"^\s*({_AG})\s*$", re.I)),
]
_IN_TEXT = [
    ("dateline", re.compile(rf"\(({_AG})\)\s*[-\u2013\u2014]", re.I)),
    ("photo", re.compile(rf"(?:photo\s+)?credit:\s*(?:[^()/]*/)?(?:via\s+)?({_AG})\)", re.I)),
    ("attribution", re.compile(rf"\b(?:obtained|reported|first reported|published|seen)\s+by\s+{_NAME}")),
    ("attribution", re.compile(rf"\b(?:told|according to)\s+({_AG})\b", re.I)),
    ("attribution", re.compile(rf"\b({_AG})\s+(?:reported|said it had seen|has reported|reports)\b", re.I)),
]


def _canon(name: str) -> str | None:
    key = " ".join(name.lower().split()).rstrip(".")
    if key in AGENCIES:
        return AGENCIES[key]
    if name[:1].isupper() and key not in {"the", "it", "he", "she", "they"}:
        return " ".join(name.split())
    return None


def external_credits(article: Article, debris_spans: list[Span] | None = None) -> list[dict]:
    """Credits to sources outside the corpus, one row per source: {"source", "kinds", "evidence"}.

    Credit lines are looked for in debris spans (byline/credit/dateline) and, when no debris
    layer was given, in short stand-alone lines; in-text attributions anywhere in the text.
    """
    text = article.text
    found: dict[str, dict] = {}

    def add(src: str | None, kind: str, s: int, e: int):
        if not src:
            return
        row = found.setdefault(src, {"source": src, "kinds": [], "evidence": []})
        if kind not in row["kinds"]:
            row["kinds"].append(kind)
        if not any(ev["start"] == s and ev["end"] == e for ev in row["evidence"]):
            row["evidence"].append(article.evidence(s, e))

    lines = [(d.start, d.end) for d in (debris_spans or [])]
    lines += [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if len(m.group(0).split()) <= 4]
    for s, e in lines:
        for kind, rx in _CREDIT_LINE:
            m = rx.match(text[s:e])
            if m:
                add(_canon(m.group(1)), kind, s + m.start(), s + m.end())
                break
    for kind, rx in _IN_TEXT:
        for m in rx.finditer(text):
            add(_canon(m.group(1)), kind, m.start(), m.end())
    return list(found.values())


# --------------------------------------------------------------------------- alignment
def _embed(texts: list[str]) -> np.ndarray:
    from storyscope.stages.embed import embed
    return embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)


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
    qa = np.array([x.quoted >= QUOTED_SENT for x in a])
    qb = np.array([x.quoted >= QUOTED_SENT for x in b])
    both_quoted = qa[:, None] & qb[None, :]
    sim[both_quoted] = 0.0
    single = sim.copy()
    if wb is not None and len(wb):
        # a_i vs b_j+b_j+1, credited to both halves, only when the window beats each half
        # (else one strong sentence would also lend its score to its neighbour)
        s2 = ea @ wb.T
        s2 = np.where(s2 >= np.maximum(single[:, :-1], single[:, 1:]) + WINDOW_GAIN, s2, 0)
        sim[:, :-1] = np.maximum(sim[:, :-1], s2)
        sim[:, 1:] = np.maximum(sim[:, 1:], s2)
    if wa is not None and len(wa):
        s2 = wa @ eb.T
        s2 = np.where(s2 >= np.maximum(single[:-1, :], single[1:, :]) + WINDOW_GAIN, s2, 0)
        sim[:-1, :] = np.maximum(sim[:-1, :], s2)
        sim[1:, :] = np.maximum(sim[1:, :], s2)
    na, nb = [_norm(s.text) for s in a], [_norm(s.text) for s in b]
    for i, j in zip(*np.nonzero((sim >= 0.6) & ~both_quoted)):
        r = fuzz.ratio(na[i], nb[j]) / 100.0
        if r * 100 >= NEAR_EXACT:
            sim[i, j] = max(sim[i, j], r)
    return sim


def monotone_alignment(sim: np.ndarray, threshold: float = ALIGN_COS) -> list[tuple[int, int]]:
    """Order-preserving one-to-one alignment maximising summed similarity (weighted LCS DP)."""
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
    strong = sorted(zip(*np.nonzero(sim >= STRONG_COS)), key=lambda p: -sim[p])
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
    if abs(cov_a - cov_b) >= 0.15:
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
    ratios = [fuzz.ratio(_norm(sa[i].text), _norm(sb[j].text)) for i, j in pairs]
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
    vecs = _embed([s.text for a in arts for s in sents[a.id]])
    emb, win, k = {}, {}, 0
    for a in arts:
        n = len(sents[a.id])
        e = vecs[k:k + n]
        k += n
        emb[a.id] = e
        if n > 1:
            w = np.array([len(s.text.split()) for s in sents[a.id]], dtype=np.float32)[:, None]
            m = e[:-1] * w[:-1] + e[1:] * w[1:]
            win[a.id] = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        else:
            win[a.id] = np.zeros((0, e.shape[1]), dtype=np.float32)
    return emb, win


def find_provenance(bundle: StoryBundle, min_score: float = MIN_SCORE, min_aligned: int = MIN_ALIGNED) -> list[dict]:
    """Derived -> source edges among the bundle's articles, with scores and aligned passages.

    Each unordered pair yields at most one edge. Score = aligned sentences / sentences of the
    shorter article (alignable sentences only).
    """
    arts = bundle.articles
    sents = {a.id: [s for s in sentence_spans(bundle, a) if len(words(s.text)) >= MIN_WORDS] for a in arts}
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
            if float(cent[a.id] @ cent[b.id]) < CENTROID_MIN and len(shing[a.id] & shing[b.id]) < 3:
                continue
            r = compare_pair(a, b, sents[a.id], sents[b.id], emb[a.id], emb[b.id], win[a.id], win[b.id])
            if len(r["pairs"]) < min_aligned or r["score"] < min_score:
                continue
            d, s, why = direction(a, b, r["cov_a"], r["cov_b"], bundle)
            arts_by = {a.id: (a, sents[a.id], 0), b.id: (b, sents[b.id], 1)}
            aligned, flat_ev = [], []
            for i, j in r["pairs"]:
                idx = (i, j)
                da, dsents, dpos = arts_by[d]
                sa_, ssents, spos = arts_by[s]
                ds_, ss_ = dsents[idx[dpos]], ssents[idx[spos]]
                dev, sev = da.evidence(ds_.start, ds_.end), sa_.evidence(ss_.start, ss_.end)
                aligned.append({"derived": dev, "source": sev, "similarity": round(float(r["sim"][i, j]), 3)})
                flat_ev += [dev, sev]
            edges.append({"article_id": d, "source_id": s, "score": round(r["score"], 3),
                          "kind": kind_of(r["ratio"]), "direction": why, "aligned": aligned, "evidence": flat_ev})
    return edges
