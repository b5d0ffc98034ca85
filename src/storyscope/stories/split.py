"""Story split ("one is two"): whether a story's members still hold together under the linkage that grouped them.

The online clusterer (``stories.online``) joins an article to a story when P(same event) of the
article against the story's aggregate reaches the join threshold, and merges two stories whose
aggregates score that much. An article that joined a story while it was thin (its first one or two
articles) may no longer belong once the story has grown around its real event. ``split_parts``
re-checks one story from its members' compact features (``encode``/``decode``, kept while the
story has at most ``Params.split_max`` articles, and stored once per article in the store's
``grouping_feats``):

1. each member against the aggregate of the others, under the clusterer's own pair model and
   counts (``Scoring.score``), in both directions (the member as the article, or the others as
   one article against the member); members reaching ``split_threshold`` hold;
2. the members that do not: each is tried once more against the aggregate of the holding ones;
3. the rest against the holding ones as two aggregates (the clusterer's merge scoring: mean
   embedding similarity over cross pairs); a link keeps the story whole;
4. otherwise the rest fall into parts by pairwise links among themselves (single link over the
   same scores), and the story is split: the largest part keeps the story's id.

A story of ``m`` members costs about ``m`` pair scores per check (more only when a split is
found), and only the touched story is checked, so the cost does not grow with the corpus.
"""
from __future__ import annotations

import json
import struct
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from storyscope.stories.event import KINDS, EventKeys
from storyscope.stories.features import ArrayTerms, Features, _arrays
from storyscope.stories.scoring import Scoring
from storyscope.stories.state import Story, no_terms

if TYPE_CHECKING:
    from storyscope.stories.online import OnlineClusterer

MEMBER_TERMS = 96       # heaviest terms kept per member (its sublinear tf; ties: smaller key)


def encode(f: Features) -> bytes:
    """Compact features of one member: a JSON header (names, event keys, days, headline flag), the
    embedding as float16, its ``MEMBER_TERMS`` heaviest hashed terms (int32) and their tf (float16)."""
    k, v = _arrays(f)
    if len(k) > MEMBER_TERMS:
        keep = np.sort(np.lexsort((k, -v))[:MEMBER_TERMS])
        k, v = k[keep], v[keep]
    head = json.dumps({"ents": f.ents, "event": f.event.to_dict(), "pub": f.pub, "mentions": list(f.mentions),
                       "titled": f.titled, "dim": len(f.emb), "terms": len(k)}, separators=(",", ":")).encode()
    return b"".join((struct.pack("<I", len(head)), head, f.emb.astype("<f2").tobytes(),
                     k.astype("<i4").tobytes(), v.astype("<f2").tobytes()))


def decode(data: bytes) -> Features:
    """The ``Features`` ``encode`` wrote (embedding re-normalised to unit length)."""
    n = struct.unpack_from("<I", data)[0]
    h = json.loads(data[4:4 + n])
    o, d, t = 4 + n, h["dim"], h["terms"]
    emb = np.frombuffer(data, "<f2", d, o).astype(np.float32)
    emb /= float(np.linalg.norm(emb)) or 1.0
    keys = np.frombuffer(data, "<i4", t, o + 2 * d).astype(np.int64)     # sorted, as ``encode`` writes them
    vals = np.frombuffer(data, "<f2", t, o + 2 * d + 4 * t).astype(float)
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        order = np.argsort(keys)
        keys, vals = keys[order], vals[order]
    return Features(emb, ArrayTerms(keys, vals), dict(h["ents"]), h["pub"], tuple(h["mentions"]),
                    EventKeys.from_dict(h["event"]), bool(h["titled"]), _arr=(keys, vals))


def build_story(sid: str, members: list[tuple[str, tuple]], feats: list[Features], dim: int) -> Story:
    """A story of these members (article id, head) built from their features as ``OnlineClusterer`` adds them."""
    st = Story(sid, [], [], [], None, None, [], np.zeros(dim), no_terms())
    pubs = [f.pub for f in feats if f.pub is not None]
    if pubs:
        st.start, st.end = min(pubs), max(pubs)
    st.mentions = sorted({m for f in feats for m in f.mentions})[-Story.MAX_MENTIONS:]
    for (aid, head), f in zip(members, feats):
        st.article_ids.append(aid)
        st.heads.append(head)
        if head[3] and head[3] not in st.outlets:
            st.outlets.append(head[3])
        st.emb_sum += f.emb
        st.ents.update(f.ents)
        st.event.add(f.event)
    if feats:
        st.add_terms(np.concatenate([_arrays(f)[0] for f in feats]), np.concatenate([_arrays(f)[1] for f in feats]))
    return st


def without(total: Story, f: Features, aid: str, pubs: list[int], mentions: Counter) -> Story:
    """``total`` (a story built by ``build_story``) less one member ``aid`` with features ``f``: the aggregate of
    the others, by subtraction (``pubs``, ``mentions``: every member's publication days and stated days)."""
    k, v = total.terms
    fk, fv = _arrays(f)
    pos = np.minimum(np.searchsorted(k, fk), max(len(k) - 1, 0))
    v = v.copy()
    if len(k):
        hit = k[pos] == fk
        v[pos[hit]] -= fv[hit]
    keep = v > 1e-6
    rest = Story("rest", [a for a in total.article_ids if a != aid], [], [], None, None, [],
                 total.emb_sum - f.emb, (k[keep], v[keep]))
    others = list(pubs)
    if f.pub is not None:
        others.remove(f.pub)
    if others:
        rest.start, rest.end = min(others), max(others)
    left = mentions.copy()
    left.subtract(f.mentions)
    rest.mentions = sorted(d for d, c in left.items() if c > 0)[-Story.MAX_MENTIONS:]
    rest.ents = Counter({e: c - f.ents.get(e, 0) for e, c in total.ents.items() if c > f.ents.get(e, 0)})
    rest.event = EventKeys(*({x: c - getattr(f.event, kind).get(x, 0) for x, c in getattr(total.event, kind).items()
                              if c > getattr(f.event, kind).get(x, 0)} for kind in KINDS))
    return rest


class _Scratch(Scoring):
    """Stories outside the clusterer (parts of one story), scored with its counts, parameters and model."""

    def __init__(self, oc: "OnlineClusterer", stories: list[Story]):
        self.p, self.model, self.df, self.n_docs, self.ent_df = oc.p, oc.model, oc.df, oc.n_docs, oc.ent_df
        self._stories, self._ivf = stories, None
        n = len(stories)
        self._C = np.zeros((n, oc.dim), dtype=np.float32)
        self._start, self._end = np.full(n, np.nan), np.full(n, np.nan)
        for i, st in enumerate(stories):
            self._C[i] = st.emb_sum / (np.linalg.norm(st.emb_sum) or 1.0)
            if st.start is not None:
                self._start[i], self._end[i] = st.start, st.end
        self._lo, self._hi, self._alive = self._start, self._end, np.ones(n, dtype=bool)

    def as_article(self, i: int) -> Features:
        """Story ``i`` seen as one article (as ``OnlineClusterer._story_features``)."""
        st = self._stories[i]
        k, v = st.terms
        v = v.astype(np.float64)
        span = tuple(x for x in (st.start, st.end) if x is not None)
        return Features(self._C[i].copy(), ArrayTerms(k, v), dict(st.ents), None, span, st.event.copy(), _arr=(k, v))


def _link(oc: "OnlineClusterer", fa: list[Features], a: list[int], fb: list[Features], b: list[int],
          members: list, merge: bool = False) -> float:
    """P(same event) between member sets ``a`` and ``b`` (positions into ``fa``/``fb``' members), the
    better of both directions: a lone member as the article against the other side's aggregate,
    or (``merge``) the two aggregates as ``OnlineClusterer._maybe_merge`` scores them."""
    sa = build_story("a", [members[i] for i in a], [fa[i] for i in a], oc.dim)
    sb = build_story("b", [members[i] for i in b], [fb[i] for i in b], oc.dim)
    sc = _Scratch(oc, [sa, sb])
    best = 0.0
    for x, y, fx in ((0, 1, a), (1, 0, b)):
        if len(fx) == 1 and not merge:
            f = (fa if x == 0 else fb)[fx[0]]
        else:
            f = sc.as_article(x)
            f.titled = all((fa if x == 0 else fb)[i].titled for i in fx)
        pair = None
        if merge and len(a) > 1 and len(b) > 1:
            pair = float(sa.emb_sum @ sb.emb_sum) / (len(a) * len(b))
        best = max(best, sc.score(f, y, pair))
        if best >= oc.p.split_threshold:
            break
    return best


def split_parts(oc: "OnlineClusterer", s: int) -> list[list[int]] | None:
    """Member positions of story ``s`` per part, the part keeping the story's id first; None when the
    story holds together (or cannot be checked: too big, or a member's features are not kept)."""
    st, p = oc._stories[s], oc.p
    m = len(st.article_ids)
    if m < 3 or m > p.split_max or any(a not in oc._feats for a in st.article_ids):
        return None
    feats = [decode(oc._feats[a]) for a in st.article_ids]
    members = list(zip(st.article_ids, st.heads))
    everyone = list(range(m))
    total = build_story("t", members, feats, oc.dim)
    pubs, mentions = [f.pub for f in feats if f.pub is not None], Counter(d for f in feats for d in f.mentions)
    sc = _Scratch(oc, [without(total, f, a, pubs, mentions) for a, f in zip(st.article_ids, feats)])
    # each member against the others (the cheap direction first; the other way, exactly, only if it fails)
    weak = [i for i in everyone if sc.score(feats[i], i) < p.split_threshold
            and _link(oc, feats, [i], feats, [j for j in everyone if j != i], members) < p.split_threshold]
    if not weak or len(weak) == m:
        return None
    hold = [i for i in everyone if i not in weak]
    rest = [i for i in weak if _link(oc, feats, [i], feats, hold, members) < p.split_threshold]
    hold = sorted(set(everyone) - set(rest))
    if not rest or _link(oc, feats, rest, feats, hold, members, merge=True) >= p.split_threshold:
        return None
    parts: list[list[int]] = []
    for i in rest:              # single link among the rest, in arrival order
        linked = [q for q in parts if any(_link(oc, feats, [j], feats, [i], members) >= p.split_threshold for j in q)]
        for q in linked:
            parts.remove(q)
        parts.append(sorted([i] + [j for q in linked for j in q]))
    return sorted([hold] + parts, key=lambda q: (-len(q), q[0]))


def apply_split(oc: "OnlineClusterer", s: int, parts: list[list[int]]) -> None:
    """Story ``s`` becomes ``parts`` (member positions): the first keeps index and id, the others get new
    ones ("s-" + their first article id, made unique); both aggregates are rebuilt from the members'
    features and both stories' findings dropped (``GroupingRows.dropped``)."""
    st = oc._stories[s]
    members = list(zip(st.article_ids, st.heads))
    feats = [decode(oc._feats[a]) for a in st.article_ids]
    used = oc._ids
    oc._journal.dropped.add(st.id)
    oc._journal.rewrite.add(s)
    for k, part in enumerate(parts):
        idx, sid = s, st.id
        if k:
            idx, sid = len(oc._stories), "s-" + members[part[0]][0]
            n = 2
            while sid in used:
                sid, n = f"s-{members[part[0]][0]}~{n}", n + 1
            used.add(sid)
            if idx >= len(oc._C):
                oc._grow()
            oc._stories.append(st)
        new = build_story(sid, [members[i] for i in part], [feats[i] for i in part], oc.dim)
        oc._stories[idx] = new
        for a in new.article_ids:
            oc._by_article[a] = idx
        oc._sync(idx)
        if oc._ivf is not None:
            (oc._ivf.add if k else oc._ivf.move)(idx, oc._C[idx])
