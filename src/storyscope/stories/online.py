"""Online assignment: each new article joins the story it most likely reports, or opens one.

The score of an article against a candidate story is P(same event) under the pair model
(``stories.event``): logistic regression over the topic signals (cosine of the title + lead
embedding with the story centroid; TF-IDF cosine over hashed words with document frequencies
counted online; shared actor keys weighted by rarity), the date penalty, and event identity
(shared or conflicting people, places, stated years, shared figures). An article joins the best
story when that probability reaches ``threshold``; beyond ``horizon_days`` from a story's span
(widened by the dates it mentions) no text can join it.

Candidates for a dated article are the stories whose span comes within ``horizon_days`` of its
dates, plus undated stories, so a stream spanning years costs per article what its current
season costs. When that window still holds many stories (or the article is undated), the
inverted-file index (``stories.index``) narrows it to about ``nprobe * sqrt(S) / 2``; then the
``k`` best by embedding similarity minus date penalty are scored in full. An article without a
headline, embedded from its body's first sentences alone, also gets the ``lexical_k`` stories of that
pool that share most of its distinctive words (``Scoring._lexical``).

Re-grouping (``stories.regroup``): an article written from another angle can open its own story before the articles
that bridge it to the main one arrive. So when a story grows, its aggregate is scored against
the other stories; a small story (``merge_max`` articles or fewer) whose probability reaches
``merge_threshold`` is merged into the earlier one, using the mean embedding similarity over
all cross pairs (exact from the sums) rather than the centroids' cosine. A merged story stays
as an empty tombstone so indices in the state are stable.

Relink: when a run of ``add`` calls ends (``Workspace.group``), the run's lone articles are scored
once more against the stories that grew after they arrived (``stories.relink``).

Split ("one is two"): an article that joined a story while it was thin may not belong once the
story has grown around its own event. A story of at most ``split_max`` articles is re-checked
from its members' compact features (``stories.split``) after a merge and when its size reaches
one of ``CHECK_SIZES``; members that no longer link to the rest under the same pair model and
threshold become stories of their own (the largest part keeps the id).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

import numpy as np

from storyscope.stages.embed import DIM
from storyscope.stories.event import load_model
from storyscope.stories.features import N_FEATURES, Features, _arrays, _get, featurize, lead
from storyscope.stories.index import IVF, Spans
from storyscope.stories.regroup import Regrouping
from storyscope.stories.scoring import STORY_TOP, Scoring, story_top
from storyscope.stories.split import encode
from storyscope.stories.state import Journal, Story, changed_rows, no_terms, restore
from storyscope.stories.titles import story_title


@dataclass(frozen=True)
class Params:
    """Settings of online assignment (probability thresholds of the pair model, days, index sizes)."""
    threshold: float = 0.3           # P(same event) to join a story (see the note below)
    grace_days: float = 14.0
    horizon_days: float = 60.0       # beyond it no text similarity can join
    merge_threshold: float = 0.3     # two stories whose aggregates score this much become one ...
    merge_max: int = 2               # ... if the smaller has at most this many articles
    k: int = 6                       # candidates scored in full per article
    ivf_min: int = 2048              # stories before the inverted-file index replaces brute force
    nprobe: int = 12                 # inverted lists searched per article
    window_max: int = 512            # a date window of more stories is narrowed by the index, once trained
    lead_sentences: int = 3
    split_threshold: float = 0.15    # a member linking to the rest below this (both ways) is split off ...
    split_max: int = 32              # ... in stories of at most this many articles (checked at CHECK_SIZES)
    relink_threshold: float = 0.15   # a lone article of a run joins a story grown since, at the run's end (``relink``) ...
    relink_floor: float = 0.05       # ... if on arrival its best story scored at least this
    relink_untitled: float = 0.075   # the same for an untitled article, against all its candidates (``relink``)
    lexical_k: int = 1               # an untitled article's candidates: + stories sharing its distinctive terms
    # Thresholds: ``stories.train`` picks 0.5 / 0.5 (best mean B-cubed F1 over ECB+ and BASIL dev,
    # 0.945); 0.3 / 0.3 (mean 0.939) also keeps the project's five seed articles, one story told
    # from five angles, in one story in every arrival order.


class OnlineClusterer(Regrouping, Scoring):
    """Assigns each new article to a story, one at a time; its state is rows of the store (``stories.state``)."""

    def __init__(self, params: Params | None = None, dim: int = DIM):
        self.p = params or Params()
        self.dim = dim
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.n_docs = 0
        self.ent_df: Counter = Counter()
        self.frozen_idf = False
        self._stories: list[Story] = []
        self._by_article: dict[str, int] = {}
        self._C = np.zeros((64, dim), dtype=np.float32)     # unit centroids
        self._top = np.full((64, STORY_TOP), -1, dtype=np.int32)   # each story's most used terms (``story_top``)
        self._start = np.full(64, np.nan)
        self._end = np.full(64, np.nan)
        self._lo = np.full(64, np.nan)       # span widened by the dates the story mentions
        self._hi = np.full(64, np.nan)
        self._alive = np.ones(64, dtype=bool)
        self._wlo = np.full(64, -np.inf)    # ``_lo``/``_hi`` as the date window reads them: undated -inf/+inf
        self._whi = np.full(64, np.inf)     # (always in), merged +inf (never); see ``Scoring._in_window``
        self._ivf: IVF | None = None
        self._next_train = self.p.ivf_min
        self.model = load_model()
        self._journal = Journal()            # what changed since the rows were last taken
        self._meta_bytes: bytes | None = None  # the stored ``meta`` row this clusterer last wrote or read
        self._feats: dict[str, bytes] = {}   # compact features of members of stories of <= split_max articles
        self._spans = Spans()                # alive stories by day, for the date window of ``_candidates``
        self._ids: set[str] = set()          # ids of stories with articles (a split's new id is unique)
        self._seq = 0                        # articles added in this process (orders the run's events)
        self._run_opened: dict[int, tuple] = {}  # lone articles for ``relink``: story index -> (``_seq``, titled)
        self._run_touched: dict[int, int] = {}   # stories grown since then: index -> ``_seq`` of the last growth

    # ------------------------------------------------------------------ public API
    def add(self, item: Any, features: Features | None = None) -> str:
        """Assign ``item`` to a story (joining the best one or opening a new one); return its id."""
        aid = str(_get(item, "id"))
        if aid in self._by_article:
            return self._stories[self._by_article[aid]].id
        f = features or featurize([item], self.p.lead_sentences)[0]
        self._seq += 1
        if not self.frozen_idf:
            self._count(f)
        best, best_score = self._best(f)
        head = _head(item, aid)
        self._feats[aid] = self._journal.feats[aid] = encode(f)
        if best is not None and best_score >= self.p.threshold:
            self._join(best, aid, head, f)
            n = len(self._stories[best].article_ids)
            s = self._maybe_merge(best, f.titled)
            self._maybe_split(s, merged=len(self._stories[s].article_ids) != n)
            return self._stories[self._by_article[aid]].id
        s = self._open(aid, head, f)
        if best_score >= self.p.relink_floor:        # a lone article some story came near: ``relink`` looks again
            self._run_opened[s] = (self._seq, f.titled)
        return self._stories[s].id

    def add_many(self, items: Iterable[Any], batch: int = 256) -> list[str]:
        """``add`` for many items, featurising (and embedding) them in batches."""
        items = list(items)
        out = []
        for i in range(0, len(items), batch):
            chunk = items[i:i + batch]
            for it, f in zip(chunk, featurize(chunk, self.p.lead_sentences)):
                out.append(self.add(it, f))
        return out

    def relink(self) -> int:
        """End of a run of ``add`` calls: the run's lone articles get a second look (``stories.relink``).
        Returns how many joined a story."""
        from storyscope.stories.relink import relink
        return relink(self)

    def story_of(self, article_id: str) -> str | None:
        s = self._by_article.get(str(article_id))
        return None if s is None else self._stories[s].id

    def stories(self) -> list[dict]:
        """Every story: id, article ids (arrival order, merged stories' after), title, outlets, span."""
        return [self.story_view(s) for s in self._stories if s.article_ids]   # empty: merged into another

    @staticmethod
    def story_view(s: Story) -> dict:
        """What users see of one story: id, article ids, title, outlets, first and last day."""
        heads = [{"id": a, "title": t, "published": p, "outlet": o} for a, t, p, o in s.heads]
        return {"id": s.id, "article_ids": list(s.article_ids), "title": story_title(heads),
                "outlets": list(s.outlets),
                "start": date.fromordinal(s.start).isoformat() if s.start else None,
                "end": date.fromordinal(s.end).isoformat() if s.end else None}

    def groups(self) -> list[list[str]]:
        return [list(s.article_ids) for s in self._stories if s.article_ids]

    def article_ids(self) -> list[str]:
        """Every article already assigned (callers skip these instead of re-adding them)."""
        return list(self._by_article)

    # ------------------------------------------------------------------ mutation
    def _grow(self) -> None:
        n = len(self._C) * 2
        C = np.zeros((n, self.dim), dtype=np.float32)
        C[:len(self._C)] = self._C
        self._C = C
        top = np.full((n, STORY_TOP), -1, dtype=np.int32)
        top[:len(self._top)] = self._top
        self._top = top
        for name, fill in (("_start", np.nan), ("_end", np.nan), ("_lo", np.nan), ("_hi", np.nan),
                           ("_wlo", -np.inf), ("_whi", np.inf)):
            a = np.full(n, fill)
            old = getattr(self, name)
            a[:len(old)] = old
            setattr(self, name, a)
        alive = np.ones(n, dtype=bool)
        alive[:len(self._alive)] = self._alive
        self._alive = alive

    def _sync(self, s: int) -> None:
        self._journal.stories.add(s)
        st = self._stories[s]
        v = st.emb_sum / (np.linalg.norm(st.emb_sum) or 1.0)
        self._C[s] = v.astype(np.float32)
        self._top[s] = story_top(*st.terms)
        self._start[s] = np.nan if st.start is None else st.start
        self._end[s] = np.nan if st.end is None else st.end
        self._lo[s], self._hi[s] = self._start[s], self._end[s]      # undated: a candidate for all
        if st.mentions and st.start is not None:
            self._lo[s], self._hi[s] = min(st.mentions[0], st.start), max(st.mentions[-1], st.end)
        self._wlo[s], self._whi[s] = (np.inf, np.inf) if not self._alive[s] else \
            (-np.inf, np.inf) if st.start is None else (self._lo[s], self._hi[s])
        self._spans.set(s, self._lo[s], self._hi[s], bool(self._alive[s]))

    def _open(self, aid: str, head, f: Features) -> int:
        s = len(self._stories)
        if s >= len(self._C):
            self._grow()
        st = Story(id="s-" + aid, article_ids=[], heads=[], outlets=[], start=None, end=None,
                    mentions=[], emb_sum=np.zeros(self.dim), terms=no_terms())
        self._stories.append(st)
        self._ids.add(st.id)
        self._absorb(s, aid, head, f)
        self._run_touched[s] = self._seq
        if self._ivf is not None:
            self._ivf.add(s, self._C[s])
        if len(self._stories) >= self._next_train:
            self._train()
        return s

    def _join(self, s: int, aid: str, head, f: Features) -> None:
        self._absorb(s, aid, head, f)
        self._run_touched[s] = self._seq
        if self._ivf is not None:
            self._ivf.move(s, self._C[s])

    def _kill(self, s: int) -> None:
        """An emptied (merged) story: kept as a tombstone so indices stay stable, never a candidate."""
        self._journal.stories.add(s)
        self._C[s] = 0.0
        self._top[s] = -1
        self._start[s] = self._end[s] = self._lo[s] = self._hi[s] = self._wlo[s] = self._whi[s] = np.inf
        self._alive[s] = False
        self._spans.set(s, np.inf, np.inf, False)
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
            st.mentions = sorted(set(st.mentions) | set(f.mentions))[-Story.MAX_MENTIONS:]
        st.emb_sum += f.emb
        st.add_terms(*_arrays(f))
        st.ents.update(f.ents)
        st.event.add(f.event)
        self._by_article[aid] = s
        self._sync(s)

    def _train(self) -> None:
        S = len(self._stories)
        self._ivf = IVF.train(self._C[:S])
        self._journal.ivf = True
        for d in np.flatnonzero(~self._alive[:S]):
            self._ivf.remove(int(d))
        self._next_train = S * 4

    def _count(self, f: Features) -> None:
        super()._count(f)
        if f.terms:
            self._journal.terms.append(_arrays(f)[0])    # the term counts this changed (``state._counts``)
        self._journal.ents.update(f.ents)

    def _candidates(self, f: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``Scoring._candidates`` with the date window read from ``Spans`` (the stories near the article's
        days, not all stories), so the cost follows the window, not the corpus; a window of more than
        ``window_max`` stories is narrowed by the index (once trained: ``ivf_min`` stories), from the
        probed lists. Below ``ivf_min`` stories, the same candidates as ``Scoring._candidates``."""
        anchors = ([f.pub] if f.pub is not None else []) + list(f.mentions)
        S, p = len(self._stories), self.p
        limit = p.window_max if self._ivf is not None else None
        near = self._spans.near(min(anchors), max(anchors), p.horizon_days, limit) if anchors and S else None
        if near is None:
            return super()._candidates(f)
        if isinstance(near, int):           # more than window_max stories: the index's probed lists instead
            near = self._ivf.probe(f.emb, p.nprobe, sort=False)
            idx = np.sort(near[self._in_window(near, anchors)])      # sorted as ``near`` is otherwise
        else:
            idx = near[self._in_window(near, anchors)]
        if len(idx) == 0:
            return idx, np.zeros(0), np.zeros(0)
        sims = self._C[idx] @ f.emb           # the k best by similarity less the date penalty, as there
        pre = sims - self._penalty(self._gaps(f, idx, wide=True))
        top = np.argpartition(-pre, p.k - 1)[:p.k] if len(idx) > p.k else np.arange(len(idx))
        top = self._lexical(f, idx, sims, top[np.lexsort((idx[top], -pre[top]))])
        return idx[top], sims[top], self._gaps(f, idx[top])

    # ------------------------------------------------------------------ state
    def changed_rows(self, everything: bool = False):
        """The store rows (``GroupingRows``) this clusterer changed since the last call (``everything``:
        all of them, replacing what is stored); ``Store.put_grouping`` writes them. See ``stories.state``."""
        return changed_rows(self, everything)

    @classmethod
    def from_rows(cls, rows) -> "OnlineClusterer":
        """The clusterer ``Store.get_grouping`` rows hold; ValueError for rows of another version."""
        return restore(cls, rows)

    def _restore_story(self, st: Story) -> None:
        i = len(self._stories)
        if i >= len(self._C):
            self._grow()
        self._stories.append(st)
        if st.article_ids:
            self._ids.add(st.id)
        for a in st.article_ids:
            self._by_article[a] = i
        self._sync(i)
        if not st.article_ids:
            self._kill(i)


def _head(it, aid):
    return (aid, " ".join((_get(it, "title", "") or "").split()) or lead("", _get(it, "text", "") or "", 1)[:160],
            _get(it, "published"), _get(it, "outlet", "") or "")
