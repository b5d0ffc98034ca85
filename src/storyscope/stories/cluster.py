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

Candidates come from a nearest-neighbour search over story centroids: brute force (one matrix
product) while there are few stories, then an inverted-file index (k-means coarse lists,
retrained as the number of stories quadruples), so the cost per article grows with about the
square root of the number of stories rather than linearly.

Weights and threshold were tuned on BASIL (dated, 3 outlets per event) *together with* harder
undated variants (BASIL title + two sentences, shuffled; FNC-1 bodies grouped into topics by
their related headlines), keeping settings that did well on all three rather than the best
on one.
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
STATE_VERSION = "stories.v1"


@dataclass(frozen=True)
class Params:
    w_emb: float = 0.40
    w_tfidf: float = 0.50
    w_ent: float = 0.10
    threshold: float = 0.36
    grace_days: float = 14.0
    horizon_days: float = 60.0
    max_penalty: float = 1.0            # beyond the horizon no text similarity can join
    k: int = 20                      # candidates scored in full per article
    ivf_min: int = 2048              # stories before the inverted-file index replaces brute force
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
    terms: dict[int, float]
    ents: Counter = field(default_factory=Counter)

    MAX_TERMS = 400
    MAX_MENTIONS = 24
    _arr: tuple | None = None
    _w: tuple | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted term keys and tf sums, cached until the story changes."""
        if self._arr is None:
            k = np.fromiter(self.terms.keys(), dtype=np.int64, count=len(self.terms))
            v = np.fromiter(self.terms.values(), dtype=float, count=len(self.terms))
            o = np.argsort(k)
            self._arr = (k[o], v[o])
        return self._arr


def _arrays(f: "Features") -> tuple[np.ndarray, np.ndarray]:
    if f._arr is None:
        k = np.fromiter(f.terms.keys(), dtype=np.int64, count=len(f.terms))
        v = np.fromiter(f.terms.values(), dtype=float, count=len(f.terms))
        o = np.argsort(k)
        f._arr = (k[o], v[o])
    return f._arr


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
            self.lists[old].remove(s)
            self.lists[l].append(s)
            self.where[s] = l

    def probe(self, v: np.ndarray) -> np.ndarray:
        nprobe = max(8, len(self.coarse) // 16)
        order = np.argsort(-(self.coarse @ v), kind="stable")[:nprobe]
        parts = [self.lists[l] for l in order if self.lists[l]]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.fromiter((s for p in parts for s in p), dtype=np.int64))


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
            return self._stories[best].id
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
        """Every story: id, article ids (arrival order), title, outlets, start and end dates."""
        out = []
        for s in self._stories:
            heads = [{"id": a, "title": t, "published": p, "outlet": o} for a, t, p, o in s.heads]
            out.append({"id": s.id, "article_ids": list(s.article_ids), "title": story_title(heads),
                        "outlets": list(s.outlets),
                        "start": date.fromordinal(s.start).isoformat() if s.start else None,
                        "end": date.fromordinal(s.end).isoformat() if s.end else None})
        return out

    def groups(self) -> list[list[str]]:
        return [list(s.article_ids) for s in self._stories]

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

    def _gaps(self, f: Features, idx: np.ndarray) -> np.ndarray:
        """Days between the article's anchors and each candidate story's span (0 when undated)."""
        anchors = ([f.pub] if f.pub is not None else []) + list(f.mentions)
        if not anchors:
            return np.zeros(len(idx))
        st, en = (self._start[:len(idx)], self._end[:len(idx)]) if len(idx) == len(self._stories) \
            and self._ivf is None else (self._start[idx], self._end[idx])
        gap = np.full(len(idx), np.inf)
        for x in anchors:
            gap = np.minimum(gap, np.maximum(np.maximum(st - x, x - en), 0.0))
        return np.where(np.isnan(st), 0.0, gap)

    def _candidates(self, f: Features) -> tuple[np.ndarray, np.ndarray]:
        S = len(self._stories)
        if S == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if self._ivf is not None:
            idx = self._ivf.probe(f.emb)
            if len(idx) == 0:
                return idx, np.zeros(0)
            sims = self._C[idx] @ f.emb
        else:
            idx = np.arange(S)
            sims = self._C[:S] @ f.emb
        pre = sims - self._penalty(self._gaps(f, idx))
        k = min(self.p.k, len(idx))
        top = np.argpartition(-pre, k - 1)[:k] if len(idx) > k else np.arange(len(idx))
        top = top[np.lexsort((idx[top], -pre[top]))]
        return idx[top], sims[top]

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

    def score(self, f: Features, s: int, emb_sim: float | None = None) -> float:
        """The combined score of article features ``f`` against story index ``s``."""
        st, p = self._stories[s], self.p
        if emb_sim is None:
            emb_sim = float(self._C[s] @ f.emb)
        tf = 0.0
        if f.terms and st.terms:
            ak, av, an = self._article_weights(f)
            sk, sv, sn = self._story_weights(st)
            pos = np.minimum(np.searchsorted(sk, ak), len(sk) - 1)
            hit = sk[pos] == ak
            tf = float(av[hit] @ sv[pos[hit]]) / (an * sn) if an * sn > 0 else 0.0
        ent = 0.0
        if f.ents and st.ents:
            w, tot = self._ent_weights(f)
            ent = sum(v for e, v in w.items() if e in st.ents) / tot if tot > 0 else 0.0
        gap = float(self._gaps(f, np.array([s]))[0])
        if st.mentions and f.pub is not None:
            gap = min(gap, min(abs(f.pub - m) for m in st.mentions))
        return p.w_emb * emb_sim + p.w_tfidf * tf + p.w_ent * ent - float(self._penalty(gap))

    def _best(self, f: Features) -> tuple[int | None, float]:
        idx, sims = self._candidates(f)
        best, best_score = None, -np.inf
        for s, sim in zip(idx.tolist(), sims.tolist()):
            sc = self.score(f, s, sim)
            if sc > best_score + 1e-12 or (abs(sc - best_score) <= 1e-12 and best is not None and s < best):
                best, best_score = s, sc
        return best, best_score

    # ------------------------------------------------------------------ mutation
    def _grow(self) -> None:
        n = len(self._C) * 2
        C = np.zeros((n, self.dim), dtype=np.float32)
        C[:len(self._C)] = self._C
        self._C = C
        for name in ("_start", "_end"):
            a = np.full(n, np.nan)
            old = getattr(self, name)
            a[:len(old)] = old
            setattr(self, name, a)

    def _sync(self, s: int) -> None:
        st = self._stories[s]
        v = st.emb_sum / (np.linalg.norm(st.emb_sum) or 1.0)
        self._C[s] = v.astype(np.float32)
        self._start[s] = np.nan if st.start is None else st.start
        self._end[s] = np.nan if st.end is None else st.end

    def _open(self, aid: str, head, f: Features) -> int:
        s = len(self._stories)
        if s >= len(self._C):
            self._grow()
        st = _Story(id="s-" + aid, article_ids=[], heads=[], outlets=[], start=None, end=None,
                    mentions=[], emb_sum=np.zeros(self.dim), terms={})
        self._stories.append(st)
        self._absorb(s, aid, head, f)
        if self._ivf is not None:
            self._ivf.add(s, self._C[s])
        elif len(self._stories) >= self._next_train:
            self._train()
        return s

    def _join(self, s: int, aid: str, head, f: Features) -> None:
        self._absorb(s, aid, head, f)
        if self._ivf is not None:
            self._ivf.move(s, self._C[s])

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
        st._arr = st._w = None
        for k, v in f.terms.items():
            st.terms[k] = st.terms.get(k, 0.0) + v
        if len(st.terms) > _Story.MAX_TERMS:
            keep = sorted(st.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:_Story.MAX_TERMS * 3 // 4]
            st.terms = dict(keep)
        st.ents.update(f.ents)
        self._by_article[aid] = s
        self._sync(s)

    def _train(self) -> None:
        S = len(self._stories)
        self._ivf = _IVF.train(self._C[:S])
        self._next_train = S * 4

    def _retrain_if_due(self) -> None:
        if self._ivf is not None and len(self._stories) >= self._next_train:
            self._train()

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
                "emb_sum": _b64(s.emb_sum), "terms": {str(k): v for k, v in s.terms.items()},
                "ents": dict(s.ents)} for s in self._stories],
        }

    @classmethod
    def from_state(cls, state: dict) -> "OnlineClusterer":
        if state.get("version") != STATE_VERSION:
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
                        {int(k): v for k, v in d["terms"].items()}, Counter(d["ents"]))
            self._stories.append(st)
            for a in st.article_ids:
                self._by_article[a] = i
            self._sync(i)
        if state["ivf"] is not None:
            coarse = _unb64(state["ivf"]["coarse"], np.float32).reshape(-1, self.dim)
            self._ivf = _IVF(coarse, state["ivf"]["where"])
        return self


# ----------------------------------------------------------------------------- batch

def cluster_batch(items: Sequence[Any], params: Params | None = None,
                  features: Sequence[Features] | None = None, refine: int = 1) -> list[list[str]]:
    """Re-cluster a whole collection on demand; independent of the order items are given in.

    Document frequencies are counted over the whole collection first, articles are assigned
    in (date, id) order through the same index as the online path, then ``refine`` passes
    move each article to its best story if that beats its current one (k-means style), which
    undoes early mistakes made before a story had its later members. Returns groups of ids,
    each in (date, id) order, groups ordered by their first member.
    """
    items = list(items)
    feats = list(features) if features is not None else featurize(items, (params or Params()).lead_sentences)
    oc = OnlineClusterer(params, dim=int(feats[0].emb.shape[0]) if feats else 384)
    for f in feats:
        oc._count(f)
    oc.frozen_idf = True
    ids = [str(_get(it, "id")) for it in items]
    order = sorted(range(len(items)), key=lambda i: (feats[i].pub if feats[i].pub is not None else 10 ** 9, ids[i]))
    for i in order:
        oc.add(items[i], feats[i])
    for _ in range(refine):
        if not _refine(oc, [ids[i] for i in order], [feats[i] for i in order], [items[i] for i in order]):
            break
    pos = {ids[i]: r for r, i in enumerate(order)}
    groups = [sorted(g, key=pos.__getitem__) for g in oc.groups() if g]
    return sorted(groups, key=lambda g: pos[g[0]])


def _refine(oc: OnlineClusterer, ids: list[str], feats: list[Features], items: list[Any]) -> int:
    """One reassignment pass; returns how many articles moved."""
    moved = 0
    for aid, f, it in zip(ids, feats, items):
        s = oc._by_article[aid]
        st = oc._stories[s]
        if len(st.article_ids) == 1:
            cur = -np.inf          # a singleton can always go elsewhere
        else:
            _remove(oc, s, aid, f)
            cur = oc.score(f, s)
            _restore(oc, s, aid, f, it)
        best, best_score = oc._best(f)
        if best is None or best == s or best_score < oc.p.threshold or best_score <= cur + 0.02:
            continue
        _remove(oc, s, aid, f)
        oc._join(best, aid, _head(it, aid), f)
        moved += 1
    return moved


def _head(it, aid):
    return (aid, " ".join((_get(it, "title", "") or "").split()) or lead("", _get(it, "text", "") or "", 1)[:160],
           _get(it, "published"), _get(it, "outlet", "") or "")


def _remove(oc: OnlineClusterer, s: int, aid: str, f: Features) -> None:
    st = oc._stories[s]
    i = st.article_ids.index(aid)
    st.article_ids.pop(i)
    st.heads.pop(i)
    st.outlets = list(dict.fromkeys(h[3] for h in st.heads if h[3]))
    st.emb_sum -= f.emb
    st._arr = st._w = None
    for k, v in f.terms.items():
        if k in st.terms:
            nv = st.terms[k] - v
            if nv > 1e-9:
                st.terms[k] = nv
            else:
                del st.terms[k]
    st.ents.subtract(f.ents)
    st.ents = Counter({k: v for k, v in st.ents.items() if v > 0})
    pubs = [_day(h[2]) for h in st.heads]
    pubs = [p for p in pubs if p is not None]
    st.start, st.end = (min(pubs), max(pubs)) if pubs else (None, None)
    del oc._by_article[aid]
    if st.article_ids:
        oc._sync(s)
    else:
        oc._C[s] = 0.0
        oc._start[s] = oc._end[s] = np.nan
    if oc._ivf is not None and st.article_ids:
        oc._ivf.move(s, oc._C[s])


def _restore(oc: OnlineClusterer, s: int, aid: str, f: Features, it) -> None:
    oc._absorb(s, aid, _head(it, aid), f)
    if oc._ivf is not None:
        oc._ivf.move(s, oc._C[s])
