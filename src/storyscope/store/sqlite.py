"""SQLite store: one file, WAL mode, FTS5 search, versioned migrations."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from typing import Iterable, Iterator

from storyscope.record import Article, Layer
from storyscope.store.base import (GROUPING_READS, OUTLET_COLS, GroupingRows, Store, check_expected, grouping_rows,
                                   grouping_writes,
                                   outlet_entry, outlet_row, outlet_upsert_sql)
from storyscope.store.migrations import MIGRATIONS

_ARTICLE_COLS = ("id", "title", "outlet", "credit", "byline", "published", "published_source", "url", "path",
                 "language", "text", "meta")


def _row_to_article(row) -> Article:
    d = dict(zip(_ARTICLE_COLS, row))
    d["meta"] = json.loads(d["meta"] or "{}")
    return Article(**d)


class SQLiteStore(Store):
    def __init__(self, path: str):
        self.url = path
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
        self._local = threading.local()
        self._path = path
        self._migrate()

    # One connection per thread: the web server and background jobs share a store object.
    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=60000")
            self._local.conn = conn
        return conn

    def _tx(self):
        return _Tx(self.db)

    def _migrate(self) -> None:
        with self._tx() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for version, sqlite_sql, _pg in MIGRATIONS:
                if version > current:
                    for stmt in sqlite_sql:
                        db.execute(stmt)
                    db.execute(f"PRAGMA user_version={version}")

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # articles -------------------------------------------------------------
    def add_articles(self, items):
        out = []
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self._tx() as db:
            for art, layers in items:
                cur = db.execute(
                    f"INSERT OR IGNORE INTO articles ({', '.join(_ARTICLE_COLS)}, ingested_at) "
                    f"VALUES ({', '.join('?' * len(_ARTICLE_COLS))}, ?)",
                    (art.id, art.title, art.outlet, art.credit, art.byline, art.published, art.published_source,
                     art.url, art.path, art.language, art.text, json.dumps(art.meta), now))
                new = cur.rowcount == 1
                if new:
                    for layer in layers:
                        self._put_layer(db, art.id, layer)
                out.append(new)
        return out

    def get_article(self, article_id):
        row = self.db.execute(f"SELECT {', '.join(_ARTICLE_COLS)} FROM articles WHERE id=?", (article_id,)).fetchone()
        return _row_to_article(row) if row else None

    def find_articles(self, prefix):
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE id LIKE ? ORDER BY seq",
                                              (prefix.replace("%", "") + "%",))]

    def iter_articles(self, ids=None):
        if ids is None:
            cur = self.db.execute(f"SELECT {', '.join(_ARTICLE_COLS)} FROM articles ORDER BY seq")
            for row in cur:
                yield _row_to_article(row)
            return
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.db.execute(f"SELECT {', '.join(_ARTICLE_COLS)} FROM articles WHERE id IN "
                                   f"({', '.join('?' * len(chunk))})", chunk).fetchall()
            by_id = {r[0]: r for r in rows}
            for aid in chunk:
                if aid in by_id:
                    yield _row_to_article(by_id[aid])

    def count_articles(self):
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def update_published(self, article_id, published, source):
        with self._tx() as db:
            db.execute("UPDATE articles SET published=?, published_source=? WHERE id=?", (published, source, article_id))

    # layers ---------------------------------------------------------------
    @staticmethod
    def _put_layer(db, aid: str, layer: Layer) -> None:
        db.execute("INSERT INTO layers (article_id, name, version, spans) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(article_id, name) DO UPDATE SET version=excluded.version, spans=excluded.spans",
                   (aid, layer.name, layer.version, json.dumps([s.to_dict() for s in layer.spans])))

    def put_layers(self, article_id, layers):
        with self._tx() as db:
            for layer in layers:
                self._put_layer(db, article_id, layer)

    def get_layers(self, article_id, names=None):
        rows = self.db.execute("SELECT name, version, spans FROM layers WHERE article_id=?", (article_id,)).fetchall()
        wanted = set(names) if names is not None else None
        return {n: Layer.from_dict({"name": n, "version": v, "spans": json.loads(s)})
                for n, v, s in rows if wanted is None or n in wanted}

    def layer_versions(self, article_ids):
        out: dict[str, dict[str, str]] = {a: {} for a in article_ids}
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            for aid, name, ver in self.db.execute(
                    f"SELECT article_id, name, version FROM layers WHERE article_id IN ({', '.join('?' * len(chunk))})",
                    chunk):
                out[aid][name] = ver
        return out

    # stories, findings, state --------------------------------------------
    def replace_stories(self, stories):
        with self._tx() as db:
            db.execute("DELETE FROM story_articles")
            db.execute("DELETE FROM stories")
            for i, s in enumerate(stories):
                db.execute("INSERT INTO stories (id, title, data, ord) VALUES (?, ?, ?, ?)",
                           (s["id"], s.get("title", ""), json.dumps(s), i))
                db.executemany("INSERT OR IGNORE INTO story_articles (story_id, article_id) VALUES (?, ?)",
                               [(s["id"], a) for a in s["article_ids"]])

    def stories(self):
        return [json.loads(r[0]) for r in self.db.execute("SELECT data FROM stories ORDER BY ord")]

    def get_story(self, story_id):
        row = self.db.execute("SELECT data FROM stories WHERE id=?", (story_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_findings(self, story_id, key, data):
        with self._tx() as db:
            db.execute("DELETE FROM findings WHERE story_id=?", (story_id,))
            db.execute("INSERT INTO findings (story_id, key, data) VALUES (?, ?, ?)", (story_id, key, json.dumps(data)))

    def get_findings(self, story_id, key):
        row = self.db.execute("SELECT data FROM findings WHERE story_id=? AND key=?", (story_id, key)).fetchone()
        return json.loads(row[0]) if row else None

    def put_state(self, name, data):
        with self._tx() as db:
            db.execute("INSERT INTO state (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data=excluded.data",
                       (name, json.dumps(data)))

    def get_state(self, name):
        row = self.db.execute("SELECT data FROM state WHERE name=?", (name,)).fetchone()
        return json.loads(row[0]) if row else None

    def delete_state(self, name):
        with self._tx() as db:
            db.execute("DELETE FROM state WHERE name=?", (name,))

    def put_grouping(self, rows: GroupingRows) -> None:
        with self._tx() as db:      # BEGIN IMMEDIATE: no writer comes between the check and the writes
            row = db.execute("SELECT data FROM grouping_globals WHERE name='meta'").fetchone()
            check_expected(row[0] if row else None, rows)
            for sql, params in grouping_writes(rows, "?"):
                db.executemany(sql, params)

    def get_grouping(self) -> GroupingRows:
        with self._tx() as db:      # one snapshot of all four tables
            return grouping_rows([db.execute(q).fetchall() for q in GROUPING_READS])

    def grouping_global(self, name):
        row = self.db.execute("SELECT data FROM grouping_globals WHERE name=?", (name,)).fetchone()
        return bytes(row[0]) if row else None

    def story_alias(self, story_id):
        row = self.db.execute("SELECT new_id FROM story_aliases WHERE old_id=?", (story_id,)).fetchone()
        return row[0] if row else None

    def _blobs(self, table: str, key_col: str, blob_col: str, model: str, keys: list[str]) -> dict[str, bytes]:
        """{key: blob} for one model, in chunks of 500 keys (SQLite caps bound parameters)."""
        out = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = (f"SELECT {key_col}, {blob_col} FROM {table} WHERE model=? "
                 f"AND {key_col} IN ({','.join('?' * len(chunk))})")
            out.update({k: bytes(v) for k, v in self.db.execute(q, (model, *chunk))})
        return out

    def get_parses(self, model, article_ids):
        return self._blobs("parses", "article_id", "data", model, article_ids)

    def put_parses(self, model, items):
        with self._tx() as db:
            db.executemany("INSERT INTO parses (article_id, model, data) VALUES (?, ?, ?) "
                           "ON CONFLICT(article_id, model) DO UPDATE SET data=excluded.data",
                           [(a, model, d) for a, d in items])

    def get_vectors(self, model, keys):
        return self._blobs("vectors", "key", "vec", model, keys)

    def put_vectors(self, model, items):
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO vectors (model, key, vec) VALUES (?, ?, ?)",
                           [(model, k, v) for k, v in items])

    # outlets
    def put_outlets(self, entries, replace=False):
        sql = outlet_upsert_sql("?")
        with self._tx() as db:
            if replace:
                db.execute("DELETE FROM outlets")
            db.executemany(sql, [outlet_row(e) for e in entries])

    def outlets(self):
        rows = self.db.execute(f"SELECT {', '.join(OUTLET_COLS)} FROM outlets ORDER BY name, pattern")
        return [outlet_entry(r) for r in rows]

    def search(self, query, limit=20):
        terms = [t for t in "".join(c if c.isalnum() else " " for c in query).split() if t]
        if not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        rows = self.db.execute(
            "SELECT a.id, a.title, a.outlet, snippet(articles_fts, 1, '[', ']', ' … ', 16) "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit)).fetchall()
        return [{"id": r[0], "title": r[1], "outlet": r[2], "snippet": r[3]} for r in rows]

    def close(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error: writers never interleave half-done work."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
