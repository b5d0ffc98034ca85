"""Story split ("one is two"), on fictional articles with given vectors.

A vague first report of a bridge collapse (a1) opens a story; a report of another town's bridge
collapse (b1, Tarsk) joins it while it is thin; then the Orlen reports (a2-a8) arrive, all about
a1's event and further from b1. Once the story has grown, b1 no longer links to the rest under the
clusterer's own pair model: it becomes a story of its own, the larger part keeps the id, and the
store follows (the kept story's findings dropped, the new story shown, the rows reload the same).
"""
from __future__ import annotations

import numpy as np

from storyscope.record import Article
from storyscope.stories.cluster import OnlineClusterer
from storyscope.store.sqlite import SQLiteStore
from storyscope.workspace import Workspace

_RIVER = "Rescue teams searched the river."
_ORLEN = [
    ("Orlen bridge collapse: mayor Petr Halvard orders inquiry", "Orlen mayor Petr Halvard ordered an inquiry after "
     "the Orlen river bridge collapsed. Halvard said Orlen engineers had warned of cracks.", "Orlen Courier"),
    ("Halvard: Orlen bridge had failed inspection", "Petr Halvard, the mayor of Orlen, said the Orlen bridge failed "
     "an inspection in March.", "Daily Meridian"),
    ("Orlen mourns after bridge collapse", "Residents of Orlen laid flowers by the river; mayor Petr Halvard "
     "thanked the divers.", "Northwire"),
    ("Orlen engineers warned of cracks in bridge", "Engineers in Orlen had warned mayor Petr Halvard about cracks "
     "in the Orlen bridge piers.", "Kestrel Post"),
    ("Divers recover car from Orlen river", "Police divers in Orlen recovered a car from the river below the fallen "
     "bridge, Petr Halvard said.", "Daily Meridian"),
    ("Orlen ferry to replace bridge", "A ferry will carry Orlen commuters across the river until the bridge is "
     "rebuilt, mayor Petr Halvard said.", "Northwire"),
    ("Orlen bridge inquiry to report in June", "The inquiry ordered by Petr Halvard into the Orlen bridge will "
     "report in June, council staff said.", "Orlen Courier"),
]


def _vec(x: float, y: float = 0.0, z: float = 0.0) -> list[float]:
    v = np.zeros(384)
    v[:3] = x, y, z
    return (v / np.linalg.norm(v)).tolist()


def _items(with_tarsk: bool = True) -> list[dict]:
    """a1 (vague), b1 (Tarsk, cosine 0.68 with a1), a2-a8 (Orlen, cosine 0.82 with a1, further from b1)."""
    out = [{"id": "a1", "title": "Bridge collapses in storm", "outlet": "Northwire",
            "text": "A road bridge collapsed during a storm on Tuesday night. " + _RIVER, "vector": _vec(1)}]
    if with_tarsk:
        out.append({"id": "b1", "title": "Bridge collapses in storm in Tarsk", "outlet": "Kestrel Post",
                    "text": "The Velin bridge in Tarsk collapsed in a storm, mayor Ilse Brandvik said. " + _RIVER,
                    "vector": _vec(0.68, 0.733)})
    out += [{"id": f"a{i}", "title": t, "text": x + " " + _RIVER, "outlet": o, "vector": _vec(0.82, 0, -0.572)}
            for i, (t, x, o) in enumerate(_ORLEN, 2)]
    return [dict(it, published="2031-05-06") for it in out]


def _split_calls(oc: OnlineClusterer) -> list:
    calls = []
    real = oc._split

    def spy(s, parts):
        calls.append((oc._stories[s].id, parts))
        real(s, parts)
    oc._split = spy
    return calls


def test_a_story_that_becomes_two_is_split_and_the_larger_part_keeps_its_id():
    items = _items()
    oc = OnlineClusterer()
    calls = _split_calls(oc)
    assert {oc.add(it) for it in items[:5]} == {"s-a1"}          # b1 joined a1 while the story was thin
    for it in items[5:]:
        oc.add(it)
    assert calls and calls[0][0] == "s-a1"
    assert sorted(oc.groups()) == sorted([["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"], ["b1"]])
    assert oc.story_of("a1") == "s-a1" and oc.story_of("b1") == "s-b1"
    assert oc.add(items[1]) == "s-b1"                           # idempotent: an article is never added twice
    assert sum(len(g) for g in oc.groups()) == len(items)       # nothing lost or duplicated


def test_a_stable_story_is_never_split():
    oc = OnlineClusterer()
    calls = _split_calls(oc)
    for it in _items(with_tarsk=False):
        oc.add(it)
    assert oc.groups() == [["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"]] and not calls


def test_the_store_follows_a_split_and_the_dossier_is_recomputed(tmp_path, same_state):
    items = _items()
    ws = Workspace(str(tmp_path / "s.db"))
    arts = {it["id"]: Article.create(it["text"], title=it["title"], outlet=it["outlet"], published=it["published"])
            for it in items}
    ws.store.add_articles([(a, []) for a in arts.values()])
    by_id = [dict(it, id=arts[it["id"]].id) for it in items]
    oc = OnlineClusterer()
    for it in by_id[:5]:
        oc.add(it)
    ws.store.put_grouping(oc.changed_rows(everything=True))
    whole, = ws.stories()
    key = ws.comparison_inputs(whole["id"])[3]
    ws.store.put_findings(whole["id"], key, {"marker": 1})      # a marker stands for the computed findings
    assert ws.compared(whole["id"])
    for it in by_id[5:]:
        oc.add(it)
    ws.store.put_grouping(oc.changed_rows())
    kept, new = sorted(ws.stories(), key=lambda s: -len(s["article_ids"]))
    assert kept["id"] == whole["id"] and new["article_ids"] == [arts["b1"].id]
    assert ws.store.get_findings(whole["id"], key) is None and not ws.compared(kept["id"])
    assert not ws.compared(new["id"]) and ws.story(new["id"]) == new
    assert sorted(a for s in ws.stories() for a in s["article_ids"]) == sorted(a.id for a in arts.values())
    assert not oc.changed_rows().stories                          # written once: nothing left to write
    back = OnlineClusterer.from_rows(ws.store.get_grouping())    # a new process reads the same grouping
    assert back.stories() == oc.stories() and same_state(back, oc)
    ws.close()


def test_features_are_kept_only_for_stories_that_can_still_be_split(tmp_path):
    from storyscope.stories.online import Params
    oc = OnlineClusterer(Params(split_max=4))
    for it in _items(with_tarsk=False):
        oc.add(it)
    assert not oc._feats                                          # the story outgrew split_max: let go
    store = SQLiteStore(str(tmp_path / "g.db"))
    store.put_grouping(oc.changed_rows(everything=True))
    assert not OnlineClusterer.from_rows(store.get_grouping())._feats
    store.close()
