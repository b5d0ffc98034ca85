"""A story's articles with their layers: the input every comparison takes."""
from __future__ import annotations

from dataclasses import dataclass, field

from storyscope.record import Article, Span
from storyscope.unionfind import UnionFind


@dataclass
class StoryBundle:
    articles: list[Article]
    # article id -> layer name -> spans
    layers: dict[str, dict[str, list[Span]]] = field(default_factory=dict)
    # provenance edges: {"article_id": derived, "source_id": source, "score": float, ...}
    provenance: list[dict] = field(default_factory=list)
    # story-level views of reading layers (e.g. actors linked across the story): article id -> layer
    # name -> spans. Read before ``layers``; the stored reading layers themselves are never rewritten.
    story_layers: dict[str, dict[str, list[Span]]] = field(default_factory=dict)

    def article(self, aid: str) -> Article:
        return next(a for a in self.articles if a.id == aid)

    def spans(self, aid: str, layer: str) -> list[Span]:
        """The spans of one layer of one article: the story overlay when a step set one, else the stored layer."""
        over = self.story_layers.get(aid, {})
        return over[layer] if layer in over else self.layers.get(aid, {}).get(layer, [])

    layer = spans

    def overlay(self, aid: str, layer: str, spans: list[Span]) -> None:
        """Set the story-level view of one layer of one article (see ``story_layers``)."""
        self.story_layers.setdefault(aid, {})[layer] = spans

    def independence_groups(self) -> dict[str, str]:
        """Article id -> id of its independent-source group (derived copies join their source)."""
        sets = UnionFind(a.id for a in self.articles)
        for e in self.provenance:
            a, b = e.get("article_id"), e.get("source_id")
            if a in sets and b in sets:
                sets.union(a, b)
        return {aid: sets.find(aid) for aid in list(sets.parent)}

    def independent_count(self, article_ids) -> int:
        groups = self.independence_groups()
        return len({groups.get(a, a) for a in article_ids})
