"""Story clustering on fictional articles (written for this test), the seeds, and the index path."""
from __future__ import annotations

import json
import pathlib
import random
from datetime import date

import numpy as np
import pytest

from storyscope.stories.cluster import (OnlineClusterer, Params, cluster_batch, featurize,
                                        mentioned_days, names)
from storyscope.stories.titles import story_title

SEEDS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

BRIDGE = [
    ("b1", "Norvale harbour bridge closed after cracks found in main span",
     "Engineers closed the Norvale harbour bridge on Tuesday after inspectors found deep cracks in its main steel span. "
     "Harbour master Ilse Brandvik said ferries would carry commuters across the bay until repairs begin. "
     "The bridge carries forty thousand cars a day.", "Coast Ledger", "2031-05-06"),
    ("b2", "Ferries packed as Norvale bridge stays shut",
     "Commuters crowded onto extra ferries in Norvale on Wednesday, a day after cracks closed the harbour bridge. "
     "Ilse Brandvik, the harbour master, asked drivers to expect delays for weeks while engineers assess the steel span.",
     "Bay Courier", "2031-05-07"),
    ("b3", "Inspectors say Norvale bridge cracks were flagged two years ago",
     "Inspection reports show cracks in the Norvale harbour bridge span were noted two years before it was closed. "
     "The city engineer said the earlier cracks were judged minor. Harbour master Ilse Brandvik called for an inquiry.",
     "Norvale Times", "2031-05-09"),
]
BUDGET = [
    ("m1", "Mayor Tomas Okafor unveils school budget with teacher raises",
     "Mayor Tomas Okafor of Delmere presented a school budget on Monday that raises teacher pay by six percent "
     "and funds two new libraries. The council will vote on the plan next month.", "Delmere Post", "2031-05-05"),
    ("m2", "Delmere council members question Okafor's school spending plan",
     "Several Delmere council members said Mayor Tomas Okafor's school budget relies on optimistic tax forecasts. "
     "The proposal includes teacher raises and new libraries.", "Valley Herald", "2031-05-06"),
    ("m3", "Teachers union backs Okafor budget ahead of council vote",
     "The Delmere teachers union endorsed Mayor Tomas Okafor's school budget, saying the pay raise is overdue. "
     "The council vote on the budget is set for June.", "Delmere Post", "2031-05-08"),
]


def _items(rows):
    return [{"id": i, "title": t, "text": x, "outlet": o, "published": p} for i, t, x, o, p in rows]


@pytest.fixture(scope="module")
def six():
    items = _items(BRIDGE + BUDGET)
    return items, featurize(items)


def _as_sets(groups):
    return sorted(sorted(g) for g in groups)


def test_two_fictional_stories_separate(six):
    items, feats = six
    assert _as_sets(cluster_batch(items, features=feats)) == [["b1", "b2", "b3"], ["m1", "m2", "m3"]]
    oc = OnlineClusterer()
    sids = [oc.add(it, f) for it, f in zip(items, feats)]
    assert sids == ["s-b1"] * 3 + ["s-m1"] * 3          # ids come from the first article
    st = {s["id"]: s for s in oc.stories()}
    assert st["s-b1"]["outlets"] == ["Coast Ledger", "Bay Courier", "Norvale Times"]
    assert (st["s-b1"]["start"], st["s-b1"]["end"]) == ("2031-05-06", "2031-05-09")
    assert "Norvale" in st["s-b1"]["title"] and "Okafor" in st["s-m1"]["title"]


def test_same_names_a_year_apart_are_a_different_story(six):
    items, _ = six
    later = [dict(it, id=it["id"] + "-next", published=it["published"].replace("2031", "2032")) for it in items[3:]]
    # the same mayor, a new year's budget: identical wording, but a year later
    groups = _as_sets(cluster_batch(items[3:] + later))
    assert groups == [["m1", "m2", "m3"], ["m1-next", "m2-next", "m3-next"]]
    # without dates, nothing tells them apart
    undated = [dict(it, published=None) for it in items[3:] + later]
    assert len(cluster_batch(undated)) == 1


def test_dates_written_in_text_are_anchors():
    d = mentioned_days("The cable of March 7, 2022 and the vote in April 2022; a plan for May 2030.",
                       published=date(2022, 6, 1).toordinal())
    assert len(d) == 2                  # the 2030 date is after publication and is ignored
    assert names("Yesterday Ilse Brandvik met the Norvale Port Authority.")["ilse brandvik"] == 1


def test_order_does_not_change_batch_result(six):
    items, feats = six
    ref = cluster_batch(items, features=feats)
    for seed in range(3):
        idx = list(range(len(items)))
        random.Random(seed).shuffle(idx)
        assert cluster_batch([items[i] for i in idx], features=[feats[i] for i in idx]) == ref


def test_online_is_deterministic_and_state_round_trips(six, same_state):
    items, feats = six
    a, b = OnlineClusterer(), OnlineClusterer()
    for it, f in zip(items[:4], feats[:4]):
        a.add(it, f)
        b.add(it, f)
    c = OnlineClusterer.from_rows(a.changed_rows(everything=True))
    assert c.stories() == a.stories() == b.stories()
    assert same_state(c, a)
    for it, f in zip(items[4:], feats[4:]):
        assert c.add(it, f) == a.add(it, f) == "s-m1"
    assert c.add(items[0]) == "s-b1"    # an article already seen keeps its story


def test_story_title_is_central_and_order_free():
    heads = [{"id": "x", "title": "Bridge closed in Norvale", "published": "2031-05-06"},
             {"id": "y", "title": "Norvale bridge cracks: ferries packed", "published": "2031-05-07"},
             {"id": "z", "title": "Weather turns cold", "published": "2031-05-05"}]
    assert story_title(heads) == story_title(heads[::-1]) == "Bridge closed in Norvale"
    assert story_title([{"id": "q", "title": "", "text": "Short.\nA first real sentence of the body. More."}]) \
        == "A first real sentence of the body."


def test_story_title_prefers_a_headline_with_a_known_outlet():
    """An unsourced copy's headline, however central, does not name a story its sources cover."""
    heads = [{"id": "a", "title": "Norvale bridge closed", "published": "2031-05-06", "outlet": "Harbor Gazette"},
             {"id": "b", "title": "Norvale bridge closed over cracks", "published": None,
              "outlet": "unknown outlet (b1c2d3e4)"},     # as every shell names an article without an outlet
             {"id": "c", "title": "Cracks close Norvale bridge", "published": "2031-05-07", "outlet": "Valley Courier"}]
    assert story_title([dict(h, outlet="x") for h in heads]) == "Norvale bridge closed over cracks"  # most central
    assert story_title(heads) == "Norvale bridge closed"
    assert story_title(heads[1:2]) == heads[1]["title"]     # no sourced headline: the copy's still names it


def test_inverted_file_index_agrees_with_brute_force():
    """Many well-separated synthetic stories (given vectors): the IVF path must group as brute force."""
    rng = np.random.default_rng(7)
    centers = rng.normal(size=(300, 384))
    items = []
    for s, c in enumerate(centers):
        for j in range(3):
            v = c + rng.normal(scale=0.25, size=384)
            word = "zq" + "".join(chr(97 + int(d)) for d in f"{s:03d}")     # one made-up word per story
            items.append({"id": f"a{s:03d}-{j}", "title": "", "text": word, "outlet": "",
                          "published": None, "vector": v.tolist()})
    order = list(range(len(items)))
    random.Random(1).shuffle(order)
    stream = [items[i] for i in order]
    feats = featurize(stream)
    brute, ivf = OnlineClusterer(), OnlineClusterer(Params(ivf_min=64))
    for it, f in zip(stream, feats):
        brute.add(it, f)
        ivf.add(it, f)
    assert ivf._ivf is not None and brute._ivf is None
    assert _as_sets(ivf.groups()) == _as_sets(brute.groups())
    assert len(brute.groups()) == 300
    restored = OnlineClusterer.from_rows(ivf.changed_rows(everything=True))
    assert restored._ivf is not None and restored.stories() == ivf.stories()
    assert restored._ivf.where == ivf._ivf.where and np.array_equal(restored._ivf.coarse, ivf._ivf.coarse)


def _seed_items():
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not found: {SEEDS}")
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["articles"]
    items = []
    for f in sorted(SEEDS.glob("0*.txt")):
        lines = [l for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
        # title: the first line long enough to be a headline (004 starts with a page date, 003 with a section)
        title = next(l for l in lines if len(l.split()) >= 5 and not l.strip().startswith(("Friday", "Monday")))
        items.append({"id": f.stem, "title": title.strip(), "text": "\n".join(lines),
                      "outlet": f.stem[:3], "published": expected[f.stem[:3]]["published"]})
    return items


def test_five_seeds_form_one_story():
    items = _seed_items()
    assert len(items) == 5
    assert len(cluster_batch(items)) == 1
    for seed in range(3):                # online, in three arrival orders
        order = items[:]
        random.Random(seed).shuffle(order)
        oc = OnlineClusterer()
        oc.add_many(order)
        assert len(oc.stories()) == 1, [s["title"] for s in oc.stories()]
