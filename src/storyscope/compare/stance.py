"""Stance of an article toward a claim: agree, disagree, discuss or unrelated.

A feature-based two-stage model trained on the FNC-1 train split (see
``storyscope/models/stance/README.md`` and ``benchmarks/train_stance.py``): stage 1 decides
related vs unrelated from lexical and MiniLM sentence similarities; stage 2 decides
agree/disagree/discuss from cue-word rates in the sentences that best match the claim
plus stacked logistic regressions on bags of words and on MiniLM vectors. The final label maximises the expected
official FNC-1 score, which rewards a related guess more than an unrelated one.
The fitted vectorizer and classifiers ship as one joblib file, loaded once per process.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from storyscope import errors
from storyscope.stages.embed import DIM

LABELS = ("agree", "disagree", "discuss", "unrelated")
VERSION = "stance-v1"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "stance" / f"{VERSION}.joblib"
MAX_SENTS = 30      # body sentences considered (articles state their stance early)
TOP_K = 3           # best-matching sentences whose cue words are counted

EmbedFn = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n+")
_STOP = frozenset("""a an the and or but if of at by for with about against between into through during before
after above below to from up down in out on off over under again further then once here there when where why how
all any both each few more most other some such only own same so than too very s t can will just should now i me my
we our you your he him his she her it its they them their what which who whom this that these those am is are was
were be been being have has had having do does did doing would could also as""".split())

# Cue lexicons (UCLMR/Athene style); matched on lower-cased words before stemming.
REFUTE = frozenset("""fake fraud hoax false deny denies denied denying not despite nope doubt doubts bogus debunk
debunked debunks prank pranks retract retracts retracted refute refutes refuted untrue myth misleading dismiss
dismisses dismissed reject rejects rejected satire satirical baseless wrong incorrect erroneous fabricated""".split())
HEDGE = frozenset("""allegedly reportedly claim claims claimed may might could rumor rumors rumour rumours
unconfirmed apparently purportedly possibly suspected appears appear seems seem according sources report reports
reported believed unverified speculation speculate speculated likely perhaps unclear if whether said says""".split())
SUPPORT = frozenset("""confirm confirms confirmed confirmation official officially announced announces revealed
reveals proof proves proved true indeed verified evidence shows showed""".split())
NEGATE = frozenset("""not no never none nothing nobody neither nor without cannot isn't aren't wasn't weren't
don't doesn't didn't won't wouldn't can't couldn't hasn't haven't hadn't shouldn't""".split())
LEXICONS = (("refute", REFUTE), ("hedge", HEDGE), ("support", SUPPORT), ("negate", NEGATE))


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def stem(w: str) -> str:
    """A light suffix stripper: enough to match 'denies'/'denied', no dependency needed."""
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    for suf, keep in (("ing", 5), ("ed", 4), ("es", 5), ("s", 3)):
        if len(w) > keep and w.endswith(suf) and not w.endswith("ss"):
            return w[: -len(suf)]
    return w


def stem_tokens(text: str) -> list[str]:
    """Tokenizer of the TF-IDF vectorizer (module-level so the pickled vectorizer can find it)."""
    return [stem(w) for w in words(text)]


def content(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in _STOP]


def split_sentences(text: str, limit: int = MAX_SENTS) -> list[str]:
    out = [s.strip() for s in _SENT.split(text or "") if s and len(s.strip()) > 2]
    return out[:limit] or [(text or "").strip() or "."]


class _Body:
    """Per-body precomputation shared by every claim paired with it."""

    def __init__(self, text: str, emb: np.ndarray):
        self.sents = split_sentences(text)
        self.emb = emb
        self.words = words(text)
        self.stems = set(content(text))
        self.lead = set(content(" ".join(self.sents[:3])))
        self.sent_sets = [set(content(s)) for s in self.sents]
        toks = [stem(w) for w in self.words if w not in _STOP]
        self.bigrams = set(zip(toks, toks[1:]))
        self.mean = emb.mean(0)
        self.mean /= np.linalg.norm(self.mean) or 1.0
        self.rates = [sum(w in lex for w in self.words) * 100.0 / max(len(self.words), 1) for _, lex in LEXICONS]
        self.question = text.count("?") / max(len(self.sents), 1)
        self.quotes = sum(text.count(q) for q in '"\u201c\u201d') / max(len(self.sents), 1)


def _lex_counts(ws: list[str]) -> list[float]:
    return [float(sum(w in lex for w in ws)) for _, lex in LEXICONS]


def _cos_rows(a, b) -> np.ndarray:
    """Row-wise cosine of two L2-normalised sparse matrices."""
    return np.asarray(a.multiply(b).sum(1)).ravel()


def featurize(pairs: Sequence[tuple[str, str]], vectorizer, embed_fn: EmbedFn | None = None):
    """Dense features (n, d), MiniLM pair vectors (n, 1152) and TF-IDF rows (claim, best sentences, body).

    The pair vector is [claim, mean of its best-matching sentences, their product]; it and
    the TF-IDF rows feed the two stacked logistic regressions of stage 2.
    """
    if embed_fn is None:
        from storyscope.stages.embed import embed as embed_fn
    heads = list(dict.fromkeys(h for h, _ in pairs))
    texts = list(dict.fromkeys(b for _, b in pairs))
    sents = {t: split_sentences(t) for t in texts}
    flat = [s for t in texts for s in sents[t]]
    vecs = embed_fn(heads + flat) if heads or flat else np.zeros((0, DIM), np.float32)
    h_emb = {h: vecs[i] for i, h in enumerate(heads)}
    bodies, pos = {}, len(heads)
    for t in texts:
        n = len(sents[t])
        bodies[t] = _Body(t, vecs[pos:pos + n])
        pos += n
    idf = dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_))
    max_idf = float(max(vectorizer.idf_))

    rows, tops, pvecs = [], [], []
    for h, t in pairs:
        b = bodies[t]
        hw = words(h)
        hc = list(dict.fromkeys(content(h))) or ["\0"]
        sims = b.emb @ h_emb[h]
        order = np.argsort(-sims)
        top = [b.sents[i] for i in sorted(order[:TOP_K])]
        m = b.emb[order[:TOP_K]].mean(0)
        pvecs.append(np.concatenate([h_emb[h], m, h_emb[h] * m]))
        tops.append(" ".join(top))
        top_words = words(" ".join(top))
        inter = [w for w in hc if w in b.stems]
        w_all = sum(idf.get(w, max_idf) for w in hc)
        hb = list(zip(hc, hc[1:]))
        srt = np.sort(sims)[::-1]
        f = [
            len(inter) / len(hc),
            sum(w in b.lead for w in hc) / len(hc),
            sum(idf.get(w, max_idf) for w in inter) / w_all,
            len(inter) / len(set(hc) | b.stems),
            sum(x in b.bigrams for x in hb) / max(len(hb), 1),
            max(len(set(hc) & s) / len(hc) for s in b.sent_sets),
            float(srt[0]), float(srt[:2].mean()), float(srt[:3].mean()), float(sims.mean()), float(sims[0]),
            float(order[0]) / len(sims), float(b.mean @ h_emb[h]),
            float((sims > 0.5).sum()), float((sims > 0.3).mean()),
            len(hw), math.log1p(len(b.words)), len(b.sents),
            float("?" in h), float(any(q in h for q in "\"'\u2018\u201c")),
            b.question, b.quotes,
            *_lex_counts(hw), *b.rates, *_lex_counts(top_words),
            *_lex_counts(words(b.sents[0])),
            float(sum(w in NEGATE for w in hw) % 2), float(sum(w in NEGATE for w in top_words) % 2),
            float(srt[0]) * sum(w in REFUTE for w in top_words),
        ]
        rows.append(f)
    X = np.asarray(rows, dtype=np.float32)
    hu, bu = vectorizer.transform(heads), vectorizer.transform(texts)
    h_ix, b_ix = {h: i for i, h in enumerate(heads)}, {t: i for i, t in enumerate(texts)}
    hv, bv = hu[[h_ix[h] for h, _ in pairs]], bu[[b_ix[t] for _, t in pairs]]
    tv = vectorizer.transform(tops)
    X = np.hstack([X, np.c_[_cos_rows(hv, bv), _cos_rows(hv, tv)].astype(np.float32)])
    P = np.asarray(pvecs, dtype=np.float32).reshape(len(pairs), -1)
    return X, P, (hv, tv, bv)


def stack_sparse(hv, tv, bv):
    """Bag-of-words input of the stacked logistic regression: claim, best sentences, body."""
    from scipy.sparse import hstack
    return hstack([hv, tv, bv]).tocsr()


def decide(proba: np.ndarray) -> list[str]:
    """Label with the highest expected FNC-1 score given 4-class probabilities."""
    p_rel = proba[:, :3].sum(1)
    sub = proba[:, :3] / np.maximum(p_rel, 1e-12)[:, None]
    gain_related = p_rel * (0.25 + 0.75 * sub.max(1))
    gain_unrelated = (1 - p_rel) * 0.25
    best = sub.argmax(1)
    return [LABELS[int(k)] if g > u else "unrelated" for k, g, u in zip(best, gain_related, gain_unrelated)]


class StanceModel:
    """Fitted vectorizer, two stacked LRs (bag of words, MiniLM) and two gradient-boosting stages."""

    def __init__(self, vectorizer, lr, lr_emb, related_clf, stance_clf, meta: dict):
        self.vectorizer, self.lr, self.lr_emb = vectorizer, lr, lr_emb
        self.related_clf, self.stance_clf = related_clf, stance_clf
        self.meta = dict(meta)

    @property
    def version(self) -> str:
        return self.meta.get("version", VERSION)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "StanceModel":
        import joblib
        p = Path(path) if path else DEFAULT_PATH
        if not p.is_file():
            raise FileNotFoundError(f"{p}: {errors.NO_STANCE_MODEL}")
        obj = joblib.load(p)
        if not isinstance(obj, cls):
            raise TypeError(f"{p}: {errors.NOT_STANCE_MODEL}")
        return obj

    def save(self, path: str | Path) -> None:
        import joblib
        joblib.dump(self, path, compress=3)

    def features(self, pairs, embed_fn: EmbedFn | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(related-stage features, stance-stage features incl. the stacked LR probabilities)."""
        X, P, (hv, tv, bv) = featurize(pairs, self.vectorizer, embed_fn)
        lr_p = self.lr.predict_proba(stack_sparse(hv, tv, bv)).astype(np.float32)
        emb_p = self.lr_emb.predict_proba(P).astype(np.float32)
        return X, np.hstack([X, lr_p, emb_p])

    def predict_proba(self, pairs: Sequence[tuple[str, str]], embed_fn: EmbedFn | None = None) -> np.ndarray:
        """(n, 4) probabilities in ``LABELS`` order."""
        pairs = [(str(c or ""), str(a or "")) for c, a in pairs]
        if not pairs:
            return np.zeros((0, 4))
        X1, X2 = self.features(pairs, embed_fn)
        p_rel = self.related_clf.predict_proba(X1)[:, 1]
        sub = self.stance_clf.predict_proba(X2)
        return np.hstack([sub * p_rel[:, None], (1 - p_rel)[:, None]])

    def predict(self, pairs: Sequence[tuple[str, str]], embed_fn: EmbedFn | None = None) -> list[str]:
        return decide(self.predict_proba(pairs, embed_fn))


_MODEL: StanceModel | None = None
_MODEL_PATH: Path | None = None


def get_model(path: str | Path | None = None) -> StanceModel:
    """The stance model, loaded once per process (per path)."""
    global _MODEL, _MODEL_PATH
    p = Path(path) if path else DEFAULT_PATH
    if _MODEL is None or _MODEL_PATH != p:
        _MODEL, _MODEL_PATH = StanceModel.load(p), p
    return _MODEL


def stance(claim: str, article_text: str) -> dict:
    """{"label", "scores": {label: probability}} for one claim and one article."""
    proba = get_model().predict_proba([(claim, article_text)])[0]
    return {"label": decide(proba[None, :])[0],
            "scores": {lab: round(float(p), 4) for lab, p in zip(LABELS, proba)}}
