"""The storage interface. Only implementations of ``Store`` know SQL.

SQLite (default, one file) and PostgreSQL implement it and pass one set of contract tests
(tests/store/test_contract.py).
"""
from __future__ import annotations

import abc
import json
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
