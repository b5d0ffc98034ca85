"""The one union-find (disjoint sets) of the package: claims, framing referents, independence groups
and the FNC-1 claim groups all join items through it.

Source: Tarjan, "Efficiency of a good but not linear set union algorithm" (J. ACM 22(2), 1975); finds use
path halving (Tarjan & van Leeuwen 1984). Unions are not by rank: ``union(a, b)`` always puts ``a``'s set
under ``b``'s root, so a caller that names a group by its root (an article id, a claim index) gets a
name it chose.
"""
from __future__ import annotations

from typing import Generic, Hashable, Iterable, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets over hashable items; an item not seen before is its own singleton set.

    ``size[root]`` is the number of items in that root's set.
    """

    def __init__(self, items: Iterable[T] = ()):
        self.parent: dict[T, T] = {}
        self.size: dict[T, int] = {}
        for x in items:
            self.add(x)

    def add(self, x: T) -> None:
        """Make ``x`` a singleton set unless it is already known."""
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def __contains__(self, x: object) -> bool:
        return x in self.parent

    def find(self, x: T) -> T:
        """The root of ``x``'s set (``x`` is added first when unknown)."""
        self.add(x)
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> T:
        """Join the sets of ``a`` and ``b`` under ``b``'s root; returns that root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb
            self.size[rb] += self.size.pop(ra)
        return rb

    def groups(self) -> dict[T, list[T]]:
        """Root -> its members, roots and members in the order the items were first added."""
        out: dict[T, list[T]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out
