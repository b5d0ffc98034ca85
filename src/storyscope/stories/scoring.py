"""How ``OnlineClusterer`` scores an article against a story (moved out of ``online.py`` unchanged).

``Scoring`` is a mixin over the clusterer's arrays and counts (``df``, ``n_docs``, ``ent_df``,
``_C``, ``_start``/``_end``/``_lo``/``_hi``/``_wlo``/``_whi``, ``_alive``, ``_ivf``, ``_stories``, ``p``, ``model``):
document-frequency counting, date gaps and penalty, candidate selection (date window, then the
inverted-file index), TF-IDF and actor weights, the pair-model probability, and the best story.
"""
from __future__ import annotations

import math

import numpy as np

from storyscope.stories.event import pair_vector
from storyscope.stories.features import Features, _arrays
from storyscope.stories.state import Story


TOP_TERMS = 10          # an article's or a story's heaviest TF-IDF terms (``_covers``)
STORY_TOP = 32          # a story's most used terms (summed tf), kept per story in ``_top`` (``story_top``)
LEXICAL_TERMS = 8       # an untitled article's heaviest TF-IDF terms looked up there (``_lexical``)
LEXICAL_MIN = 2         # ... of which a story must have at least this many to be a lexical candidate


def story_top(keys: np.ndarray, tf: np.ndarray) -> np.ndarray:
    """The ``STORY_TOP`` term keys of a story with the largest summed tf (fewer: all; int32, padded
    with -1): what ``Scoring._lexical`` matches an untitled article's distinctive terms against.
    By tf alone, so it depends only on the story's own terms (the same after a reload)."""
    out = np.full(STORY_TOP, -1, dtype=np.int32)
    if len(keys) > STORY_TOP:
        keys = keys[np.argpartition(-tf, STORY_TOP - 1)[:STORY_TOP]]
    out[:len(keys)] = keys
    return out


def _covers(ak: np.ndarray, av: np.ndarray, hit: np.ndarray, sk: np.ndarray, sv: np.ndarray) -> tuple[float, float]:
    """Weighted share of the article's ``TOP_TERMS`` heaviest TF-IDF terms that the story has,
    and of the story's heaviest terms that the article has: the words that make each one
    distinctive (a place, a name, an object), where the cosine is dominated by the shared topic.
    ``ak``/``sk`` sorted term keys, ``av``/``sv`` their weights, ``hit`` which of ``ak`` are in ``sk``."""
    n = min(TOP_TERMS, len(ak))
    ta = np.argpartition(-av, n - 1)[:n] if len(ak) > n else np.arange(len(ak))
    top = float(av[ta][hit[ta]].sum() / (av[ta].sum() or 1.0))
    m = min(TOP_TERMS, len(sk))
    ts = np.argpartition(-sv, m - 1)[:m] if len(sk) > m else np.arange(len(sk))
    pos = np.minimum(np.searchsorted(ak, sk[ts]), len(ak) - 1)
    found = ak[pos] == sk[ts]
    return top, float(sv[ts][found].sum() / (sv[ts].sum() or 1.0))


def _held(top: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Per row of ``top`` (stories' term keys), how many of its entries are among the keys ``q``:
    ``np.isin(top, q).sum(axis=1)``, as one mask per key of the few in ``q`` (half the time)."""
    if not len(q):
        return np.zeros(len(top), dtype=np.intp)
    keys = q.tolist()
    hit = top == keys[0]
    for x in keys[1:]:
        hit |= top == x
    return np.count_nonzero(hit, axis=1)


class Scoring:
    """The scoring half of ``OnlineClusterer`` (see ``stories.online`` for the model)."""

    def _count(self, f: Features) -> None:
        if f.terms:
            self.df[_arrays(f)[0]] += 1          # its unique keys (sorted: the same counts)
        self.n_docs += 1
        self.ent_df.update(f.ents.keys())

    def _penalty(self, gap: np.ndarray | float):
        p = self.p
        return np.clip((np.asarray(gap, dtype=float) - p.grace_days)
                                       / max(p.horizon_days - p.grace_days, 1e-9), 0.0, 1.0)

    def _gaps(self, f: Features, idx: np.ndarray, wide: bool = False) -> np.ndarray:
        """Days between the article's anchors and each candidate story's span (0 when undated).

        ``wide``: to the span widened by the dates the story mentions (a lower bound of the
        gap ``score`` uses, for ranking and pruning candidates).
        """
        anchors = ([f.pub] if f.pub is not None else []) + list(f.mentions)
        if not anchors:
            return np.zeros(len(idx))
        st, en = (self._lo[idx], self._hi[idx]) if wide else (self._start[idx], self._end[idx])
        if len(anchors) == 1:
            gap = np.maximum(np.maximum(st - anchors[0], anchors[0] - en), 0.0)
        else:               # every anchor at once (the same elementwise values; the minimum is exact)
            x = np.array(anchors, dtype=float)[:, None]
            gap = np.maximum(np.maximum(st - x, x - en), 0.0).min(axis=0)
        return np.where(np.isnan(st), 0.0, gap)

    def _candidates(self, f: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``k`` stories with the best embedding similarity minus date penalty, their sims and gaps.

        A dated article only looks at stories whose span comes within ``horizon_days`` of its
        dates (and undated stories): beyond it the full penalty rules a join out anyway, so a
        stream spanning years costs per article what its current season costs. The
        inverted-file index narrows the rest when they are still many (or the article is undated).
        """
        S, p = len(self._stories), self.p
        if S == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        anchors = ([f.pub] if f.pub is not None else []) + list(f.mentions)
        idx = None
        if anchors:
            ok = self._in_window(np.s_[:S], anchors)
            if self._ivf is not None and np.count_nonzero(ok) > p.ivf_min:
                near = self._ivf.probe(f.emb, p.nprobe, sort=False)
                idx = np.sort(near[ok[near]])        # the probed stories in the window, in order
            else:
                idx = np.flatnonzero(ok)
        elif self._ivf is not None:
            idx = self._ivf.probe(f.emb, p.nprobe)
        else:
            idx = np.flatnonzero(self._alive[:S])
        if len(idx) == 0:
            return idx, np.zeros(0), np.zeros(0)
        sims = self._C[idx] @ f.emb
        pre = sims - self._penalty(self._gaps(f, idx, wide=True))
        k = min(p.k, len(idx))
        top = np.argpartition(-pre, k - 1)[:k] if len(idx) > k else np.arange(len(idx))
        top = self._lexical(f, idx, sims, top[np.lexsort((idx[top], -pre[top]))])
        return idx[top], sims[top], self._gaps(f, idx[top])

    def _lexical(self, f: Features, idx: np.ndarray, sims: np.ndarray, top: np.ndarray) -> np.ndarray:
        """``top`` (positions into the candidate pool ``idx``, the ``k`` best by embedding) followed by up
        to ``Params.lexical_k`` more for an article without a headline: stories of the pool that have
        at least ``LEXICAL_MIN`` of its ``LEXICAL_TERMS`` heaviest TF-IDF terms among their ``STORY_TOP``
        most used terms, most shared first (then embedding similarity, then index).

        Why: an untitled article is embedded from its body's first sentences alone, which may not
        say what the story is about; its own story can then rank below the ``k`` best by embedding
        while sharing its distinctive words (BENCHMARKS.md, "Stories (issue 16)", session 9)."""
        n = self.p.lexical_k
        if n <= 0 or f.titled or not f.terms or len(idx) <= len(top):
            return top
        rest = np.ones(len(idx), dtype=bool)
        rest[top] = False
        pos = np.flatnonzero(rest)
        ak, av, _ = self._article_weights(f)
        q = ak[np.argpartition(-av, LEXICAL_TERMS - 1)[:LEXICAL_TERMS]] if len(ak) > LEXICAL_TERMS else ak
        cnt = _held(self._top[idx[pos]], q)
        ok = cnt >= LEXICAL_MIN
        if not ok.any():
            return top
        pos, cnt = pos[ok], cnt[ok]
        pick = pos[np.lexsort((idx[pos], -sims[pos], -cnt))[:n]]
        return np.concatenate([top, pick])

    def _in_window(self, idx, anchors: list) -> np.ndarray:
        """Which stories ``idx`` (indices or a slice) are alive and undated or have a span within
        ``horizon_days`` of the anchors' days: ``_wlo``/``_whi`` hold the spans with undated stories
        open on both sides and merged ones closed (days are whole numbers: the bounds move exactly)."""
        h = self.p.horizon_days
        return (self._whi[idx] >= min(anchors) - h) & (self._wlo[idx] <= max(anchors) + h)

    def _idf(self, keys: np.ndarray) -> np.ndarray:
        return np.log((1.0 + self.n_docs) / (1.0 + self.df[keys])) + 1.0

    def _article_weights(self, f: Features):
        """Article TF-IDF weights under the current document frequencies (once per article)."""
        c = getattr(f, "_w", None)
        if c is None or c[0] != self.n_docs:
            ak, atf = _arrays(f)
            av = atf * self._idf(ak)
            c = (self.n_docs, ak, av, float(np.linalg.norm(av)))
            f._w = c
        return c[1:]

    def _story_weights(self, st: "Story"):
        """Story TF-IDF weights; refreshed when the story changes or the counts drift by 5%."""
        c = st._w
        if c is None or self.n_docs - c[0] > max(20, 0.05 * c[0]):
            sk, stf = st.arrays()
            sv = stf * self._idf(sk)
            c = st._w = (self.n_docs, sk, sv, float(np.linalg.norm(sv)))
        return c[1:]

    def _ent_weights(self, f: Features):
        c = getattr(f, "_e", None)
        if c is None or c[0] != self.n_docs:
            n, get, log = self.n_docs, self.ent_df.get, math.log
            top = 1.0 + n
            w = {e: log(top / (1.0 + get(e, 0))) + 1.0 for e in f.ents}
            c = f._e = (n, w, sum(w.values()))
        return c[1], c[2]

    def score(self, f: Features, s: int, emb_sim: float | None = None, gap: float | None = None) -> float:
        """P(same event) of article features ``f`` and story index ``s`` under the pair model.

        Beyond ``horizon_days`` (the full date penalty) the answer is 0 whatever the text says.
        """
        gap = self.date_gap(f, s, gap)
        return 0.0 if self.date_penalty(gap) >= 1.0 else self.model.prob(self.pair_features(f, s, emb_sim, gap))

    def date_gap(self, f: Features, s: int, gap: float | None = None) -> float:
        """Days between the article's dates and story ``s``'s span or mentioned dates (0 when
        either side is undated). ``gap``: the span distance, if already known."""
        st = self._stories[s]
        if gap is None:
            gap = float(self._gaps(f, np.array([s]))[0])
        if st.mentions and f.pub is not None:
            gap = min(gap, min(abs(f.pub - m) for m in st.mentions))
        return gap

    def date_penalty(self, gap: float) -> float:
        """0 within ``grace_days``, rising linearly to 1 at ``horizon_days`` (scalar ``_penalty``)."""
        p = self.p
        return 0.0 if gap <= p.grace_days else min(1.0, (gap - p.grace_days) / max(p.horizon_days - p.grace_days, 1e-9))

    def pair_features(self, f: Features, s: int, emb_sim: float | None = None, gap: float = 0.0) -> np.ndarray:
        """The pair model's features (``event.FEATURES``) of article ``f`` against story ``s``; the event
        features the model's weights for this pair do not read are 0 (``PairModel.kinds``)."""
        st = self._stories[s]
        if emb_sim is None:
            emb_sim = float(self._C[s] @ f.emb)
        untitled, undated = not f.titled, f.pub is None and st.start is None
        tf = top = cover = 0.0
        if f.terms and len(st.terms[0]):
            ak, av, an = self._article_weights(f)
            sk, sv, sn = self._story_weights(st)
            pos = sk.searchsorted(ak)
            np.minimum(pos, len(sk) - 1, out=pos)
            hit = sk[pos] == ak
            tf = float(av[hit] @ sv[pos[hit]]) / (an * sn) if an * sn > 0 else 0.0
            if self.model.reads_covers(untitled, undated):
                top, cover = _covers(ak, av, hit, sk, sv)
        ent = 0.0
        if f.ents and st.ents:
            w, tot = self._ent_weights(f)
            ents = st.ents
            ent = sum(v for e, v in w.items() if e in ents) / tot if tot > 0 else 0.0
        return pair_vector(f.event, st.event, emb_sim, tf, ent, self.date_penalty(gap), gap, len(st.article_ids),
                           self.model.core_share, untitled, top, cover, undated, self.model.kinds(untitled, undated))

    def _best(self, f: Features, skip: int = -1) -> tuple[int | None, float]:
        idx, sims, gaps = self._candidates(f)
        best, best_score = None, -np.inf
        for s, sim, gap in zip(idx.tolist(), sims.tolist(), gaps.tolist()):
            if s == skip:
                continue
            sc = self.score(f, s, sim, gap)
            if sc > best_score + 1e-12 or (abs(sc - best_score) <= 1e-12 and best is not None and s < best):
                best, best_score = s, sc
        return best, best_score
