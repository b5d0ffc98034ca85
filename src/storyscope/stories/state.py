"""The clusterer's persisted state: the story record and its JSON-serialisable snapshot.

A snapshot holds the parameters, the online document frequencies (hashed terms, actor keys),
the inverted-file index's coarse centroids and list of each story, and per story its articles,
headlines, span, mentioned dates, embedding sum, heaviest summed terms (base64 arrays) and
summed event keys. ``stories.v2`` states (before event keys) are not restored: the clusterer
starts afresh and re-adds every stored article (``readable``).
"""
from __future__ import annotations

import base64
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from storyscope import errors
from storyscope.stories.event import EventKeys
from storyscope.stories.index import IVF

if TYPE_CHECKING:
    from storyscope.stories.online import OnlineClusterer

STATE_VERSION = "stories.v3"
READABLE_STATES = (STATE_VERSION,)


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


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _unb64(s: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=dtype).copy()


def readable(state: dict | None) -> bool:
    """Whether ``state`` is a snapshot this version restores (else the caller starts afresh)."""
    return bool(state) and state.get("version") in READABLE_STATES


def story_state(s: Story) -> dict:
    return {"id": s.id, "article_ids": s.article_ids, "heads": [list(h) for h in s.heads],
            "outlets": s.outlets, "start": s.start, "end": s.end, "mentions": s.mentions,
            "emb_sum": _b64(s.emb_sum), "term_keys": _b64(s.terms[0]), "term_vals": _b64(s.terms[1]),
            "ents": dict(s.ents), "event": s.event.to_dict()}


def story_from_state(d: dict) -> Story:
    return Story(d["id"], list(d["article_ids"]), [tuple(h) for h in d["heads"]], list(d["outlets"]),
                 d["start"], d["end"], list(d["mentions"]), _unb64(d["emb_sum"], np.float64),
                 (_unb64(d["term_keys"], np.int64), _unb64(d["term_vals"], np.float32)),
                 Counter(d["ents"]), EventKeys.from_dict(d.get("event")))


def dump(oc: "OnlineClusterer") -> dict:
    """A JSON-serialisable snapshot of ``oc``; ``load`` restores an identical clusterer."""
    nz = np.flatnonzero(oc.df)
    return {
        "version": STATE_VERSION, "params": asdict(oc.p), "dim": oc.dim,
        "n_docs": oc.n_docs, "frozen_idf": oc.frozen_idf,
        "df_keys": _b64(nz.astype(np.int64)), "df_vals": _b64(oc.df[nz]),
        "ent_df": dict(oc.ent_df), "next_train": oc._next_train,
        "ivf": None if oc._ivf is None else {"coarse": _b64(oc._ivf.coarse), "where": list(oc._ivf.where)},
        "stories": [story_state(s) for s in oc._stories],
    }


def load(cls: type, state: dict) -> "OnlineClusterer":
    """Restore a clusterer of class ``cls`` from ``dump``'s snapshot; ValueError for another version."""
    from storyscope.stories.online import Params
    if not readable(state):
        raise ValueError(errors.BAD_STATE_VERSION.format(version=state.get('version')))
    oc = cls(Params(**state["params"]), state["dim"])
    oc.n_docs, oc.frozen_idf = state["n_docs"], state["frozen_idf"]
    oc.df[_unb64(state["df_keys"], np.int64)] = _unb64(state["df_vals"], np.int32)
    oc.ent_df = Counter(state["ent_df"])
    oc._next_train = state["next_train"]
    for d in state["stories"]:
        oc._restore_story(story_from_state(d))
    if state["ivf"] is not None:
        coarse = _unb64(state["ivf"]["coarse"], np.float32).reshape(-1, oc.dim)
        oc._ivf = IVF(coarse, state["ivf"]["where"])
    return oc
