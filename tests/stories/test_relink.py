"""Relink: a lone article of a run gets a second look when the run ends (``stories.relink``).

Fictional articles with given vectors (``test_split``'s Orlen bridge reports): a report on the
ferry that will replace the Orlen bridge (x1, embedding cosine 0.70 with the Orlen reports)
arrives when the Orlen story has two articles and opens a story of its own (below the join
threshold). The Orlen story then grows to eight; at the run's end x1 is scored again against
it and joins it. Arriving last, x1 has already been scored against the story as it stands, so
the run's end leaves it alone.
"""
from __future__ import annotations

from storyscope.record import Article
from storyscope.stories.cluster import OnlineClusterer
from storyscope.stories.online import Params
from storyscope.workspace import Workspace
from tests.stories.test_split import _items, _vec

_C = 0.70
X1 = {"id": "x1", "title": "Ferry service planned for river crossing", "outlet": "Kestrel Post",
      "published": "2031-05-06", "vector": _vec(0.82 * _C, (1 - _C * _C) ** 0.5, -0.572 * _C),
      "text": "Commuters will cross the river by ferry while the bridge is rebuilt, council staff in Orlen said."}


def _run(order: list[dict], params: Params | None = None) -> tuple[OnlineClusterer, int]:
    oc = OnlineClusterer(params)
    for it in order:
        oc.add(it)
    return oc, oc.relink()


def test_a_lone_article_joins_the_story_grown_around_its_event_when_the_run_ends():
    orlen = _items(with_tarsk=False)
    oc = OnlineClusterer()
    for it in orlen[:2] + [X1]:
        oc.add(it)
    assert oc.story_of("x1") == "s-x1"                     # thin story: below the join threshold
    for it in orlen[2:]:
        oc.add(it)
    assert oc.story_of("x1") == "s-x1"                     # the merge check did not take it either
    assert oc.relink() == 1
    assert oc.story_of("x1") == "s-a1" and len(oc.groups()) == 1
    assert oc.relink() == 0                                # the run is forgotten: nothing to look at again


def test_the_runs_end_leaves_a_lone_article_already_scored_against_the_grown_story():
    orlen = _items(with_tarsk=False)
    oc, joined = _run(orlen + [X1])
    assert joined == 0 and oc.story_of("x1") == "s-x1"
    oc, joined = _run(orlen[:2] + [X1] + orlen[2:], Params(relink_threshold=1.01))    # switched off
    assert joined == 0 and oc.story_of("x1") == "s-x1"


def test_the_store_follows_a_relink(tmp_path, same_state):
    items = _items(with_tarsk=False)
    items = items[:2] + [X1] + items[2:]
    ws = Workspace(str(tmp_path / "r.db"))
    arts = {it["id"]: Article.create(it["text"], title=it["title"], outlet=it["outlet"], published=it["published"])
            for it in items}
    ws.store.add_articles([(a, []) for a in arts.values()])
    oc = OnlineClusterer()
    for it in items:
        oc.add(dict(it, id=arts[it["id"]].id))
    ws.store.put_grouping(oc.changed_rows(everything=True))
    assert len(ws.stories()) == 2
    assert oc.relink() == 1                            # as ``Workspace.group`` ends its run
    ws.store.put_grouping(oc.changed_rows())
    story, = ws.stories()
    assert sorted(story["article_ids"]) == sorted(a.id for a in arts.values())
    assert story["id"] == "s-" + arts["a1"].id and ws.store.story_alias("s-" + arts["x1"].id) == story["id"]
    back = OnlineClusterer.from_rows(ws.store.get_grouping())    # a new process reads the same grouping
    assert back.stories() == oc.stories() and same_state(back, oc)
    ws.close()
