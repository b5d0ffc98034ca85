"""The one library API. The CLI, the web app and batch jobs are thin shells over ``Workspace``."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article, Layer, Span
from storyscope.store.base import Store, open_store

DEFAULT_DB = "storyscope.db"
log = logging.getLogger("storyscope")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": len(self.added), "existing": len(self.existing), "errors": self.errors}


class Workspace:
    """A store plus the operations users run on it; ``services`` (``storyscope.services.Services``) are the
    process's models and caches, persisting vectors and parses in this store."""

    def __init__(self, db: str | Store | None = None):
        from storyscope.services import Services
        self.store: Store = db if isinstance(db, Store) else open_store(db or os.environ.get("STORYSCOPE_DB") or DEFAULT_DB)
        self.services = Services(self.store)
        self._clusterer = None                  # the grouping, kept while the store holds what it wrote
        self._group_lock = threading.Lock()

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
               outlet: str | None = None, read_inputs=None) -> IngestReport:
        """Read every input and store new articles, committed every ``commit_every``; bad inputs go to
        ``on_error`` and the rest goes on. Returns an ``IngestReport``: ids added, ids already stored, errors.

        Each article's outlet is decided by ``outlets.resolve``: the name its input states (site name,
        feed title, byline, credit), mapped through the store's outlets file (``register_outlets``), else
        the file's entry for its URL, else ``outlet`` (a folder of plain-text files from one site), else
        its URL's domain; an outlet the input states itself is kept. ``read_inputs(paths, on_error)``
        replaces ``ingest.read_sources`` as the reader (``batch`` reads Parquet and WARC with it)."""
        from storyscope.ingest import read_sources
        from storyscope.outlets import Directory, resolve as resolve_outlet
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
        source = (read_inputs(list(paths), err) if read_inputs is not None
                  else read_sources(paths, on_error=err, allow_private=allow_private))
        directory = Directory(self.store.outlets())
        for art, debris in source:
            art = resolve_outlet(art, directory, outlet)
            if art.id in seen:  # the same article twice in one batch
                report.existing.append(art.id)
                continue
            seen.add(art.id)
            pending.append((art, [debris]))
            if len(pending) >= commit_every:
                flush()
        flush()
        return report

    def register_outlets(self, path: str, replace: bool = False) -> list[dict]:
        """Read an outlets file (``outlets.read_outlets_file``: CSV, JSON or TOML) into the store, where
        every later ingest uses it; ``replace`` drops the entries registered before. Returns the entries
        read. Raises InputError naming the file (and the bad row)."""
        from storyscope.outlets import read_outlets_file
        entries = read_outlets_file(path)
        self.store.put_outlets(entries, replace=replace)
        return entries

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
        """Full-text hits ``{"id", "title", "outlet", "snippet"}``, best first; ``outlet`` as every shell
        shows it (``outlets.display_name``)."""
        from storyscope.outlets import display_name
        hits = self.store.search(query, limit)
        arts = {a.id: a for a in self.store.iter_articles([h["id"] for h in hits])}
        return [{**h, "outlet": display_name(arts[h["id"]]) if h["id"] in arts else h["outlet"]} for h in hits]

    # analysis -------------------------------------------------------------
    def analyze(self, ids: list[str] | None = None, *, stages: list[str] | None = None, batch_size: int = 16,
                on_error: Callable[[InputError], None] | None = None, progress=None, force: bool = False,
                timings: dict[str, float] | None = None) -> int:
        """Run the reading stages over the stored articles ``ids`` (None: all), skipping layers stored at
        their current lineage version (``force`` recomputes). ``progress(n)`` after each batch; stage
        seconds are added to ``timings``. Returns the number of articles read."""
        from storyscope.pipeline import pipe, resolve_stages
        n = 0
        for _ in pipe(self.store.iter_articles(ids), self.store, resolve_stages(stages), batch_size=batch_size,
                      on_error=on_error or (lambda e: None), progress=progress, force=force, timings=timings):
            n += 1
        return n

    def group(self, rebuild: bool = False) -> list[dict]:
        """Assign every stored article not yet in a story (online; ``rebuild`` re-clusters all); the stories.

        The clusterer's state is rows of the store (``stories.state``). Each chunk of 256 articles writes
        only the rows it changed, with the stories users see, in one transaction (``Store.put_grouping``):
        a story merged into another is dropped with its findings and its id becomes an alias of the
        survivor (``story``); a story split in two ("one is two", ``stories.split``) keeps its id for the
        larger part, the other part gets a new id, and both lose their findings; a story whose articles
        changed has a new ``findings_key``, so its dossier is recomputed, never served stale. The clusterer stays in memory while the store holds the state it
        wrote last; a write over another process's is refused (``errors.GroupingChanged``) and the grouping
        is read again (three tries). A state of another version is replaced by re-adding every stored
        article (logged)."""
        with self._group_lock:
            tries = 0
            while True:
                try:
                    return self._group(rebuild)
                except errors.GroupingChanged:   # another process wrote the grouping: read it again
                    tries += 1
                    if tries == 3:
                        raise

    def _group(self, rebuild: bool) -> list[dict]:
        from storyscope.stories.cluster import article_item
        clusterer, everything = self._grouping(rebuild)
        fresh = everything
        self._clusterer = None          # until its rows are written
        known = set(clusterer.article_ids())
        todo = [aid for aid in self.store.find_articles("") if aid not in known]   # ids in store order
        with self.services.active():  # a rebuild reuses every title + lead vector already computed
            for i in range(0, len(todo), 256):
                chunk = {a.id: a for a in list(self.store.iter_articles(todo[i:i + 256]))}
                for aid in todo[i:i + 256]:
                    if aid in chunk:
                        clusterer.add(article_item(chunk[aid], self.layers(aid)))
                self.store.put_grouping(clusterer.changed_rows(everything))
                everything = False
        if todo and clusterer.relink():     # the run's lone articles, a second look (``stories.relink``)
            self.store.put_grouping(clusterer.changed_rows())
        if everything:                      # nothing to add: the reset is still written
            self.store.put_grouping(clusterer.changed_rows(True))
        if fresh:
            self.store.delete_state("clusterer")      # the JSON state of earlier versions
        self._clusterer = clusterer
        return self.stories()

    def _grouping(self, rebuild: bool):
        """(clusterer, whether its rows replace all stored ones): the one in memory while current, else
        the stored rows, else a new one (nothing stored, ``rebuild``, or rows this version cannot read)."""
        from storyscope.stories.cluster import OnlineClusterer
        if rebuild:
            return OnlineClusterer(), True
        meta = self.store.grouping_global("meta")
        if self._clusterer is not None and meta is not None and self._clusterer._meta_bytes == meta:
            return self._clusterer, False
        if meta is not None:
            try:
                return OnlineClusterer.from_rows(self.store.get_grouping()), False
            except (ValueError, KeyError, TypeError) as e:
                reason = str(e)
        else:
            legacy = self.store.get_state("clusterer")
            if legacy is None:
                return OnlineClusterer(), True
            reason = f"one JSON state, version {legacy.get('version')!r}"
        log.warning(errors.GROUPING_REGROUPED.format(reason=reason, n=self.store.count_articles()))
        return OnlineClusterer(), True

    def stories(self) -> list[dict]:
        return self.store.stories()

    def story(self, story_id: str) -> dict:
        """A story by id or unique id prefix; a story merged into another leads to the one it joined."""
        s = self.store.get_story(story_id)
        seen = {story_id}
        while s is None and (nxt := self.store.story_alias(story_id)) is not None and nxt not in seen:
            seen.add(nxt)
            story_id, s = nxt, self.store.get_story(nxt)
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
        """All comparison findings of one story (``dossier.build.compare_story``), cached in the store
        under ``findings_key`` of its articles, dates, stage and step versions and layer contents."""
        from storyscope.dossier.build import compare_story
        story, arts, layers, key = self.comparison_inputs(story_id)
        cached = self.store.get_findings(story["id"], key)
        if cached is not None:
            return cached
        had_parse = self.services.restore_parses(arts)  # restoring a parse is ~90x faster than parsing
        with self.services.active():
            result = compare_story(story, arts, layers, reread=self.reread)
        self.services.save_parses(arts, skip=had_parse)
        return self.save_findings(story["id"], result)

    def reread(self, arts: list[Article]) -> dict[str, dict[str, list[Span]]]:
        """Store the (inferred) publication dates of ``arts`` and run the reading pipeline on them again:
        the stages whose lineage covers the date (``timex``) recompute. Returns their layers."""
        for a in arts:
            self.store.update_published(a.id, a.published, a.published_source)
        from storyscope.pipeline import pipe
        return {a.id: ls for a, ls in pipe(self.store.iter_articles([a.id for a in arts]), self.store)}

    def save_findings(self, story_id: str, result: dict) -> dict:
        """Persist one story's ``compare_story`` result: dates and re-read layers it carries (from a
        worker without a store) and the findings under the key of the story as it now stands."""
        from storyscope.pipeline import lineage_version, resolve_stages
        for aid, (published, source) in result.get("dates", {}).items():
            art = self.store.get_article(aid)
            if art is not None and (art.published, art.published_source) != (published, source):
                self.store.update_published(aid, published, source)
        if result.get("reread"):
            stages = {n: st for st in resolve_stages() for n in st.adds}
            for aid, ls in result["reread"].items():
                stored = self.store.get_layers(aid)
                if all(n in stored and stored[n].spans == [Span.from_dict(d) for d in sp] for n, sp in ls.items()):
                    continue  # already stored by this process's own re-read
                versions = {n: l.version for n, l in stored.items()}
                art = self.store.get_article(aid)
                self.store.put_layers(aid, [Layer(n, lineage_version(stages[n], versions, art), [Span.from_dict(d) for d in sp])
                                            for n, sp in ls.items() if n in stages])
        story, _, _, key = self.comparison_inputs(story_id)
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
        """Ingest ``paths``, read every stored article, group (``orchestrate.Orchestrator``); ``kw`` goes
        to ``Workspace.ingest``, ``progress(n)`` is called as articles are read. Returns the ingest report."""
        from storyscope.orchestrate import Orchestrator, Progress

        class _Count(Progress):
            def advance(self, n: int = 1) -> None:
                if progress:
                    progress(n)
        res = Orchestrator(self, on_error=on_error or (lambda e: None), progress=_Count()).run(paths, **kw)
        return res.ingest or IngestReport()

    # what the shells show (CLI, web) -------------------------------------
    def unread(self, ids: list[str]) -> list[str]:
        """The ids among ``ids`` that some reading stage has not processed at its current version."""
        from storyscope.pipeline import stale_stages
        stored = self.store.layer_versions(ids)
        return [a.id for a in self.store.iter_articles(ids) if stale_stages(a, stored.get(a.id, {}))]

    def compared(self, story_id: str) -> bool:
        """Whether the story's findings are stored for its current articles and layers."""
        story, _, _, key = self.comparison_inputs(story_id)
        return self.store.get_findings(story["id"], key) is not None

    def ensure_grouped(self) -> list[dict]:
        """The stories, grouping first any stored article that is in none (cheap: titles and leads)."""
        stories = self.stories()
        if self.store.count_articles() > sum(len(s["article_ids"]) for s in stories):
            stories = self.group()
        return stories

    def article_records(self, arts: list[Article]) -> list[dict]:
        """One flat record per article as every shell shows it: ``id, title, outlet, outlet_basis, credit,
        byline, published, published_source, url, path, story_id`` (``outlet`` as ``outlets.display_name``
        shows it, never a file name; ``outlet_basis`` how it was decided). An article that states no date shows the
        date its story's comparison inferred and stored (``published_source`` "inferred"), as the dossier does."""
        from storyscope.outlets import basis, display_name
        story_of = {aid: s["id"] for s in self.stories() for aid in s["article_ids"]}
        return [{"id": a.id, "title": a.title, "outlet": display_name(a), "outlet_basis": basis(a),
                 "credit": a.credit, "byline": a.byline,
                 "published": a.published, "published_source": a.published_source, "url": a.url, "path": a.path,
                 "story_id": story_of.get(a.id)} for a in arts]


def digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
