"""A union-find (disjoint sets) over string keys: families of related articles, stories."""

from __future__ import annotations


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str, *, keep: str | None = None) -> str:
        """Join the sets of ``a`` and ``b``; ``keep`` (a or b) names whose root survives."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if keep == a:
            self.parent[rb] = ra
            return ra
        self.parent[ra] = rb
        return rb
