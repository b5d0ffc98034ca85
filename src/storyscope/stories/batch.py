"""On-demand batch re-clustering: average link over a k-nearest-neighbour candidate graph.

``cluster_batch`` sees every article before judging any, so it does not depend on arrival
order. The product groups with the online path (``stories.online``); ``eval stories`` reports
this mode beside it. ``BatchParams`` were tuned for the best mean B-cubed F1 over BASIL and
undated variants (BASIL title + two sentences, shuffled; FNC-1 bodies grouped into topics by
their related headlines), a grid over threshold 0.28-0.32, weights and k.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from storyscope.stages.embed import DIM
from storyscope.stories.features import N_FEATURES, Features, _get, featurize


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
        self.E = np.stack([f.emb for f in feats]).astype(np.float32) if n else np.zeros((0, DIM), np.float32)
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
