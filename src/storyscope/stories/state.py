"""The clusterer's persisted state: the story record and its rows in the store, written incrementally.

The state lives in the store as rows (``store.base.GroupingRows``): a ``meta`` row (parameters,
counters, version, a token new at each write, so a
writer can tell whether the stored state is still the one it last read or wrote), an ``ivf`` row (the inverted-file index's coarse
centroids, written when the index is retrained), one row per story (its aggregates: outlets, span,
mentioned dates, embedding sum, heaviest summed terms, actor keys, summed event keys; its inverted
list beside it), one row per grouped article (its story, place and headline), one row of compact
features per grouped article (written once; ``stories.split`` re-checks a story from them), and the document
frequencies (hashed terms, actor keys) as a log: each write appends the counts it changed, and once
the log outweighs a snapshot of all counts, a snapshot replaces it (so a write costs what it changed,
and the log stays within twice the snapshot). ``Journal`` records what an ``add`` touched, so
``changed_rows`` gives only those rows: the stories an article joined, opened, merged or split, its
articles, its terms and actor keys, and the small globals. ``restore`` rebuilds an equivalent
clusterer from all rows. A state of another version (the ``stories.v3`` JSON blob before) is not
restored: the caller re-adds every stored article.
"""
from __future__ import annotations

import json
import struct
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from storyscope import errors
from storyscope.stories.event import EventKeys
from storyscope.stories.index import IVF
from storyscope.store.base import GroupingRows

if TYPE_CHECKING:
    from storyscope.stories.online import OnlineClusterer

STATE_VERSION = "stories.v4"


@dataclass
class Story:
    """One story as the online clusterer keeps it (aggregates, not articles)."""
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
    event: EventKeys = field(default_factory=lambda: EventKeys({}, {}, {}, {}, {}, {}))

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


def no_terms() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)


class Journal:
    """What changed in a clusterer since its rows were last taken (``changed_rows``)."""

    def __init__(self) -> None:
        self.saved: dict[int, int] = {}       # story index -> how many of its articles are stored
        self.count_seq = 0                    # next sequence number of the counts log
        self.log_bytes = 0                    # bytes of the counts log after its snapshot ...
        self.snapshot_bytes = -1              # ... and of the snapshot (-1: none yet)
        self.terms: list[np.ndarray] = []     # keys of the term counts changed since the last write (``_counts``)
        self.clear()

    def clear(self) -> None:
        self.stories: set[int] = set()
        self.ents: set[str] = set()
        self.merged: dict[str, str] = {}      # story id merged away -> id of the story it joined
        self.ivf = False                      # the index was (re)trained: every story's list moved
        self.feats: dict[str, bytes] = {}     # compact features of articles grouped since (``stories.split``)
        self.dropped: set[str] = set()        # ids of stories split: their findings go
        self.rewrite: set[int] = set()        # story indices whose members are all written again (split)


def _story_bytes(st: Story) -> bytes:
    """A story's aggregates: a JSON header, then the embedding sum and terms (int32, float32). The sum is
    float64, or float32 when that holds it exactly (a story of one article: half the bytes)."""
    keys, vals = st.terms
    e32 = st.emb_sum.astype("<f4")
    exact = bool(np.array_equal(e32, st.emb_sum))
    head = json.dumps({"outlets": st.outlets, "start": st.start, "end": st.end, "mentions": st.mentions,
                       "ents": dict(st.ents), "event": st.event.to_dict(), "dim": len(st.emb_sum),
                       "f4": exact, "terms": len(keys)}, separators=(",", ":")).encode()
    return b"".join((struct.pack("<I", len(head)), head, e32.tobytes() if exact else st.emb_sum.astype("<f8").tobytes(),
                     keys.astype("<i4").tobytes(), vals.astype("<f4").tobytes()))


def _story_from(sid: str, data: bytes, members: list[tuple[str, list]]) -> Story:
    n = struct.unpack_from("<I", data)[0]
    h = json.loads(data[4:4 + n])
    o, d, t = 4 + n, h["dim"], h["terms"]
    w = 4 if h.get("f4") else 8
    emb = np.frombuffer(data, f"<f{w}", d, o).astype(np.float64)
    keys = np.frombuffer(data, "<i4", t, o + w * d).astype(np.int64)
    vals = np.frombuffer(data, "<f4", t, o + w * d + 4 * t).astype(np.float32)
    return Story(sid, [a for a, _ in members], [(a, *hd) for a, hd in members], list(h["outlets"]), h["start"],
                 h["end"], list(h["mentions"]), emb, (keys, vals), Counter(h["ents"]), EventKeys.from_dict(h["event"]))


def _counts_bytes(keys: np.ndarray, vals: np.ndarray, ents: dict) -> bytes:
    return b"".join((struct.pack("<I", len(keys)), keys.astype("<i4").tobytes(), vals.astype("<i4").tobytes(),
                     json.dumps(ents, separators=(",", ":")).encode()))


def _apply_counts(oc: "OnlineClusterer", data: bytes) -> None:
    n = struct.unpack_from("<I", data)[0]
    oc.df[np.frombuffer(data, "<i4", n, 4).astype(np.int64)] = np.frombuffer(data, "<i4", n, 4 + 4 * n)
    for k, v in json.loads(data[4 + 8 * n:]).items():
        oc.ent_df[k] = v


def _counts(oc: "OnlineClusterer", rows: GroupingRows, everything: bool) -> None:
    """The counts log row of this write: the changed counts, or a snapshot of all (replacing the log)."""
    j = oc._journal
    if everything or j.snapshot_bytes < 0 or j.log_bytes > j.snapshot_bytes:
        keys, ents = np.flatnonzero(oc.df), dict(oc.ent_df)
        rows.counts_reset = True
    else:       # the terms counted since (counts only grow, so exactly the changed ones), sorted
        keys = np.unique(np.concatenate(j.terms)) if j.terms else np.zeros(0, dtype=np.int64)
        if not len(keys) and not j.ents:
            return
        ents = {k: oc.ent_df[k] for k in j.ents}
    data = _counts_bytes(keys, oc.df[keys], ents)
    rows.counts.append((j.count_seq, data))
    j.terms = []
    j.count_seq += 1
    if rows.counts_reset:
        j.snapshot_bytes, j.log_bytes = len(data), 0
    else:
        j.log_bytes += len(data)


def _meta(oc: "OnlineClusterer") -> dict:
    return {"version": STATE_VERSION, "params": asdict(oc.p), "dim": oc.dim, "n_docs": oc.n_docs,
            "frozen_idf": oc.frozen_idf, "next_train": oc._next_train, "stories": len(oc._stories),
            "token": uuid.uuid4().hex}


def changed_rows(oc: "OnlineClusterer", everything: bool = False) -> GroupingRows:
    """The rows ``oc`` changed since the last call (``everything``: all rows, replacing the stored ones).

    Per touched story: its aggregate row, its articles not yet stored (all of them when the story
    lost some) and what users see of it; per merged-away story its successor; the document
    frequencies of the terms and actor keys counted (``_counts``); the ``meta`` row; the ``ivf`` row and every
    story's inverted list when the index was retrained. The rows expect the ``meta`` row this clusterer
    last wrote or read (``GroupingRows.expect``), so a write over another writer's is refused. Clears
    the journal.
    """
    j = oc._journal
    S = len(oc._stories)
    dirty = range(S) if everything else sorted(j.stories)
    where = oc._ivf.where if oc._ivf is not None else []
    meta = json.dumps(_meta(oc)).encode()
    rows = GroupingRows(reset=everything, expect=None if everything else oc._meta_bytes)
    rows.globals.append(("meta", meta))
    oc._meta_bytes = meta
    if oc._ivf is not None and (everything or j.ivf):
        rows.globals.append(("ivf", oc._ivf.coarse.astype("<f4").tobytes()))
        rows.lists = [] if everything else [(s, where[s]) for s in range(S) if s not in j.stories]
    for s in dirty:
        st = oc._stories[s]
        rows.stories.append((s, st.id, where[s] if s < len(where) else -1, _story_bytes(st)))
        n = len(st.article_ids)
        again = n < j.saved.get(s, 0) or s in j.rewrite
        first = 0 if everything or again else j.saved.get(s, 0)
        if again and not everything:
            rows.cleared.append(s)
        rows.members += [(a, s, i, json.dumps(list(h[1:]))) for i, (a, h) in
                         enumerate(zip(st.article_ids[first:], st.heads[first:]), first)]
        j.saved[s] = n
        if n:
            rows.shown.append((s, oc.story_view(st)))
    rows.gone = list(j.merged.items())
    rows.dropped = sorted(j.dropped)
    rows.feats = sorted((oc._feats if everything else j.feats).items())
    _counts(oc, rows, everything)
    j.clear()
    return rows


def restore(cls: type, rows: GroupingRows) -> "OnlineClusterer":
    """The clusterer of class ``cls`` that ``rows`` (``Store.get_grouping``) hold: the same stories,
    counts and index, so later articles are assigned as they would have been without the round trip.
    Raises ValueError for rows of another version or rows that do not fit together."""
    from storyscope.stories.online import Params
    glob = dict(rows.globals)
    meta = json.loads(glob["meta"]) if "meta" in glob else {}
    if meta.get("version") != STATE_VERSION:
        raise ValueError(errors.BAD_STATE_VERSION.format(version=meta.get("version")))
    if len(rows.stories) != meta["stories"] or any(i != s for s, (i, *_) in enumerate(rows.stories)):
        raise ValueError(errors.BROKEN_GROUPING.format(stories=len(rows.stories), expected=meta["stories"]))
    oc = cls(Params(**meta["params"]), meta["dim"])
    oc.n_docs, oc.frozen_idf, oc._next_train = meta["n_docs"], meta["frozen_idf"], meta["next_train"]
    for _, data in rows.counts:
        _apply_counts(oc, data)
    if rows.counts:
        j = oc._journal
        j.count_seq, j.snapshot_bytes = rows.counts[-1][0] + 1, len(rows.counts[0][1])
        j.log_bytes = sum(len(d) for _, d in rows.counts[1:])
    members: dict[int, list] = {}
    for aid, s, pos, head in rows.members:
        members.setdefault(s, []).append((pos, aid, json.loads(head)))
    for s, sid, _, data in rows.stories:
        ms = sorted(members.get(s, []))
        if [p for p, _, _ in ms] != list(range(len(ms))):
            raise ValueError(errors.BROKEN_GROUPING.format(stories=len(rows.stories), expected=meta["stories"]))
        oc._restore_story(_story_from(sid, data, [(a, h) for _, a, h in ms]))
        oc._journal.saved[s] = len(ms)
    oc._feats = {a: d for a, d in rows.feats if a in oc._by_article
                 and len(oc._stories[oc._by_article[a]].article_ids) <= oc.p.split_max}
    if "ivf" in glob:
        oc._ivf = IVF(np.frombuffer(glob["ivf"], "<f4").reshape(-1, oc.dim), [l for _, _, l, _ in rows.stories])
    oc._journal.clear()
    oc._meta_bytes = glob["meta"]
    return oc
