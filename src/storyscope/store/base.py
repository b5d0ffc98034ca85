"""The storage interface. Only implementations of ``Store`` know SQL.

SQLite (default, one file) and PostgreSQL implement it and pass one set of contract tests
(tests/store/test_contract.py).
"""
from __future__ import annotations

import abc
import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from storyscope.record import Article, Layer


class Store(abc.ABC):
    url: str

    # articles -------------------------------------------------------------
    @abc.abstractmethod
    def add_articles(self, items: Iterable[tuple[Article, list[Layer]]]) -> list[bool]:
        """Insert articles (with their ingest layers) atomically; True per article that was new."""

    @abc.abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abc.abstractmethod
    def find_articles(self, prefix: str) -> list[str]:
        """Ids that start with ``prefix`` (users type short ids)."""

    @abc.abstractmethod
    def iter_articles(self, ids: list[str] | None = None) -> Iterator[Article]:
        """Articles in ingest order (or the given ids, in that order)."""

    @abc.abstractmethod
    def count_articles(self) -> int: ...

    @abc.abstractmethod
    def update_published(self, article_id: str, published: str, source: str) -> None:
        """Record an inferred publication date (metadata only; the text never changes)."""

    # layers ---------------------------------------------------------------
    @abc.abstractmethod
    def put_layers(self, article_id: str, layers: Iterable[Layer]) -> None: ...

    @abc.abstractmethod
    def get_layers(self, article_id: str, names: Iterable[str] | None = None) -> dict[str, Layer]: ...

    @abc.abstractmethod
    def layer_versions(self, article_ids: list[str]) -> dict[str, dict[str, str]]:
        """article id -> layer name -> stored version (what the pipeline cache checks)."""

    # stories, findings, state --------------------------------------------
    @abc.abstractmethod
    def replace_stories(self, stories: list[dict]) -> None:
        """Replace the story grouping: each {"id", "title", "article_ids", ...}."""

    @abc.abstractmethod
    def stories(self) -> list[dict]: ...

    @abc.abstractmethod
    def get_story(self, story_id: str) -> dict | None: ...

    @abc.abstractmethod
    def put_findings(self, story_id: str, key: str, data: dict) -> None:
        """Cache a story's comparison results under a key of its inputs' ids and versions."""

    @abc.abstractmethod
    def get_findings(self, story_id: str, key: str) -> dict | None: ...

    @abc.abstractmethod
    def put_state(self, name: str, data: dict) -> None: ...

    @abc.abstractmethod
    def get_state(self, name: str) -> dict | None: ...

    @abc.abstractmethod
    def delete_state(self, name: str) -> None:
        """Drop a named state (absent: nothing happens)."""

    # the story grouping, incremental ---------------------------------------
    @abc.abstractmethod
    def put_grouping(self, rows: "GroupingRows") -> None:
        """Write one step of the story grouping in one transaction (see ``GroupingRows``): the clusterer's
        rows and the stories users see follow together, and a story merged away loses its findings."""

    @abc.abstractmethod
    def get_grouping(self) -> "GroupingRows":
        """Every stored row of the grouping (empty ``GroupingRows`` when none): stories by index."""

    @abc.abstractmethod
    def grouping_global(self, name: str) -> bytes | None:
        """One global row of the grouping (None: absent)."""

    @abc.abstractmethod
    def story_alias(self, story_id: str) -> str | None:
        """The story a merged-away story ``story_id`` joined (None: not merged away)."""

    # parses ----------------------------------------------------------------
    @abc.abstractmethod
    def get_parses(self, model: str, article_ids: list[str]) -> dict[str, bytes]:
        """Stored parses (opaque bytes) of the given articles for ``model``; missing ones are absent."""

    @abc.abstractmethod
    def put_parses(self, model: str, items: list[tuple[str, bytes]]) -> None:
        """Store parses by article id; an article's parse for ``model`` is replaced."""

    # vectors ---------------------------------------------------------------
    @abc.abstractmethod
    def get_vectors(self, model: str, keys: list[str]) -> dict[str, bytes]:
        """Stored vectors (raw float32 bytes) of the given text keys; missing keys are absent."""

    @abc.abstractmethod
    def put_vectors(self, model: str, items: list[tuple[str, bytes]]) -> None:
        """Store vectors by text key; a key already stored keeps its vector."""

    # outlets --------------------------------------------------------------
    @abc.abstractmethod
    def put_outlets(self, entries: list[dict], replace: bool = False) -> None:
        """Register outlet entries ``{"pattern", "name", "country", "owner", "wires": [...], "aliases": [...]}``
        (see ``storyscope.outlets``); an entry whose pattern is stored replaces it; ``replace`` drops
        every stored entry first. One transaction."""

    @abc.abstractmethod
    def outlets(self) -> list[dict]:
        """Every registered outlet entry, sorted by name then pattern."""

    @abc.abstractmethod
    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text search over titles and texts: [{"id", "title", "outlet", "snippet"}]."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class GroupingRows:
    """One write of the story grouping (``Store.put_grouping``), or all of it (``Store.get_grouping``).

    ``globals``: (name, bytes) rows: the clusterer's parameters and counters, its index's centroids;
    ``stories``: (index, story id, inverted list, bytes) per clusterer story (aggregates, not articles);
    ``lists``: (index, inverted list) of stories only the index moved (it was retrained);
    ``members``: (article id, story index, position in the story, head JSON) per article placed or moved;
    ``cleared``: story indices whose stored articles are dropped first (the story lost some);
    ``counts``: (sequence number, bytes) document frequencies changed, a log replayed in order;
    ``counts_reset``: drop the stored log first (``counts`` then starts with a snapshot);
    ``shown``: (order, story dict {"id", "title", "article_ids", ...}) of stories users see, new or changed;
    ``gone``: (story id, id of the story it joined) of stories merged away: their rows, story-article
    links and findings are dropped and the id is kept as an alias of the other;
    ``dropped``: ids of stories whose findings are dropped (a story split in two keeps its id, loses its findings);
    ``feats``: (article id, bytes) compact clustering features of articles newly grouped (written once);
    ``reset``: drop every row of the grouping (and the stories users see) first;
    ``expect``: the ``meta`` row the writer last read or wrote: when the stored one differs (another
    writer came between), nothing is written and ``errors.GroupingChanged`` is raised (None: no check).
    """
    globals: list[tuple[str, bytes]] = field(default_factory=list)
    stories: list[tuple[int, str, int, bytes]] = field(default_factory=list)
    lists: list[tuple[int, int]] = field(default_factory=list)
    members: list[tuple[str, int, int, str]] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    counts: list[tuple[int, bytes]] = field(default_factory=list)
    counts_reset: bool = False
    shown: list[tuple[int, dict]] = field(default_factory=list)
    gone: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    feats: list[tuple[str, bytes]] = field(default_factory=list)
    reset: bool = False
    expect: bytes | None = None

    def __bool__(self) -> bool:
        return bool(self.reset or self.globals or self.stories or self.lists or self.members or self.cleared or self.counts
                    or self.counts_reset or self.shown or self.gone or self.dropped or self.feats)


_GROUPING_TABLES = ("grouping_globals", "grouping_stories", "grouping_members", "grouping_counts",
                    "grouping_feats", "story_aliases", "story_articles", "stories")


def grouping_writes(rows: GroupingRows, ph: str) -> list[tuple[str, list[tuple]]]:
    """The statements of ``put_grouping`` with their parameter rows, in order, for placeholder ``ph``
    ("?" SQLite, "%s" PostgreSQL); each runs with ``executemany`` in one transaction."""
    def up(table: str, cols: tuple[str, ...], key: str) -> str:
        return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([ph] * len(cols))}) ON CONFLICT ({key}) "
                "DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in cols if c not in key.split(", ")))
    out: list[tuple[str, list[tuple]]] = [(f"DELETE FROM {t}", [()]) for t in _GROUPING_TABLES if rows.reset]
    if rows.counts_reset and not rows.reset:
        out.append(("DELETE FROM grouping_counts", [()]))
    out += [(up("grouping_globals", ("name", "data"), "name"), rows.globals),
            (up("grouping_stories", ("idx", "id", "list", "data"), "idx"), rows.stories),
            (f"UPDATE grouping_stories SET list={ph} WHERE idx={ph}", [(l, i) for i, l in rows.lists]),
            (f"DELETE FROM grouping_members WHERE story={ph}", [(s,) for s in rows.cleared]),
            (up("grouping_members", ("article_id", "story", "pos", "head"), "story, pos"), rows.members),
            (up("grouping_counts", ("seq", "data"), "seq"), rows.counts),
            (up("grouping_feats", ("article_id", "data"), "article_id"), rows.feats),
            (f"DELETE FROM findings WHERE story_id={ph}", [(sid,) for sid in rows.dropped])]
    gone = [(old,) for old, _ in rows.gone]
    out += [(f"DELETE FROM {t} WHERE {c}={ph}", gone)
            for t, c in (("stories", "id"), ("story_articles", "story_id"), ("findings", "story_id"))]
    out.append((up("story_aliases", ("old_id", "new_id"), "old_id"), rows.gone))
    shown = [(s["id"],) for _, s in rows.shown]
    out += [(up("stories", ("id", "title", "data", "ord"), "id"),
             [(s["id"], s.get("title", ""), json.dumps(s), o) for o, s in rows.shown]),
            (f"DELETE FROM story_articles WHERE story_id={ph}", shown),
            (f"DELETE FROM story_aliases WHERE old_id={ph}", shown),
            (f"INSERT INTO story_articles (story_id, article_id) VALUES ({ph}, {ph}) ON CONFLICT DO NOTHING",
             [(s["id"], a) for _, s in rows.shown for a in s["article_ids"]])]
    return [(sql, params) for sql, params in out if params]


def check_expected(stored: bytes | None, rows: GroupingRows) -> None:
    """Raise ``errors.GroupingChanged`` when ``rows`` expect another ``meta`` row than the ``stored`` one."""
    from storyscope import errors
    if rows.expect is not None and (stored is None or bytes(stored) != rows.expect):
        raise errors.GroupingChanged()


GROUPING_READS = ("SELECT name, data FROM grouping_globals",
                  "SELECT idx, id, list, data FROM grouping_stories ORDER BY idx",
                  "SELECT article_id, story, pos, head FROM grouping_members",
                  "SELECT seq, data FROM grouping_counts ORDER BY seq",
                  "SELECT article_id, data FROM grouping_feats")


def grouping_rows(results: list[list[tuple]]) -> GroupingRows:
    """``GroupingRows`` from the results of ``GROUPING_READS`` (blobs as bytes)."""
    g, st, mem, cnt, ft = results
    return GroupingRows(globals=[(n, bytes(d)) for n, d in g], stories=[(i, s, l, bytes(d)) for i, s, l, d in st],
                        members=[tuple(r) for r in mem], counts=[(q, bytes(d)) for q, d in cnt],
                        feats=[(a, bytes(d)) for a, d in ft])


OUTLET_COLS = ("pattern", "name", "country", "owner", "wires", "aliases")


def outlet_row(e: dict) -> tuple:
    """An outlet entry as a table row (lists as JSON text), in ``OUTLET_COLS`` order."""
    return (e["pattern"], e["name"], e.get("country") or "", e.get("owner") or "",
            json.dumps(list(e.get("wires") or [])), json.dumps(list(e.get("aliases") or [])))


def outlet_upsert_sql(placeholder: str) -> str:
    """The one INSERT .. ON CONFLICT of an outlet entry (SQLite "?" or PostgreSQL "%s" placeholders)."""
    return (f"INSERT INTO outlets ({', '.join(OUTLET_COLS)}) VALUES ({', '.join([placeholder] * len(OUTLET_COLS))}) "
            "ON CONFLICT (pattern) DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in OUTLET_COLS[1:]))


def outlet_entry(row) -> dict:
    d = dict(zip(OUTLET_COLS, row))
    return {**d, "wires": json.loads(d["wires"] or "[]"), "aliases": json.loads(d["aliases"] or "[]")}


def open_store(url: str | None) -> Store:
    """A store for a path (SQLite) or a postgresql:// URL."""
    if url and url.startswith(("postgresql://", "postgres://")):
        from storyscope.store.postgres import PostgresStore
        return PostgresStore(url)
    from storyscope.store.sqlite import SQLiteStore
    return SQLiteStore(url or "storyscope.db")
