"""The vector index over story centroids: a minimal inverted file (k-means coarse lists).

Probing ``nprobe`` of about ``2 * sqrt(S)`` lists visits about ``nprobe * sqrt(S) / 2`` of S
stories, so candidate search grows with the square root of the number of stories (the IVF
scheme of Jegou et al. 2011, "Product quantization for nearest neighbor search", without
the quantisation).
"""
from __future__ import annotations

import math

import numpy as np


class IVF:
    """A minimal inverted-file index over story centroids (k-means coarse lists)."""

    def __init__(self, coarse: np.ndarray, assign: list[int]):
        self.coarse = coarse.astype(np.float32)
        self.lists: list[list[int]] = [[] for _ in range(len(coarse))]
        self._arrays: dict[int, np.ndarray] = {}     # list -> its stories as an array, until the list changes
        self.where: list[int] = []
        for s, l in enumerate(assign):
            self.where.append(l)
            if l >= 0:
                self.lists[l].append(s)

    @classmethod
    def train(cls, C: np.ndarray, iters: int = 8) -> "IVF":
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
        self._arrays.pop(l, None)

    def move(self, s: int, v: np.ndarray) -> None:
        l = self.nearest_list(v)
        old = self.where[s]
        if l != old:
            if old >= 0:
                self.lists[old].remove(s)
                self._arrays.pop(old, None)
            self.lists[l].append(s)
            self._arrays.pop(l, None)
            self.where[s] = l

    def remove(self, s: int) -> None:
        if self.where[s] >= 0:
            self.lists[self.where[s]].remove(s)
            self._arrays.pop(self.where[s], None)
            self.where[s] = -1

    def probe(self, v: np.ndarray, nprobe: int, sort: bool = True) -> np.ndarray:
        """Stories in the ``nprobe`` nearest lists: about nprobe * sqrt(S) / 2 of S stories, sorted
        (``sort`` False: in no particular order, for a caller that sorts the few it keeps)."""
        sims = self.coarse @ v
        nprobe = min(nprobe, len(sims))
        order = np.argpartition(-sims, nprobe - 1)[:nprobe]
        parts = [self._array(int(l)) for l in order if self.lists[l]]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        out = np.concatenate(parts)
        return np.sort(out) if sort else out

    def _array(self, l: int) -> np.ndarray:
        a = self._arrays.get(l)
        if a is None:
            a = self._arrays[l] = np.asarray(self.lists[l], dtype=np.int64)
        return a


class Spans:
    """Alive stories by the days their (widened) spans cover, so the date window of candidate search
    reads the stories near an article's days instead of all of them.

    A dated story of span at most ``long`` days sits in the bucket of its first day (``lo // width``);
    longer ones and undated ones (always candidates) are kept apart. ``near`` gives a superset of the
    stories whose span comes within ``h`` days of ``[a0, a1]``, which the caller filters exactly as
    over all stories, so the candidates are the same set; None when the days are too far apart
    (``max_buckets``) and scanning all stories is cheaper.
    """

    def __init__(self, width: int = 16, long: int = 256, max_buckets: int = 96):
        self.width, self.long, self.max_buckets = width, long, max_buckets
        self.groups: dict[object, set[int]] = {}         # bucket number, "long" or "undated" -> stories
        self.where: dict[int, object] = {}
        self._arrays: dict[object, np.ndarray] = {}

    def set(self, s: int, lo: float, hi: float, alive: bool = True) -> None:
        """Story ``s`` now spans days ``lo``-``hi`` (NaN: undated); a dead story leaves."""
        key = None
        if alive:
            key = "undated" if math.isnan(lo) else "long" if hi - lo > self.long else int(lo // self.width)
        old = self.where.get(s)
        if old == key:
            return
        if old is not None:
            self.groups[old].discard(s)
            self._arrays.pop(old, None)
        if key is None:
            self.where.pop(s, None)
            return
        self.groups.setdefault(key, set()).add(s)
        self._arrays.pop(key, None)
        self.where[s] = key

    def near(self, a0: float, a1: float, h: float, limit: int | None = None) -> np.ndarray | int | None:
        """Sorted stories that may come within ``h`` days of ``[a0, a1]`` (a superset); None when the days
        are too far apart; only their number when it exceeds ``limit`` (the caller then narrows otherwise)."""
        b0, b1 = int((a0 - h - self.long) // self.width), int((a1 + h) // self.width)
        if b1 - b0 > self.max_buckets:
            return None
        keys = [k for k in range(b0, b1 + 1) if self.groups.get(k)] + \
               [k for k in ("long", "undated") if self.groups.get(k)]
        n = sum(len(self.groups[k]) for k in keys)
        if limit is not None and n > limit:
            return n
        if not keys:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate([self._array(k) for k in keys]))

    def _array(self, k) -> np.ndarray:
        a = self._arrays.get(k)
        if a is None:
            a = self._arrays[k] = np.fromiter(self.groups[k], dtype=np.int64, count=len(self.groups[k]))
        return a
