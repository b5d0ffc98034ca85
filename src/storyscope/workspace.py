"""The one library API. The CLI, the web app and batch jobs are thin shells over ``Workspace``."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article, Layer, Span
from storyscope.store.base import Store, open_store

DEFAULT_DB = "storyscope.db"
COMPARE_VERSION = "compare.v1"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": len(self.added), "existing": len(self.existing), "errors": self.errors}


class Workspace:
    """A store plus the operations users run on it."""

    def __init__(self, db: str | Store | None = None):
        self.store: Store = db if isinstance(db, Store) else open_store(db or os.environ.get("STORYSCOPE_DB") or DEFAULT_DB)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ingest ---------------------------------------------------------------
    def ingest(self, paths: Iterable[str], *, allow_private: bool = False,
               on_error: Callable[[InputError], None] | None = None,
               on_article: Callable[[Article, bool], None] | None = None, commit_every: int = 64,
               outlet: str | None = None) -> IngestReport:
        """Read every input and store new articles; bad inputs are reported, the rest goes on.

        ``outlet`` names the outlet of articles whose input does not (a folder of plain-text files
        from one site); an outlet the input states itself is kept."""
        from storyscope.ingest import read_sources
        report = IngestReport()

        def err(e: InputError) -> None:
            report.errors.append(str(e))
            if on_error:
                on_error(e)

        pending: list[tuple[Article, list[Layer]]] = []

        def flush() -> None:
            if not pending:
                return
            flags = self.store.add_articles(pending)
            for (art, _), new in zip(pending, flags):
                (report.added if new else report.existing).append(art.id)
                if on_article:
                    on_article(art, new)
            pending.clear()

        seen: set[str] = set()
        for art, debris in read_sources(paths, on_error=err, allow_private=allow_private):
            if outlet and outlet.strip() and not art.outlet:
                fields = {k: v for k, v in art.to_dict().items() if k not in ("id", "text", "outlet")}
                art = Article.create(art.text, outlet=" ".join(outlet.split()), **fields)
            if art.id in seen:  # the same article twice in one batch
                report.existing.append(art.id)
                continue
            seen.add(art.id)
            pending.append((art, [debris]))
            if len(pending) >= commit_every:
                flush()
        flush()
        return report

    # reading --------------------------------------------------------------
    def articles(self, ids: list[str] | None = None) -> list[Article]:
        return list(self.store.iter_articles(ids))

    def resolve_id(self, key: str) -> str:
        hits = self.store.find_articles(key)
        if len(hits) != 1:
            raise errors.NotFound("article", key) if not hits else errors.StoryscopeError(
                f"article id prefix {key!r} is ambiguous ({len(hits)} matches)")
        return hits[0]

    def article(self, key: str) -> Article:
        art = self.store.get_article(self.resolve_id(key))
        assert art is not None
        return art

    def layers(self, article_id: str) -> dict[str, list[Span]]:
        return {n: l.spans for n, l in self.store.get_layers(article_id).items()}

    def search(self, query: str, limit: int = 20) -> list[dict]:
        return self.store.search(query, limit)

    # analysis -------------------------------------------------------------
    def analyze(self, ids: list[str] | None = None, *, stages: list[str] | None = None, batch_size: int = 16,
                on_error: Callable[[InputError], None] | None = None, progress=None, force: bool = False) -> int:
        """Run the reading stages over stored articles (cached by stage version); returns articles done."""
        from storyscope.pipeline import pipe, resolve_stages
        n = 0
        for _ in pipe(self.store.iter_articles(ids), self.store, resolve_stages(stages), batch_size=batch_size,
                      on_error=on_error or (lambda e: None), progress=progress, force=force):
            n += 1
        return n

    def group(self, rebuild: bool = False) -> list[dict]:
        """Assign articles to stories (online; ``rebuild`` re-clusters everything)."""
        from storyscope.stories.cluster import OnlineClusterer, article_item, readable
        state = None if rebuild else self.store.get_state("clusterer")
        clusterer = OnlineClusterer.from_state(state) if readable(state) else OnlineClusterer()
        from storyscope.stages.embed import backed_by
        known = set(clusterer.article_ids())
        with backed_by(self.store):  # a rebuild reuses every title + lead vector already computed
            for art in self.store.iter_articles():
                if art.id not in known:
                    clusterer.add(article_item(art, self.layers(art.id)))
        stories = clusterer.stories()
        self.store.put_state("clusterer", clusterer.to_state())
        self.store.replace_stories(stories)
        return stories

    def stories(self) -> list[dict]:
        return self.store.stories()

    def story(self, story_id: str) -> dict:
        s = self.store.get_story(story_id)
        if s is None:
            hits = [x for x in self.store.stories() if x["id"].startswith(story_id)]
            if len(hits) != 1:
                raise errors.NotFound("story", story_id)
            s = hits[0]
        return s

    def comparison_inputs(self, story_id: str) -> tuple[dict, list[Article], dict, str]:
        """What comparing one story needs: the story, its articles, their layers, and the cache key."""
        from storyscope.dossier.build import findings_key
        story = self.story(story_id)
        arts = self.articles(story["article_ids"])
        layers = {a.id: self.layers(a.id) for a in arts}
        return story, arts, layers, findings_key(arts, layers)

    def findings(self, story_id: str) -> dict:
        """All comparison findings of one story, cached by its articles and stage versions."""
        from storyscope.dossier.build import compare_story
        story, arts, layers, key = self.comparison_inputs(story_id)
        cached = self.store.get_findings(story["id"], key)
        if cached is not None:
            return cached
        # Inferred publication dates live in the findings, not on the stored article: they depend on
        # the story's other articles and must change when the story does.
        from storyscope.stages import nlp
        from storyscope.stages.embed import backed_by
        had_parse = nlp.load_parses(self.store, arts)  # restoring a parse is ~90x faster than parsing
        with backed_by(self.store):
            result = compare_story(story, arts, layers)
        nlp.save_parses(self.store, arts, skip=had_parse)
        self.store.put_findings(story["id"], key, result)
        return result

    def findings_or_report(self, story_id: str, on_error: Callable[[InputError], None]) -> dict | None:
        """Findings, or None once a failed comparison is reported through ``on_error`` (others go on)."""
        try:
            return self.findings(story_id)
        except Exception as e:  # noqa: BLE001 - one story's bug must not cost the user the others
            on_error(errors.comparison_failed(story_id, f"{e.__class__.__name__}: {e}"))
            return None

    def dossier(self, story_ids: list[str] | None = None,
                on_error: Callable[[InputError], None] | None = None) -> dict:
        """The ``storyscope.dossier/1`` document for the given stories (default: all).

        With ``on_error``, a story whose comparison fails is reported there and left out, and the
        dossier holds the others; without it the failure is raised."""
        from storyscope.dossier.build import build_dossier
        stories = [self.story(s) for s in story_ids] if story_ids else self.stories()
        if on_error is None:
            findings = {s["id"]: self.findings(s["id"]) for s in stories}
        else:
            found = {s["id"]: self.findings_or_report(s["id"], on_error) for s in stories}
            findings = {sid: f for sid, f in found.items() if f is not None}
        stories = [s for s in stories if s["id"] in findings]
        ids = [a for s in stories for a in s["article_ids"]]
        return build_dossier(stories, self.articles(list(dict.fromkeys(ids))), findings,
                             {a: self.layers(a) for a in dict.fromkeys(ids)})

    def run_all(self, paths: Iterable[str] = (), *, on_error=None, progress=None, **kw) -> IngestReport:
        """Ingest, read, group: what ``storyscope analyze`` does before rendering."""
        report = self.ingest(paths, on_error=on_error, **kw) if paths else IngestReport()
        self.analyze(on_error=on_error, progress=progress)
        self.group()
        return report


def digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
