"""Group a stream of articles into stories: online assignment and on-demand batch re-clustering.

An article joins the story whose score is highest, or opens a new story when no score reaches
the threshold. The score mixes four signals, each cheap once an article is featurised:

* cosine of a sentence embedding of the title + lead (one embedding call per article) with the
  story centroid — the topic;
* TF-IDF cosine over hashed words with document frequencies counted online — the specifics;
* shared names (actors given by the caller, else capitalised names found by a regex), weighted
  by rarity — who is involved;
* a date penalty that grows when an article is more than ``grace_days`` from the story's span
  and is full beyond ``horizon_days``: the same names a year apart are a different story.
  Dates written in the article ("on March 7, 2022") count as anchors too, so a later article
  that explicitly revisits the story's days is not pushed out by its publication date.

Candidates for a dated article are the stories whose span (widened by the dates they mention)
comes within ``horizon_days`` of its dates, plus undated stories: beyond that the full penalty
rules a join out, so a stream spanning years costs per article what its current season costs.
When that window still holds many stories (or the article is undated), an inverted-file index
over centroids (k-means coarse lists, retrained as the number of stories quadruples, a fixed
number of lists probed) narrows it to about ``nprobe * sqrt(S) / 2``; then the ``k`` best by
embedding similarity minus date penalty are scored in full.

Online, an article written from another angle (a feature, a reaction) can open its own story
before the articles that bridge it to the main one arrive. So when a story grows, its aggregate
is compared with the other stories; a small story (``merge_max`` articles or fewer) whose
score reaches ``merge_threshold`` is merged into the earlier one, using the mean embedding
similarity over all cross pairs (exact from the sums) rather than the centroids' cosine, which
grows with story size and fused broad topics. A merged story stays as an empty tombstone so
indices in the state are stable.

``cluster_batch`` (on-demand re-clustering, what ``eval stories`` scores) is different: average
linkage on pairwise article similarity over a k-nearest-neighbour candidate graph, with exact
cluster averages (see ``_average_link``). It sees every article before judging any, so it does
not depend on arrival order.

Online weights and threshold were tuned on BASIL (dated, 3 outlets per event) *together with*
harder undated variants (BASIL title + two sentences, shuffled; FNC-1 bodies grouped into topics
by their related headlines, whole and cut to three sentences), keeping settings that did well on
all of them rather than the best on one; ``BatchParams`` likewise (best mean B-cubed F1 over the
four sets in a grid over threshold 0.28-0.32, weights and k; neighbouring settings score within
0.003 of it on average, but up to 0.007 apart on FNC-1 alone).
"""
from __future__ import annotations

import base64
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Sequence

import numpy as np

from storyscope.stories.titles import story_title

N_FEATURES = 2 ** 20
STATE_VERSION = "stories.v2"
READABLE_STATES = ("stories.v1", STATE_VERSION)


@dataclass(frozen=True)
class Params:
    w_emb: float = 0.40
    w_tfidf: float = 0.50
    w_ent: float = 0.10
    threshold: float = 0.36
    grace_days: float = 14.0
    horizon_days: float = 60.0
    max_penalty: float = 1.0            # beyond the horizon no text similarity can join
    merge_threshold: float = 0.38    # two stories whose aggregates score this much become one ...
    merge_max: int = 2               # ... if the smaller has at most this many articles
    k: int = 6                       # candidates scored in full per article
    ivf_min: int = 2048              # stories before the inverted-file index replaces brute force
    nprobe: int = 12                 # inverted lists searched per article
    lead_sentences: int = 3


# ----------------------------------------------------------------------------- features

def _get(item: Any, key: str, default=None):
    return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)


_SENT = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)])\s+|\n+")


def lead(title: str, text: str, n: int = 3) -> str:
    """Title + the first ``n`` sentences: what the embedding sees (one call per article)."""
    sents = []
    for s in _SENT.split(text or ""):
        s = " ".join(s.split())
        if len(s) >= 25:              # skip datelines, credits, section labels
            sents.append(s)
            if len(sents) >= n:
                break
    return " ".join([" ".join((title or "").split())] + sents).strip()[:1200]


_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_DATE_RE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
                      r"(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?,?\s+((?:19|20)\d\d)\b")


def _day(s: str | None) -> int | None:
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10]).toordinal()
    except ValueError:
        return None


def mentioned_days(text: str, published: int | None) -> tuple[int, ...]:
    """Explicit calendar dates written in the text ("March 7, 2022", "April 2022"), as ordinals.

    Only dates up to the publication day count (a story is revisited, not foretold).
    """
    out = set()
    for m in _DATE_RE.finditer((text or "")[:4000]):
        mon = _MONTHS.get(m.group(1).lower())
        if not mon:
            continue
        try:
            d = date(int(m.group(3)), mon, int(m.group(2)) if m.group(2) else 15).toordinal()
        except ValueError:
            continue
        if published is None or d <= published:
            out.add(d)
    return tuple(sorted(out))[:12]


_NAME = re.compile(r"(?:[A-Z][\w'’.-]*[a-z][\w'’-]*|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|al-?\s*)?"
                   r"(?:[A-Z][\w'’.-]*[a-z][\w'’-]*|[A-Z]{2,}))*")
_NOT_NAMES = frozenset("""the a an and but or if in on at for to of by with from as it its he she they we i you
this that these those his her their our there here when where what who why how after before while
mr mrs ms dr gen sen rep gov president monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
read more related advertisement share photo getty images ap reuters afp associated press
said says according also however meanwhile still yet so not no one two new last first""".split())


def names(text: str) -> Counter:
    """Cheap actor keys: capitalised names (multiword kept whole, plus the surname alone).

    Sentence-initial single words are dropped (too often just capitalised grammar).
    """
    keys: Counter = Counter()
    for m in _NAME.finditer(text or ""):
        words = [re.sub(r"['’]s$", "", w).strip(".'’").lower() for w in m.group(0).split()]
        words = [w for w in words if w and w not in _NOT_NAMES]
        if not words:
            continue
        start = m.start()
        before = (text[max(0, start - 3):start]).strip()
        initial = start == 0 or not before or before.endswith((".", "!", "?", "“", '"'))
        if len(words) == 1 and (initial or len(words[0]) < 3):
            continue
        if initial and len(words) > 2:      # "Yesterday Ilse Brandvik": also the name without its first word
            keys[" ".join(words[1:])] += 1
        keys[" ".join(words)] += 1
        if len(words) > 1:
            keys[words[-1]] += 1
    return keys


@dataclass
class Features:
    """What clustering needs from one article (computed once, reusable across runs)."""
    emb: np.ndarray                     # unit vector
    terms: dict[int, float]             # hashed term -> sublinear tf
    ents: dict[str, int]                # actor key -> count
    pub: int | None                     # publication day (ordinal)
    mentions: tuple[int, ...] = ()      # dates written in the text (ordinals)
    _arr: tuple | None = field(default=None, repr=False, compare=False)


_HASHER = None


def _hasher():
    global _HASHER
    if _HASHER is None:
        from sklearn.feature_extraction.text import HashingVectorizer
        _HASHER = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, norm=None,
                                    stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    return _HASHER


def featurize(items: Sequence[Any], lead_sentences: int = 3, batch_size: int = 64) -> list[Features]:
    """Features for many items at once (embeddings batched; an item's ``vector`` is reused)."""
    items = list(items)
    leads = [lead(_get(it, "title", "") or "", _get(it, "text", "") or "", lead_sentences) for it in items]
    need = [i for i, it in enumerate(items) if _get(it, "vector") is None]
    vecs: dict[int, np.ndarray] = {}
    if need:
        from storyscope.stages.embed import embed
        E = embed([leads[i] for i in need], batch_size=batch_size)
        vecs = {i: E[j] for j, i in enumerate(need)}
    docs = [((_get(it, "title", "") or "") + "\n" + (_get(it, "text", "") or "")[:6000]) for it in items]
    X = _hasher().transform(docs).tocsr()
    out = []
    for i, it in enumerate(items):
        v = vecs.get(i)
        if v is None:
            v = np.asarray(_get(it, "vector"), dtype=np.float32)
            n = float(np.linalg.norm(v))
            v = v / n if n > 0 else v
        row = X.getrow(i)
        terms = {int(j): 1.0 + math.log(c) for j, c in zip(row.indices, row.data)}
        actors = _get(it, "actors")
        if actors:
            ents = dict(Counter(str(a).lower() for a in actors))
        else:
            ents = dict(names(leads[i] + "\n" + (_get(it, "text", "") or "")[:3000]).most_common(20))
        pub = _day(_get(it, "published"))
        out.append(Features(v.astype(np.float32), terms, ents, pub,
                            mentioned_days(_get(it, "text", "") or "", pub)))
    return out


# ----------------------------------------------------------------------------- stories

@dataclass
class _Story:
    id: str
    article_ids: list[str]
    heads: list[tuple[str, str, str | None, str]]   # (id, headline, published, outlet) for titles
    outlets: list[str]
    start: int | None
    end: int | None
    mentions: list[int]
    emb_sum: np.ndarray
    terms: tuple[np.ndarray, np.ndarray]            # sorted hashed terms, summed tf (float32): compact
    ents: Counter = field(default_factory=Counter)

    MAX_TERMS = 400
    MAX_MENTIONS = 24
    _w: tuple | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self.terms

    def add_terms(self, keys: np.ndarray, vals: np.ndarray) -> None:
        """Add term counts; past MAX_TERMS keep the heaviest three quarters (ties: smaller key)."""
        k = np.concatenate([self.terms[0], keys])
        u, inv = np.unique(k, return_inverse=True)
        v = np.bincount(inv, weights=np.concatenate([self.terms[1], vals]), minlength=len(u))
        if len(u) > self.MAX_TERMS:
            keep = np.sort(np.lexsort((u, -v))[:self.MAX_TERMS * 3 // 4])
            u, v = u[keep], v[keep]
        self.terms = (u.astype(np.int64), v.astype(np.float32))
        self._w = None


def _no_terms() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)


def _arrays(f: "Features") -> tuple[np.ndarray, np.ndarray]:
    if f._arr is None:
        k = np.fromiter(f.terms.keys(), dtype=np.int64, count=len(f.terms))
        v = np.fromiter(f.terms.values(), dtype=float, count=len(f.terms))
        o = np.argsort(k)
        f._arr = (k[o], v[o])
    return f._arr


def _state_terms(d: dict) -> tuple[np.ndarray, np.ndarray]:
    if "terms" in d:                                     # stories.v1: {term: tf}
        k = np.array(sorted(int(x) for x in d["terms"]), dtype=np.int64)
        return k, np.array([d["terms"][str(x)] for x in k.tolist()], dtype=np.float32)
    return _unb64(d["term_keys"], np.int64), _unb64(d["term_vals"], np.float32)


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _unb64(s: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=dtype).copy()


class _IVF:
    """A minimal inverted-file index over story centroids (k-means coarse lists)."""

    def __init__(self, coarse: np.ndarray, assign: list[int]):
        self.coarse = coarse.astype(np.float32)
        self.lists: list[list[int]] = [[] for _ in range(len(coarse))]
        self.where: list[int] = []
        for s, l in enumerate(assign):
            self.where.append(l)
            if l >= 0:
                self.lists[l].append(s)

    @classmethod
    def train(cls, C: np.ndarray, iters: int = 8) -> "_IVF":
        n = len(C)
        nlist = max(8, int(round(2 * math.sqrt(n))))
        cent = C[np.linspace(0, n - 1, nlist).astype(int)].copy()
        for _ in range(iters):
            a = (C @ cent.T).argmax(1)
            for j in range(nlist):
                m = a == j
                if m.any():
                    v = C[m].sum(0)
                    cent[j] = v / (np.linalg.norm(v) or 1.0)
        a = (C @ cent.T).argmax(1)
        return cls(cent, [int(x) for x in a])

    def nearest_list(self, v: np.ndarray) -> int:
        return int((self.coarse @ v).argmax())

    def add(self, s: int, v: np.ndarray) -> None:
        l = self.nearest_list(v)
        self.where.append(l)
        self.lists[l].append(s)

    def move(self, s: int, v: np.ndarray) -> None:
        l = self.nearest_list(v)
        old = self.where[s]
        if l != old:
            if old >= 0:
                self.lists[old].remove(s)
            self.lists[l].append(s)
            self.where[s] = l

    def remove(self, s: int) -> None:
        if self.where[s] >= 0:
            self.lists[self.where[s]].remove(s)
            self.where[s] = -1

    def probe(self, v: np.ndarray, nprobe: int) -> np.ndarray:
        """Stories in the ``nprobe`` nearest lists: about nprobe * sqrt(S) / 2 of S stories."""
        sims = self.coarse @ v
        nprobe = min(nprobe, len(sims))
        order = np.argpartition(-sims, nprobe - 1)[:nprobe]
        parts = [np.asarray(self.lists[l], dtype=np.int64) for l in order if self.lists[l]]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))


class OnlineClusterer:
    """Assigns each new article to a story, one at a time; state is JSON-serialisable."""

    def __init__(self, params: Params | None = None, dim: int = 384):
        self.p = params or Params()
        self.dim = dim
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.n_docs = 0
        self.ent_df: Counter = Counter()
        self.frozen_idf = False
        self._stories: list[_Story] = []
        self._by_article: dict[str, int] = {}
        self._C = np.zeros((64, dim), dtype=np.float32)     # unit centroids
        self._start = np.full(64, np.nan)
        self._end = np.full(64, np.nan)
        self._lo = np.full(64, np.nan)       # span widened by the dates the story mentions
        self._hi = np.full(64, np.nan)
        self._alive = np.ones(64, dtype=bool)
        self._ivf: _IVF | None = None
        self._next_train = self.p.ivf_min

    # ------------------------------------------------------------------ public API
    def add(self, item: Any, features: Features | None = None) -> str:
        """Assign ``item`` to a story (joining the best one or opening a new one); return its id."""
        aid = str(_get(item, "id"))
        if aid in self._by_article:
            return self._stories[self._by_article[aid]].id
        f = features or featurize([item], self.p.lead_sentences)[0]
        if not self.frozen_idf:
            self._count(f)
        best, best_score = self._best(f)
        head = _head(item, aid)
        if best is not None and best_score >= self.p.threshold:
            self._join(best, aid, head, f)
            return self._stories[self._maybe_merge(best)].id
        return self._stories[self._open(aid, head, f)].id

    def add_many(self, items: Iterable[Any], batch: int = 256) -> list[str]:
        """``add`` for many items, featurising (and embedding) them in batches."""
        items = list(items)
        out = []
        for i in range(0, len(items), batch):
            chunk = items[i:i + batch]
            for it, f in zip(chunk, featurize(chunk, self.p.lead_sentences)):
                out.append(self.add(it, f))
        return out

    def story_of(self, article_id: str) -> str | None:
        s = self._by_article.get(str(article_id))
        return None if s is None else self._stories[s].id

    def stories(self) -> list[dict]:
        """Every story: id, article ids (arrival order, merged stories' after), title, outlets, span."""
        out = []
        for s in self._stories:
            if not s.article_ids:          # merged into an earlier story
                continue
            heads = [{"id": a, "title": t, "published": p, "outlet": o} for a, t, p, o in s.heads]
            out.append({"id": s.id, "article_ids": list(s.article_ids), "title": story_title(heads),
                        "outlets": list(s.outlets),
                        "start": date.fromordinal(s.start).isoformat() if s.start else None,
                        "end": date.fromordinal(s.end).isoformat() if s.end else None})
        return out

    def groups(self) -> list[list[str]]:
        return [list(s.article_ids) for s in self._stories if s.article_ids]

    def article_ids(self) -> list[str]:
        """Every article already assigned (callers skip these instead of re-adding them)."""
        return list(self._by_article)

    # ------------------------------------------------------------------ scoring
    def _count(self, f: Features) -> None:
        if f.terms:
            self.df[np.fromiter(f.terms.keys(), dtype=np.int64)] += 1
        self.n_docs += 1
        self.ent_df.update(f.ents.keys())

    def _penalty(self, gap: np.ndarray | float):
        p = self.p
        return p.max_penalty * np.clip((np.asarray(gap, dtype=float) - p.grace_days)
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
        gap = np.full(len(idx), np.inf)
        for x in anchors:
            gap = np.minimum(gap, np.maximum(np.maximum(st - x, x - en), 0.0))
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
        if anchors and p.max_penalty >= p.w_emb + p.w_tfidf + p.w_ent:
            st, en = self._lo[:S], self._hi[:S]
            with np.errstate(invalid="ignore"):
                m = (en + p.horizon_days >= min(anchors)) & (st - p.horizon_days <= max(anchors))
            idx = np.flatnonzero((m | np.isnan(st)) & self._alive[:S])
        if idx is None or len(idx) > p.ivf_min:
            if self._ivf is not None:
                near = self._ivf.probe(f.emb, p.nprobe)
                idx = near if idx is None else np.intersect1d(near, idx, assume_unique=True)
            elif idx is None:
                idx = np.flatnonzero(self._alive[:S])
        if len(idx) == 0:
            return idx, np.zeros(0), np.zeros(0)
        sims = self._C[idx] @ f.emb
        pre = sims - self._penalty(self._gaps(f, idx, wide=True))
        k = min(p.k, len(idx))
        top = np.argpartition(-pre, k - 1)[:k] if len(idx) > k else np.arange(len(idx))
        top = top[np.lexsort((idx[top], -pre[top]))]
        return idx[top], sims[top], self._gaps(f, idx[top])

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

    def _story_weights(self, st: "_Story"):
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
            n = self.n_docs
            w = {e: math.log((1.0 + n) / (1.0 + self.ent_df.get(e, 0))) + 1.0 for e in f.ents}
            c = f._e = (n, w, sum(w.values()))
        return c[1], c[2]

    def score(self, f: Features, s: int, emb_sim: float | None = None, gap: float | None = None) -> float:
        """The combined score of article features ``f`` against story index ``s``."""
        st, p = self._stories[s], self.p
        if emb_sim is None:
            emb_sim = float(self._C[s] @ f.emb)
        tf = 0.0
        if f.terms and len(st.terms[0]):
            ak, av, an = self._article_weights(f)
            sk, sv, sn = self._story_weights(st)
            pos = np.minimum(np.searchsorted(sk, ak), len(sk) - 1)
            hit = sk[pos] == ak
            tf = float(av[hit] @ sv[pos[hit]]) / (an * sn) if an * sn > 0 else 0.0
        ent = 0.0
        if f.ents and st.ents:
            w, tot = self._ent_weights(f)
            ent = sum(v for e, v in w.items() if e in st.ents) / tot if tot > 0 else 0.0
        if gap is None:
            gap = float(self._gaps(f, np.array([s]))[0])
        if st.mentions and f.pub is not None:
            gap = min(gap, min(abs(f.pub - m) for m in st.mentions))
        pen = 0.0
        if gap > p.grace_days:          # scalar form of _penalty (this runs for every candidate)
            pen = p.max_penalty * min(1.0, (gap - p.grace_days) / max(p.horizon_days - p.grace_days, 1e-9))
        return p.w_emb * emb_sim + p.w_tfidf * tf + p.w_ent * ent - pen

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

    # ------------------------------------------------------------------ mutation
    def _grow(self) -> None:
        n = len(self._C) * 2
        C = np.zeros((n, self.dim), dtype=np.float32)
        C[:len(self._C)] = self._C
        self._C = C
        for name in ("_start", "_end", "_lo", "_hi"):
            a = np.full(n, np.nan)
            old = getattr(self, name)
            a[:len(old)] = old
            setattr(self, name, a)
        alive = np.ones(n, dtype=bool)
        alive[:len(self._alive)] = self._alive
        self._alive = alive

    def _sync(self, s: int) -> None:
        st = self._stories[s]
        v = st.emb_sum / (np.linalg.norm(st.emb_sum) or 1.0)
        self._C[s] = v.astype(np.float32)
        self._start[s] = np.nan if st.start is None else st.start
        self._end[s] = np.nan if st.end is None else st.end
        self._lo[s], self._hi[s] = self._start[s], self._end[s]      # undated: a candidate for all
        if st.mentions and st.start is not None:
            self._lo[s], self._hi[s] = min(st.mentions[0], st.start), max(st.mentions[-1], st.end)

    def _open(self, aid: str, head, f: Features) -> int:
        s = len(self._stories)
        if s >= len(self._C):
            self._grow()
        st = _Story(id="s-" + aid, article_ids=[], heads=[], outlets=[], start=None, end=None,
                    mentions=[], emb_sum=np.zeros(self.dim), terms=_no_terms())
        self._stories.append(st)
        self._absorb(s, aid, head, f)
        if self._ivf is not None:
            self._ivf.add(s, self._C[s])
        if len(self._stories) >= self._next_train:
            self._train()
        return s

    def _join(self, s: int, aid: str, head, f: Features) -> None:
        self._absorb(s, aid, head, f)
        if self._ivf is not None:
            self._ivf.move(s, self._C[s])

    def _story_features(self, s: int) -> Features:
        """A story seen as one article: its centroid, summed terms, names and span as anchors."""
        st = self._stories[s]
        span = tuple(x for x in (st.start, st.end) if x is not None)
        k, v = st.terms
        return Features(self._C[s].copy(), dict(zip(k.tolist(), v.tolist())), dict(st.ents), None, span)

    def _maybe_merge(self, s: int) -> int:
        """After story ``s`` grew, merge it with the story its aggregate now matches, if any.

        An article written from a different angle (a feature, a reaction) may open its own
        story before the articles that bridge it to the main one arrive; once they have, the
        two stories' aggregates score like one story and are merged into the earlier one.
        Returns the index of the surviving story.
        """
        st = self._stories[s]
        if len(st.article_ids) < 2:
            return s
        g = self._story_features(s)
        idx, _, gaps = self._candidates(g)
        best, best_score = None, -np.inf
        for t, gap in zip(idx.tolist(), gaps.tolist()):
            if t == s:
                continue
            other = self._stories[t]
            if min(len(other.article_ids), len(st.article_ids)) > self.p.merge_max:
                continue
            # mean embedding similarity over all cross pairs (exact from the sums): unlike the
            # centroids' cosine it does not grow with story size, so broad stories do not fuse
            pair = float(st.emb_sum @ other.emb_sum) / (len(st.article_ids) * len(other.article_ids))
            sc = self.score(g, t, pair, gap)
            if sc > best_score:
                best, best_score = t, sc
        if best is None or best_score < self.p.merge_threshold:
            return s
        keep, gone = min(s, best), max(s, best)
        self._merge(keep, gone)
        return keep

    def _merge(self, keep: int, gone: int) -> None:
        a, b = self._stories[keep], self._stories[gone]
        for aid, head in zip(b.article_ids, b.heads):
            a.article_ids.append(aid)
            a.heads.append(head)
            if head[3] and head[3] not in a.outlets:
                a.outlets.append(head[3])
            self._by_article[aid] = keep
        spans = [x for x in (a.start, a.end, b.start, b.end) if x is not None]
        a.start, a.end = (min(spans), max(spans)) if spans else (None, None)
        a.mentions = sorted(set(a.mentions) | set(b.mentions))[-_Story.MAX_MENTIONS:]
        a.emb_sum += b.emb_sum
        a.add_terms(*b.terms)
        a.ents.update(b.ents)
        a._w = None
        self._stories[gone] = _Story(b.id, [], [], [], None, None, [], np.zeros(self.dim), _no_terms())
        self._sync(keep)
        self._kill(gone)
        if self._ivf is not None:
            self._ivf.move(keep, self._C[keep])

    def _kill(self, s: int) -> None:
        """An emptied (merged) story: kept as a tombstone so indices stay stable, never a candidate."""
        self._C[s] = 0.0
        self._start[s] = self._end[s] = self._lo[s] = self._hi[s] = np.inf
        self._alive[s] = False
        if self._ivf is not None:
            self._ivf.remove(s)

    def _absorb(self, s: int, aid: str, head, f: Features) -> None:
        st = self._stories[s]
        st.article_ids.append(aid)
        st.heads.append(head)
        if head[3] and head[3] not in st.outlets:
            st.outlets.append(head[3])
        if f.pub is not None:
            st.start = f.pub if st.start is None else min(st.start, f.pub)
            st.end = f.pub if st.end is None else max(st.end, f.pub)
        if f.mentions:
            st.mentions = sorted(set(st.mentions) | set(f.mentions))[-_Story.MAX_MENTIONS:]
        st.emb_sum += f.emb
        st.add_terms(*_arrays(f))
        st.ents.update(f.ents)
        self._by_article[aid] = s
        self._sync(s)

    def _train(self) -> None:
        S = len(self._stories)
        self._ivf = _IVF.train(self._C[:S])
        for d in np.flatnonzero(~self._alive[:S]):
            self._ivf.remove(int(d))
        self._next_train = S * 4

    # ------------------------------------------------------------------ state
    def to_state(self) -> dict:
        """A JSON-serialisable snapshot; ``from_state`` restores an identical clusterer."""
        nz = np.flatnonzero(self.df)
        return {
            "version": STATE_VERSION, "params": asdict(self.p), "dim": self.dim,
            "n_docs": self.n_docs, "frozen_idf": self.frozen_idf,
            "df_keys": _b64(nz.astype(np.int64)), "df_vals": _b64(self.df[nz]),
            "ent_df": dict(self.ent_df), "next_train": self._next_train,
            "ivf": None if self._ivf is None else {"coarse": _b64(self._ivf.coarse),
                                                   "where": list(self._ivf.where)},
            "stories": [{
                "id": s.id, "article_ids": s.article_ids, "heads": [list(h) for h in s.heads],
                "outlets": s.outlets, "start": s.start, "end": s.end, "mentions": s.mentions,
                "emb_sum": _b64(s.emb_sum), "term_keys": _b64(s.terms[0]),
                "term_vals": _b64(s.terms[1]),
                "ents": dict(s.ents)} for s in self._stories],
        }

    @classmethod
    def from_state(cls, state: dict) -> "OnlineClusterer":
        if state.get("version") not in READABLE_STATES:
            raise ValueError(f"unsupported clusterer state version {state.get('version')!r}")
        self = cls(Params(**state["params"]), state["dim"])
        self.n_docs, self.frozen_idf = state["n_docs"], state["frozen_idf"]
        self.df[_unb64(state["df_keys"], np.int64)] = _unb64(state["df_vals"], np.int32)
        self.ent_df = Counter(state["ent_df"])
        self._next_train = state["next_train"]
        for i, d in enumerate(state["stories"]):
            if i >= len(self._C):
                self._grow()
            st = _Story(d["id"], list(d["article_ids"]), [tuple(h) for h in d["heads"]], list(d["outlets"]),
                        d["start"], d["end"], list(d["mentions"]), _unb64(d["emb_sum"], np.float64),
                        _state_terms(d), Counter(d["ents"]))
            self._stories.append(st)
            for a in st.article_ids:
                self._by_article[a] = i
            self._sync(i)
            if not st.article_ids:
                self._kill(i)
        if state["ivf"] is not None:
            coarse = _unb64(state["ivf"]["coarse"], np.float32).reshape(-1, self.dim)
            self._ivf = _IVF(coarse, state["ivf"]["where"])
        return self


# ----------------------------------------------------------------------------- batch

@dataclass(frozen=True)
class BatchParams:
    """Settings of the batch re-clustering (pairwise average link; see ``cluster_batch``)."""
    w_emb: float = 0.44
    w_tfidf: float = 0.44
    w_ent: float = 0.12
    threshold: float = 0.30
    k: int = 15                       # nearest neighbours per article (by embedding, and by TF-IDF)
    grace_days: float = 14.0
    horizon_days: float = 60.0
    max_penalty: float = 1.0
    max_anchors: int = 6


def _dot(a, b) -> float:
    """Dot product of two 1-row sparse matrices."""
    return float(a.multiply(b).sum())


class _Pairs:
    """Pairwise similarity of articles: weighted embedding, TF-IDF and name cosines minus a date penalty."""

    def __init__(self, feats: Sequence[Features], bp: BatchParams):
        from scipy import sparse
        self.bp = bp
        n = len(feats)
        self.E = np.stack([f.emb for f in feats]).astype(np.float32) if n else np.zeros((0, 384), np.float32)
        self.X = self._matrix([f.terms for f in feats], n, N_FEATURES)
        vocab: dict[str, int] = {}
        ents = [{vocab.setdefault(e, len(vocab)): 1.0 for e in f.ents} for f in feats]
        self.N = self._matrix(ents, n, max(1, len(vocab)))
        A = np.full((n, bp.max_anchors), np.nan)
        for i, f in enumerate(feats):
            a = ([f.pub] if f.pub is not None else []) + list(f.mentions)[-(bp.max_anchors - 1):]
            A[i, :len(a)] = a[:bp.max_anchors]
        self.A = A
        self.dated = ~np.isnan(A).all(1)
        self._sparse = sparse

    def _matrix(self, rows: list[dict], n: int, dim: int):
        """Rows of {column: tf}, weighted by smoothed idf over this collection and L2-normalised."""
        from scipy import sparse
        indptr = np.zeros(n + 1, dtype=np.int64)
        for i, r in enumerate(rows):
            indptr[i + 1] = indptr[i] + len(r)
        ind = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=int(indptr[-1]))
        val = np.fromiter((v for r in rows for v in r.values()), dtype=float, count=int(indptr[-1]))
        M = sparse.csr_matrix((val, ind, indptr), shape=(n, dim))
        M.sum_duplicates()
        df = np.bincount(M.indices, minlength=dim)
        M.data = M.data * (np.log((1.0 + n) / (1.0 + df[M.indices])) + 1.0)
        norms = np.sqrt(np.asarray(M.multiply(M).sum(1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ M

    def _penalty(self, gap: np.ndarray) -> np.ndarray:
        bp = self.bp
        return bp.max_penalty * np.clip((gap - bp.grace_days) / max(bp.horizon_days - bp.grace_days, 1e-9), 0.0, 1.0)

    def pairs(self, I: np.ndarray, J: np.ndarray) -> np.ndarray:
        """Similarity of the pairs (I[t], J[t])."""
        bp, out = self.bp, np.zeros(len(I))
        for a in range(0, len(I), 50000):
            i, j = I[a:a + 50000], J[a:a + 50000]
            s = bp.w_emb * np.einsum("ij,ij->i", self.E[i], self.E[j])
            s += bp.w_tfidf * np.asarray(self.X[i].multiply(self.X[j]).sum(1)).ravel()
            s += bp.w_ent * np.asarray(self.N[i].multiply(self.N[j]).sum(1)).ravel()
            both = self.dated[i] & self.dated[j]
            if both.any():
                ii, jj = i[both], j[both]
                g = np.abs(self.A[ii][:, :, None] - self.A[jj][:, None, :]).reshape(len(ii), -1)
                s[both] -= self._penalty(np.nanmin(g, 1))
            out[a:a + 50000] = s
        return out

    def linear(self, I: Sequence[int]) -> tuple:
        """Sums of the members' normalised vectors: the cosine parts of a block sum are their dot products."""
        I = np.asarray(I)
        ones = self._sparse.csr_matrix(np.ones((1, len(I))))
        return self.E[I].sum(0, dtype=np.float64), ones @ self.X[I], ones @ self.N[I]

    def block_sum(self, I: Sequence[int], J: Sequence[int], li: tuple, lj: tuple) -> float:
        """Sum of similarities over all pairs of I x J (for average link), given ``linear`` of each."""
        bp = self.bp
        s = bp.w_emb * float(li[0] @ lj[0]) + bp.w_tfidf * _dot(li[1], lj[1]) + bp.w_ent * _dot(li[2], lj[2])
        I, J = np.asarray(I), np.asarray(J)
        I, J = I[self.dated[I]], J[self.dated[J]]
        if len(I) and len(J):
            g = np.abs(self.A[I][:, :, None, None] - self.A[J][None, None, :, :])
            s -= float(self._penalty(np.nanmin(g, axis=(1, 3))).sum())
        return s

    def knn(self, k: int, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (i < j): each article's k nearest by embedding and k nearest by TF-IDF."""
        n = len(self.E)
        k = min(k, n - 1)
        I, J = [], []
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        for a in range(0, n, block):
            rows = np.arange(a, min(n, a + block))
            for S in (self.E[rows] @ self.E.T, (self.X[rows] @ self.X.T).toarray()):
                S[np.arange(len(rows)), rows] = -np.inf
                top = np.argpartition(-S, k - 1, axis=1)[:, :k]
                I.append(np.repeat(rows, k))
                J.append(top.ravel())
        I, J = np.concatenate(I), np.concatenate(J)
        lo, hi = np.minimum(I, J), np.maximum(I, J)
        key = np.unique(lo * n + hi)
        return key // n, key % n


def _average_link(pairs: _Pairs, n: int, threshold: float, k: int) -> list[list[int]]:
    """Average-link agglomeration over a sparse candidate graph, with exact cluster averages.

    Two clusters are compared once they are joined by a candidate (k-nearest-neighbour) pair
    whose similarity reaches the threshold; from then on their sum of similarities is kept
    exact (over every cross pair, computed when first needed), so a merge happens only if the
    true average similarity of all cross pairs reaches the threshold — the same rule as dense
    average linkage, at a cost that grows with the number of candidate pairs, not n squared.
    """
    import heapq
    I, J = pairs.knn(k)
    sims = pairs.pairs(I, J) if len(I) else np.zeros(0)
    keep = sims >= threshold
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    nbr: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    heap = []
    for i, j, s in zip(I[keep].tolist(), J[keep].tolist(), sims[keep].tolist()):
        nbr[i][j] = nbr[j][i] = s
        heap.append((-s, i, j, 1, 1))
    heapq.heapify(heap)
    cache: dict[int, tuple] = {}

    def lin(c: int) -> tuple:
        if c not in cache:
            cache[c] = pairs.linear(members[c])
        return cache[c]

    while heap:
        neg, a, b, na, nb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if a not in members or b not in members or len(members[a]) != na or len(members[b]) != nb:
            continue
        la, lb = lin(a), lin(b)
        A, B = members[a], members.pop(b)
        nb_a, nb_b = nbr[a], nbr.pop(b)
        nb_a.pop(b, None)
        nb_b.pop(a, None)
        merged: dict[int, float] = {}
        for c in set(nb_a) | set(nb_b):
            if c in nb_a and c in nb_b:
                merged[c] = nb_a[c] + nb_b[c]
            elif c in nb_a:
                merged[c] = nb_a[c] + pairs.block_sum(B, members[c], lb, lin(c))
            else:
                merged[c] = nb_b[c] + pairs.block_sum(A, members[c], la, lin(c))
            nbr[c].pop(b, None)
        cache[a] = (la[0] + lb[0], la[1] + lb[1], la[2] + lb[2])
        cache.pop(b, None)
        A.extend(B)
        nbr[a] = merged
        for c, s in merged.items():
            nbr[c][a] = s
            avg = s / (len(A) * len(members[c]))
            if avg >= threshold:
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-avg, x, y, len(members[x]), len(members[y])))
    return list(members.values())


def cluster_batch(items: Sequence[Any], params: BatchParams | None = None,
                  features: Sequence[Features] | None = None) -> list[list[str]]:
    """Re-cluster a whole collection on demand; independent of the order items are given in.

    Average-link agglomeration on pairwise similarity (embedding, TF-IDF and name cosines,
    document frequencies counted over the collection, minus the date penalty), over a
    k-nearest-neighbour candidate graph: unlike the online path, no article is judged before
    the articles that come after it are seen, so features written from a different angle join
    their story through the articles that bridge them. Returns groups of ids, each in
    (date, id) order, groups ordered by their first member.
    """
    bp = params or BatchParams()
    items = list(items)
    feats = list(features) if features is not None else featurize(items)
    ids = [str(_get(it, "id")) for it in items]
    order = sorted(range(len(items)), key=lambda i: (feats[i].pub if feats[i].pub is not None else 10 ** 9, ids[i]))
    if not order:
        return []
    pairs = _Pairs([feats[i] for i in order], bp)
    groups = [[ids[order[r]] for r in sorted(g)] for g in _average_link(pairs, len(order), bp.threshold, bp.k)]
    pos = {ids[i]: r for r, i in enumerate(order)}
    return sorted(groups, key=lambda g: pos[g[0]])


def _head(it, aid):
    return (aid, " ".join((_get(it, "title", "") or "").split()) or lead("", _get(it, "text", "") or "", 1)[:160],
           _get(it, "published"), _get(it, "outlet", "") or "")
