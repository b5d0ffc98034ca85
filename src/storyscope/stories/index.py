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
