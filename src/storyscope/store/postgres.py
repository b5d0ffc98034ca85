"""PostgreSQL store (psycopg 3): the same interface as SQLite, for many writers and big corpora."""
from __future__ import annotations

import json
import threading
import time

from storyscope import errors
from storyscope.record import Article, Layer
from storyscope.store.base import (GROUPING_READS, OUTLET_COLS, GroupingRows, Store, check_expected, grouping_rows,
                                   grouping_writes,
                                   outlet_entry, outlet_row, outlet_upsert_sql)
from storyscope.store.migrations import MIGRATIONS

_COLS = ("id", "title", "outlet", "credit", "byline", "published", "published_source", "url", "path",
         "language", "text", "meta")


def _row(row) -> Article:
    d = dict(zip(_COLS, row))
    d["meta"] = json.loads(d["meta"] or "{}")
    return Article(**d)


class PostgresStore(Store):
    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover
            raise errors.MissingDependency("PostgreSQL support", "pip install 'psycopg[binary]'") from e
        self.url = url
        self._psycopg = psycopg
        self._local = threading.local()
        try:
            self._migrate()
        except psycopg.OperationalError as e:
            raise errors.StoryscopeError(errors.NO_POSTGRES.format(
                where=url.split('@')[-1], detail=str(e).strip().splitlines()[0])) from e

    @property
    def db(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._psycopg.connect(self.url, autocommit=False)
            self._local.conn = conn
        return conn

    def _migrate(self):
        with self.db.transaction():
            cur = self.db.cursor()
            cur.execute("SELECT pg_advisory_xact_lock(7151)")  # one migrator at a time
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT max(version) FROM schema_version")
            current = cur.fetchone()[0] or 0
            for version, _sqlite, pg in MIGRATIONS:
                if version > current:
                    for stmt in pg:
                        cur.execute(stmt)
                    cur.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        self.db.commit()

    def schema_version(self) -> int:
        with self.db.transaction():
            return self.db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def _q(self, sql, params=()):
        with self.db.transaction():
            return self.db.execute(sql, params).fetchall()

    # articles
    def add_articles(self, items):
        out = []
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self.db.transaction():
            cur = self.db.cursor()
            for art, layers in items:
                cur.execute(
                    f"INSERT INTO articles ({', '.join(_COLS)}, ingested_at) VALUES ({', '.join(['%s'] * len(_COLS))}, %s) "
                    "ON CONFLICT (id) DO NOTHING",
                    (art.id, art.title, art.outlet, art.credit, art.byline, art.published, art.published_source,
                     art.url, art.path, art.language, art.text, json.dumps(art.meta), now))
                new = cur.rowcount == 1
                if new:
                    for layer in layers:
                        self._put_layer(cur, art.id, layer)
                out.append(new)
        return out

    def get_article(self, article_id):
        rows = self._q(f"SELECT {', '.join(_COLS)} FROM articles WHERE id=%s", (article_id,))
        return _row(rows[0]) if rows else None

    def find_articles(self, prefix):
        return [r[0] for r in self._q("SELECT id FROM articles WHERE id LIKE %s ORDER BY seq",
                                      (prefix.replace("%", "") + "%",))]

    def iter_articles(self, ids=None):
        if ids is None:
            last = 0
            while True:
                rows = self._q(f"SELECT seq, {', '.join(_COLS)} FROM articles WHERE seq > %s ORDER BY seq LIMIT 500",
                               (last,))
                if not rows:
                    return
                for r in rows:
                    yield _row(r[1:])
                last = rows[-1][0]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            by_id = {r[0]: r for r in self._q(f"SELECT {', '.join(_COLS)} FROM articles WHERE id = ANY(%s)", (chunk,))}
            for aid in chunk:
                if aid in by_id:
                    yield _row(by_id[aid])

    def count_articles(self):
        return self._q("SELECT count(*) FROM articles")[0][0]

    def update_published(self, article_id, published, source):
        with self.db.transaction():
            self.db.execute("UPDATE articles SET published=%s, published_source=%s WHERE id=%s",
                            (published, source, article_id))

    # layers
    @staticmethod
    def _put_layer(cur, aid, layer: Layer):
        cur.execute("INSERT INTO layers (article_id, name, version, spans) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (article_id, name) DO UPDATE SET version=excluded.version, spans=excluded.spans",
                    (aid, layer.name, layer.version, json.dumps([s.to_dict() for s in layer.spans])))

    def put_layers(self, article_id, layers):
        with self.db.transaction():
            cur = self.db.cursor()
            for layer in layers:
                self._put_layer(cur, article_id, layer)

    def get_layers(self, article_id, names=None):
        wanted = set(names) if names is not None else None
        return {n: Layer.from_dict({"name": n, "version": v, "spans": json.loads(s)})
                for n, v, s in self._q("SELECT name, version, spans FROM layers WHERE article_id=%s", (article_id,))
                if wanted is None or n in wanted}

    def layer_versions(self, article_ids):
        out = {a: {} for a in article_ids}
        for aid, name, ver in self._q("SELECT article_id, name, version FROM layers WHERE article_id = ANY(%s)",
                                      (list(article_ids),)):
            out[aid][name] = ver
        return out

    # stories, findings, state
    def replace_stories(self, stories):
        with self.db.transaction():
            cur = self.db.cursor()
            cur.execute("DELETE FROM story_articles")
            cur.execute("DELETE FROM stories")
            for i, s in enumerate(stories):
                cur.execute("INSERT INTO stories (id, title, data, ord) VALUES (%s, %s, %s, %s)",
                            (s["id"], s.get("title", ""), json.dumps(s), i))
                cur.executemany("INSERT INTO story_articles (story_id, article_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                [(s["id"], a) for a in s["article_ids"]])

    def stories(self):
        return [json.loads(r[0]) for r in self._q("SELECT data FROM stories ORDER BY ord")]

    def get_story(self, story_id):
        rows = self._q("SELECT data FROM stories WHERE id=%s", (story_id,))
        return json.loads(rows[0][0]) if rows else None

    def put_findings(self, story_id, key, data):
        with self.db.transaction():
            self.db.execute("DELETE FROM findings WHERE story_id=%s", (story_id,))
            self.db.execute("INSERT INTO findings (story_id, key, data) VALUES (%s, %s, %s)",
                            (story_id, key, json.dumps(data)))

    def get_findings(self, story_id, key):
        rows = self._q("SELECT data FROM findings WHERE story_id=%s AND key=%s", (story_id, key))
        return json.loads(rows[0][0]) if rows else None

    def put_state(self, name, data):
        with self.db.transaction():
            self.db.execute("INSERT INTO state (name, data) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET data=excluded.data",
                            (name, json.dumps(data)))

    def get_state(self, name):
        rows = self._q("SELECT data FROM state WHERE name=%s", (name,))
        return json.loads(rows[0][0]) if rows else None

    def delete_state(self, name):
        with self.db.transaction():
            self.db.execute("DELETE FROM state WHERE name=%s", (name,))

    def put_grouping(self, rows: GroupingRows) -> None:
        with self.db.transaction():
            with self.db.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(7152)")       # one grouping writer at a time
                cur.execute("SELECT data FROM grouping_globals WHERE name='meta'")
                row = cur.fetchone()
                check_expected(row[0] if row else None, rows)
                for sql, params in grouping_writes(rows, "%s"):
                    cur.executemany(sql, params)

    def get_grouping(self) -> GroupingRows:
        with self.db.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")   # one snapshot of all four
            return grouping_rows([self.db.execute(q).fetchall() for q in GROUPING_READS])

    def grouping_global(self, name):
        rows = self._q("SELECT data FROM grouping_globals WHERE name=%s", (name,))
        return bytes(rows[0][0]) if rows else None

    def story_alias(self, story_id):
        rows = self._q("SELECT new_id FROM story_aliases WHERE old_id=%s", (story_id,))
        return rows[0][0] if rows else None

    def get_parses(self, model, article_ids):
        if not article_ids:
            return {}
        rows = self._q("SELECT article_id, data FROM parses WHERE model=%s AND article_id = ANY(%s)",
                       (model, list(article_ids)))
        return {k: bytes(v) for k, v in rows}

    def put_parses(self, model, items):
        with self.db.transaction():
            with self.db.cursor() as cur:
                cur.executemany("INSERT INTO parses (article_id, model, data) VALUES (%s, %s, %s) "
                                "ON CONFLICT (article_id, model) DO UPDATE SET data=excluded.data",
                                [(a, model, d) for a, d in items])

    def get_vectors(self, model, keys):
        if not keys:
            return {}
        rows = self._q("SELECT key, vec FROM vectors WHERE model=%s AND key = ANY(%s)", (model, list(keys)))
        return {k: bytes(v) for k, v in rows}

    def put_vectors(self, model, items):
        with self.db.transaction():
            with self.db.cursor() as cur:
                cur.executemany("INSERT INTO vectors (model, key, vec) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                                [(model, k, v) for k, v in items])

    # outlets
    def put_outlets(self, entries, replace=False):
        sql = outlet_upsert_sql("%s")
        with self.db.transaction():
            cur = self.db.cursor()
            if replace:
                cur.execute("DELETE FROM outlets")
            cur.executemany(sql, [outlet_row(e) for e in entries])

    def outlets(self):
        rows = self._q(f"SELECT {', '.join(OUTLET_COLS)} FROM outlets ORDER BY name, pattern")
        return [outlet_entry(r) for r in rows]

    def search(self, query, limit=20):
        terms = [t for t in "".join(c if c.isalnum() else " " for c in query).split() if t]
        if not terms:
            return []
        rows = self._q(
            "SELECT id, title, outlet, ts_headline('english', text, q, 'StartSel=[,StopSel=],MaxWords=16,MinWords=8') "
            "FROM articles, plainto_tsquery('english', %s) q WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT %s",
            (" ".join(terms), limit))
        return [{"id": r[0], "title": r[1], "outlet": r[2], "snippet": r[3]} for r in rows]

    def close(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed:
            conn.close()

    def drop_all(self):
        """Remove every table (tests use a fresh database)."""
        with self.db.transaction():
            for t in ("grouping_globals", "grouping_stories", "grouping_members", "grouping_counts", "story_aliases",
                      "articles_fts", "outlets", "story_articles", "stories", "findings", "state", "layers", "vectors", "parses", "articles",
                      "schema_version"):
                self.db.execute(f"DROP TABLE IF EXISTS {t} CASCADE")
