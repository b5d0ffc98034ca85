"""One contract for every Store: SQLite always, PostgreSQL when a server is configured.

Set STORYSCOPE_TEST_PG=postgresql://... to include PostgreSQL (``.ci/run`` starts a real server
and also sets STORYSCOPE_REQUIRE_PG=1, so CI cannot silently skip it).
"""
from __future__ import annotations

import os
import uuid

import pytest

from storyscope.record import Article, Layer, Span


def _pg_url():
    url = os.environ.get("STORYSCOPE_TEST_PG")
    if not url:
        if os.environ.get("STORYSCOPE_REQUIRE_PG"):
            pytest.fail("STORYSCOPE_REQUIRE_PG is set but STORYSCOPE_TEST_PG is not")
        pytest.skip("PostgreSQL not configured (set STORYSCOPE_TEST_PG=postgresql://...)")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        from storyscope.store.sqlite import SQLiteStore
        s = SQLiteStore(str(tmp_path / "c.db"))
    else:
        import psycopg
        base = _pg_url()
        name = "ss_" + uuid.uuid4().hex[:10]
        with psycopg.connect(base, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        from storyscope.store.postgres import PostgresStore
        s = PostgresStore(base.rsplit("/", 1)[0] + "/" + name)
    yield s
    s.close()
    if request.param == "postgres":
        import psycopg
        with psycopg.connect(_pg_url(), autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _art(n: int, **kw) -> Article:
    return Article.create(f"Headline {n}\n\nThe Orlen council met on day {n} and voted on the bridge.", title=f"Headline {n}",
                          outlet="Orlen Courier", **kw)


def test_add_is_idempotent_and_atomic(store):
    a, b = _art(1), _art(2)
    deb = Layer("debris", "detect.v1", [Span(0, 10, "nav")])
    assert store.add_articles([(a, [deb]), (b, [])]) == [True, True]
    assert store.add_articles([(a, [deb]), (_art(3), [])]) == [False, True]
    assert store.count_articles() == 3
    assert [x.id for x in store.iter_articles()] == [a.id, b.id, _art(3).id]
    got = store.get_article(a.id)
    assert got == a and got.text == a.text
    assert store.get_layers(a.id)["debris"].spans == deb.spans
    assert store.get_article("missing") is None


def test_layers_versions_and_replace(store):
    a = _art(1)
    store.add_articles([(a, [])])
    store.put_layers(a.id, [Layer("quotes", "quotes.v1", [Span(3, 9, "direct", {"speaker": [0, 2]})])])
    assert store.layer_versions([a.id]) == {a.id: {"quotes": "quotes.v1"}}
    store.put_layers(a.id, [Layer("quotes", "quotes.v2", [])])
    assert store.layer_versions([a.id])[a.id]["quotes"] == "quotes.v2"
    assert store.get_layers(a.id, ["quotes"])["quotes"].spans == []


def test_prefix_and_ids_order(store):
    arts = [_art(i) for i in range(5)]
    store.add_articles([(x, []) for x in arts])
    assert store.find_articles(arts[2].id[:10]) == [arts[2].id]
    ids = [arts[4].id, arts[0].id]
    assert [x.id for x in store.iter_articles(ids)] == ids


def test_stories_findings_state(store):
    arts = [_art(i) for i in range(3)]
    store.add_articles([(x, []) for x in arts])
    stories = [{"id": "s1", "title": "Bridge vote", "article_ids": [arts[0].id, arts[1].id]},
               {"id": "s2", "title": "Other", "article_ids": [arts[2].id]}]
    store.replace_stories(stories)
    assert store.stories() == stories and store.get_story("s2") == stories[1]
    store.replace_stories(stories[:1])
    assert store.get_story("s2") is None
    store.put_findings("s1", "k1", {"claims": [1]})
    assert store.get_findings("s1", "k1") == {"claims": [1]} and store.get_findings("s1", "k2") is None
    store.put_findings("s1", "k2", {"claims": [2]})
    assert store.get_findings("s1", "k1") is None
    store.put_state("clusterer", {"n": 1})
    store.put_state("clusterer", {"n": 2})
    assert store.get_state("clusterer") == {"n": 2} and store.get_state("none") is None


def test_search_and_published_update(store):
    a = _art(7)
    store.add_articles([(a, [])])
    hits = store.search("bridge Orlen")
    assert hits and hits[0]["id"] == a.id
    assert store.search("zeppelin") == [] and store.search("  ") == []
    store.update_published(a.id, "2025-01-01", "inferred")
    got = store.get_article(a.id)
    assert got.published == "2025-01-01" and got.published_source == "inferred" and got.text == a.text


def test_schema_version(store):
    assert store.schema_version() >= 1


def test_vectors_round_trip_and_first_write_wins(store):
    import numpy as np
    v1 = np.arange(384, dtype=np.float32).tobytes()
    v2 = np.ones(384, dtype=np.float32).tobytes()
    assert store.get_vectors("m", ["a", "b"]) == {}
    store.put_vectors("m", [("a", v1)])
    store.put_vectors("m", [("a", v2), ("b", v2)])  # "a" is kept, not overwritten or duplicated
    got = store.get_vectors("m", ["a", "b", "c"])
    assert got == {"a": v1, "b": v2}
    assert store.get_vectors("other-model", ["a"]) == {}
    many = [(f"k{i}", v2) for i in range(1200)]  # more keys than one SQLite statement may bind
    store.put_vectors("m", many)
    assert len(store.get_vectors("m", [k for k, _ in many])) == 1200
    assert store.schema_version() >= 2


def test_parses_round_trip_and_replace(store):
    store.put_parses("m@1", [("a1", b"one"), ("a2", b"two")])
    store.put_parses("m@1", [("a1", b"uno")])  # re-parsed: replaced, not duplicated
    assert store.get_parses("m@1", ["a1", "a2", "a3"]) == {"a1": b"uno", "a2": b"two"}
    assert store.get_parses("m@2", ["a1"]) == {} and store.get_parses("m@1", []) == {}
    assert store.schema_version() >= 3


def test_outlets_registry_upsert_replace_and_lists(store):
    nw = {"pattern": "northwire.example", "name": "Northwire", "country": "Valdoria", "owner": "Northwire Group",
          "wires": ["Kestrel Press Agency"], "aliases": ["NW", "Northwire News"]}
    vt = {"pattern": "example.org/valdoria-today/*", "name": "Valdoria Today", "country": "", "owner": "",
          "wires": [], "aliases": []}
    assert store.outlets() == []
    store.put_outlets([nw, vt])
    assert store.outlets() == [nw, vt]  # sorted by name; lists come back as lists
    store.put_outlets([{**nw, "country": "Nordvale", "aliases": []}])  # the same pattern: replaced, not added
    assert [(o["pattern"], o["country"], o["aliases"]) for o in store.outlets()] == [
        ("northwire.example", "Nordvale", []), ("example.org/valdoria-today/*", "", [])]
    store.put_outlets([vt], replace=True)
    assert store.outlets() == [vt]
    assert store.schema_version() >= 4


def test_a_version_3_sqlite_store_gains_the_outlets_table(tmp_path):
    """A store written before outlets existed opens, keeps its articles and takes an outlets file."""
    import sqlite3

    from storyscope.store.migrations import MIGRATIONS
    from storyscope.store.sqlite import SQLiteStore
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for version, sqlite_sql, _ in MIGRATIONS:
        if version <= 3:
            for stmt in sqlite_sql:
                db.execute(stmt)
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()
    s = SQLiteStore(str(path))
    s.add_articles([(_art(1), [])])
    s.put_outlets([{"pattern": "orlen.example", "name": "Orlen Courier"}])
    assert s.schema_version() >= 4 and s.count_articles() == 1
    assert s.outlets()[0]["name"] == "Orlen Courier" and s.outlets()[0]["wires"] == []
    s.close()


def test_grouping_rows_incremental_merge_alias_and_reset(store):
    from storyscope import errors
    from storyscope.store.base import GroupingRows
    arts = [_art(i) for i in range(3)]
    store.add_articles([(x, []) for x in arts])
    a, b, c = (x.id for x in arts)
    assert not store.get_grouping() and store.grouping_global("meta") is None
    s0 = {"id": "s-a", "title": "Bridge vote", "article_ids": [a]}
    s1 = {"id": "s-b", "title": "Other", "article_ids": [b]}
    store.put_grouping(GroupingRows(
        globals=[("meta", b'{"n": 1}'), ("ivf", b"\x00\x01")], stories=[(0, "s-a", -1, b"A"), (1, "s-b", -1, b"B")],
        members=[(a, 0, 0, '["Bridge vote"]'), (b, 1, 0, '["Other"]')], counts=[(0, b"snapshot")],
        shown=[(0, s0), (1, s1)], reset=True))
    store.put_findings("s-b", "k", {"claims": []})
    got = store.get_grouping()
    assert sorted(got.globals) == [("ivf", b"\x00\x01"), ("meta", b'{"n": 1}')]
    assert got.stories == [(0, "s-a", -1, b"A"), (1, "s-b", -1, b"B")]
    assert sorted(got.members) == sorted([(a, 0, 0, '["Bridge vote"]'), (b, 1, 0, '["Other"]')])
    assert got.counts == [(0, b"snapshot")]
    assert store.stories() == [s0, s1] and store.grouping_global("ivf") == b"\x00\x01"
    # a later step: c joins s-a, s-b is merged into it; only the touched rows are given
    merged = {"id": "s-a", "title": "Bridge vote", "article_ids": [a, c, b]}
    store.put_grouping(GroupingRows(
        globals=[("meta", b'{"n": 2}')], stories=[(0, "s-a", 3, b"AB"), (1, "s-b", -1, b"")], lists=[(1, 5)],
        members=[(c, 0, 1, '["c"]'), (b, 0, 2, '["Other"]')], cleared=[1], counts=[(1, b"delta")],
        shown=[(0, merged)], gone=[("s-b", "s-a")]))
    got = store.get_grouping()
    assert got.stories == [(0, "s-a", 3, b"AB"), (1, "s-b", 5, b"")]
    assert sorted(got.members) == sorted([(a, 0, 0, '["Bridge vote"]'), (c, 0, 1, '["c"]'), (b, 0, 2, '["Other"]')])
    assert got.counts == [(0, b"snapshot"), (1, b"delta")]
    assert store.stories() == [merged] and store.get_story("s-b") is None
    assert store.story_alias("s-b") == "s-a" and store.story_alias("s-a") is None
    assert store.get_findings("s-b", "k") is None        # a merged-away story's findings go with it
    with pytest.raises(errors.GroupingChanged):          # the writer expected a meta row another replaced
        store.put_grouping(GroupingRows(counts=[(9, b"lost")], expect=b'{"n": 1}'))
    store.put_grouping(GroupingRows(counts=[(2, b"compacted")], counts_reset=True, expect=b'{"n": 2}'))
    assert store.get_grouping().counts == [(2, b"compacted")] and store.stories() == [merged]
    store.put_grouping(GroupingRows(reset=True))
    assert not store.get_grouping() and store.stories() == [] and store.story_alias("s-b") is None
    store.put_state("clusterer", {"version": "stories.v3"})
    store.delete_state("clusterer")
    store.delete_state("clusterer")
    assert store.get_state("clusterer") is None and store.schema_version() >= 5


def test_grouping_split_moves_members_drops_findings_and_keeps_features(store):
    from storyscope.store.base import GroupingRows
    arts = [_art(i) for i in range(4)]
    store.add_articles([(x, []) for x in arts])
    a, b, c, d = (x.id for x in arts)
    whole = {"id": "s-a", "title": "Bridge vote", "article_ids": [a, b, c, d]}
    store.put_grouping(GroupingRows(
        globals=[("meta", b'{"n": 1}')], stories=[(0, "s-a", -1, b"ABCD")],
        members=[(x, 0, i, "[]") for i, x in enumerate((a, b, c, d))], shown=[(0, whole)],
        feats=[(x, x.encode()) for x in (a, b, c, d)], reset=True))
    store.put_findings("s-a", "k", {"claims": []})
    # one is two: b and d leave s-a for a new story s-b; s-a keeps its id, both lose their findings
    kept, new = {"id": "s-a", "title": "Bridge vote", "article_ids": [a, c]}, {"id": "s-b", "title": "x",
                                                                              "article_ids": [b, d]}
    split = GroupingRows(globals=[("meta", b'{"n": 2}')], stories=[(0, "s-a", -1, b"AC"), (1, "s-b", -1, b"BD")],
                         members=[(a, 0, 0, "[]"), (c, 0, 1, "[]"), (b, 1, 0, "[]"), (d, 1, 1, "[]")], cleared=[0],
                         shown=[(0, kept), (1, new)], dropped=["s-a"], expect=b'{"n": 1}')
    store.put_grouping(split)
    got = store.get_grouping()
    assert sorted(got.members) == sorted(split.members) and got.stories == split.stories
    assert sorted(got.feats) == sorted((x, x.encode()) for x in (a, b, c, d))    # written once, never moved
    assert store.stories() == [kept, new] and store.get_findings("s-a", "k") is None
    assert store.story_alias("s-b") is None and store.get_story("s-b") == new
    store.put_grouping(GroupingRows(reset=True))
    assert not store.get_grouping().feats and store.schema_version() >= 6
