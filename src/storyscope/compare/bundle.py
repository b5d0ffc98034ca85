"""A story's articles with their layers: the input every comparison takes."""
from __future__ import annotations

from dataclasses import dataclass, field

from storyscope.record import Article, Span
from storyscope.unionfind import UnionFind


@dataclass
class StoryBundle:
    """A story's articles with their stored layers (article id -> layer name -> spans), the story
    overlay the comparison steps write (``story_layers``) and the provenance edges once found."""
    articles: list[Article]
    # article id -> layer name -> spans
    layers: dict[str, dict[str, list[Span]]] = field(default_factory=dict)
    # provenance edges: {"article_id": derived, "source_id": source, "score": float, ...}
    provenance: list[dict] = field(default_factory=list)
    # story-level views of reading layers (e.g. actors linked across the story): article id -> layer
    # name -> spans. Read before ``layers``; the stored reading layers themselves are never rewritten.
    story_layers: dict[str, dict[str, list[Span]]] = field(default_factory=dict)

    def article(self, aid: str) -> Article:
        """The article with id ``aid``; raises ``StopIteration`` when it is not in the bundle."""
        return next(a for a in self.articles if a.id == aid)

    def spans(self, aid: str, layer: str) -> list[Span]:
        """The spans of one layer of one article: the story overlay when a step set one, else the stored layer."""
        over = self.story_layers.get(aid, {})
        return over[layer] if layer in over else self.layers.get(aid, {}).get(layer, [])

    layer = spans

    def overlay(self, aid: str, layer: str, spans: list[Span]) -> None:
        """Set the story-level view of one layer of one article (see ``story_layers``)."""
        self.story_layers.setdefault(aid, {})[layer] = spans

    def sentences(self, aid: str) -> list[Span]:
        """The article's sentences: its ``sentences`` layer, the one source of sentences in the comparison.

        A bundle built without reading layers (by hand, in a benchmark) gets the layer the sentences
        stage would have stored (``stages.sentences.sentence_spans`` over the article's debris layer,
        or the furniture ingest would detect when it has none), never another splitter. Spans are
        character offsets into ``article.text``, label ``"sentence"``, attrs ``{"paragraph", "role"}``.
        Raises ``StopIteration`` for an id not in the bundle.
        """
        layer = self.spans(aid, "sentences")
        if layer:
            return layer
        from storyscope.stages.sentences import sentence_spans
        art = self.article(aid)
        if "debris" in self.story_layers.get(aid, {}) or "debris" in self.layers.get(aid, {}):
            title = art.meta.get("title_span")
            return sentence_spans(art.text, self.spans(aid, "debris"), tuple(title) if title else None)
        from storyscope.ingest.detect import detect_furniture
        f = detect_furniture(art.text)
        return sentence_spans(art.text, f.debris, f.title_span)

    def independence_groups(self) -> dict[str, str]:
        """Article id -> id of its independent-source group (derived copies join their source)."""
        sets = UnionFind(a.id for a in self.articles)
        for e in self.provenance:
            a, b = e.get("article_id"), e.get("source_id")
            if a in sets and b in sets:
                sets.union(a, b)
        return {aid: sets.find(aid) for aid in list(sets.parent)}

    def independent_count(self, article_ids) -> int:
        """How many independent-source groups (``independence_groups``) the given articles span."""
        groups = self.independence_groups()
        return len({groups.get(a, a) for a in article_ids})
