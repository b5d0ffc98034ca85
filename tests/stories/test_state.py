"""The clusterer's state as incremental store rows: a write holds only what an article touched, and the
clusterer loaded from the store assigns later articles exactly as the one that never stopped."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from storyscope.stories.cluster import OnlineClusterer, Params, featurize
from storyscope.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def stream():
    """900 articles of 300 made-up stories (given vectors, one made-up word per story), in random order;
    every third story's articles are dated a year apart so dated and undated candidates mix."""
    rng = np.random.default_rng(11)
    items = []
    for s, c in enumerate(rng.normal(size=(300, 384))):
        for j in range(3):
            word = "zq" + "".join(chr(97 + int(d)) for d in f"{s:03d}")
            items.append({"id": f"a{s:03d}-{j}", "title": f"{word} report {j}", "text": f"{word} {word} council",
                          "outlet": f"Outlet {j}", "published": f"{2030 + j}-03-0{1 + s % 9}" if s % 3 == 0 else None,
                          "vector": (c + rng.normal(scale=0.3, size=384)).tolist()})
    order = list(range(len(items)))
    random.Random(2).shuffle(order)
    items = [items[i] for i in order]
    return items, featurize(items)


def _write_every(oc, store, pairs, every=37, first=False):
    out = []
    for i, (it, f) in enumerate(pairs):
        out.append(oc.add(it, f))
        if (i + 1) % every == 0:
            store.put_grouping(oc.changed_rows(everything=first))
            first = False
    store.put_grouping(oc.changed_rows(everything=first))
    return out


def test_loaded_clusterer_assigns_as_the_one_that_never_stopped(tmp_path, stream, same_state):
    items, feats = stream
    pairs = list(zip(items, feats))
    store = SQLiteStore(str(tmp_path / "g.db"))
    a = OnlineClusterer(Params(ivf_min=64))            # the index is trained (64, 256 stories) mid-stream
    _write_every(a, store, pairs[:450], first=True)
    b = OnlineClusterer.from_rows(store.get_grouping())
    assert a._ivf is not None and b._ivf.where == a._ivf.where
    assert b.stories() == a.stories() and store.stories() == a.stories()
    ref = [a.add(it, f) for it, f in pairs[450:]]
    assert _write_every(b, store, pairs[450:]) == ref      # b also writes its rows as it goes
    c = OnlineClusterer.from_rows(store.get_grouping())
    assert store.stories() == a.stories() == c.stories()
    assert same_state(c, a) and same_state(b, a)
    store.close()


def test_a_write_holds_only_what_the_article_touched(tmp_path, stream):
    items, feats = stream
    store = SQLiteStore(str(tmp_path / "g.db"))
    oc = OnlineClusterer(Params(ivf_min=64))
    _write_every(oc, store, list(zip(items[:600], feats[:600])), first=True)
    before = sum(len(d) for _, _, _, d in store.get_grouping().stories)
    sid = oc.add(items[600], feats[600])
    rows = oc.changed_rows()
    s = next(i for i, st in enumerate(oc._stories) if st.id == sid)
    assert [r[0] for r in rows.stories] == [s] and [m[0] for m in rows.members] == [items[600]["id"]]
    assert [n for n, _ in rows.globals] == ["meta"] and not rows.reset and not rows.counts_reset
    assert [x["id"] for _, x in rows.shown] == [sid] and not rows.gone
    written = sum(len(d) for _, _, _, d in rows.stories) + sum(len(d) for _, d in rows.counts)
    assert written < 0.02 * before                          # one story and a few counts, not the state
    store.put_grouping(rows)
    assert OnlineClusterer.from_rows(store.get_grouping()).story_of(items[600]["id"]) == sid
    assert not oc.changed_rows().stories                   # nothing new: only the meta row
    store.close()


def test_the_counts_log_is_compacted_into_a_snapshot(tmp_path, stream):
    items, feats = stream
    store = SQLiteStore(str(tmp_path / "g.db"))
    oc = OnlineClusterer()
    _write_every(oc, store, list(zip(items[:300], feats[:300])), every=1, first=True)
    counts = store.get_grouping().counts
    snapshot, log = len(counts[0][1]), sum(len(d) for _, d in counts[1:])
    assert 1 < len(counts) < 300 and log <= snapshot + max(len(d) for _, d in counts)
    back = OnlineClusterer.from_rows(store.get_grouping())
    assert np.array_equal(back.df, oc.df) and dict(back.ent_df) == dict(oc.ent_df)
    store.close()


def test_rows_of_another_version_or_incomplete_are_refused(tmp_path, stream):
    items, feats = stream
    oc = OnlineClusterer()
    for it, f in zip(items[:20], feats[:20]):
        oc.add(it, f)
    rows = oc.changed_rows(everything=True)
    meta = json.loads(dict(rows.globals)["meta"])
    old = [("meta", json.dumps({**meta, "version": "stories.v3"}).encode())]
    with pytest.raises(ValueError, match="stories.v3"):
        OnlineClusterer.from_rows(type(rows)(globals=old, stories=rows.stories, members=rows.members))
    with pytest.raises(ValueError, match="incomplete"):
        OnlineClusterer.from_rows(type(rows)(globals=rows.globals, stories=rows.stories[:-1], members=rows.members))


def test_a_write_over_another_writers_is_refused(tmp_path, stream):
    from storyscope import errors
    items, feats = stream
    store = SQLiteStore(str(tmp_path / "g.db"))
    _write_every(OnlineClusterer(), store, list(zip(items[:40], feats[:40])), first=True)
    a, b = (OnlineClusterer.from_rows(store.get_grouping()) for _ in range(2))
    a.add(items[40], feats[40])
    store.put_grouping(a.changed_rows())
    b.add(items[41], feats[41])
    with pytest.raises(errors.GroupingChanged):
        store.put_grouping(b.changed_rows())           # b read the state a has since replaced
    assert OnlineClusterer.from_rows(store.get_grouping()).article_ids() == a.article_ids()
    store.close()
