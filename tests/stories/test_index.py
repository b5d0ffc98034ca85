"""The day index of candidate search (``index.Spans``): the candidates it gives are those the scan over all
stories gives (``Scoring._candidates``) while the inverted-file index is not trained."""
from __future__ import annotations

import numpy as np

from storyscope.stories.cluster import OnlineClusterer, featurize
from storyscope.stories.index import Spans
from storyscope.stories.scoring import Scoring


def _stream(n: int = 400) -> list[dict]:
    """Made-up articles over six years: 80 topics (a vector and a word each), some undated, some
    stating a day years before their own."""
    rng = np.random.default_rng(5)
    topics = rng.normal(size=(80, 384))
    items = []
    for i in range(n):
        t = int(rng.integers(80))
        day = 738000 + int(rng.integers(0, 6 * 365))
        pub = None if i % 9 == 0 else str(np.datetime64("0001-01-01") + np.timedelta64(day - 1, "D"))
        said = " It recalled March 7, 2019." if i % 7 == 0 else ""
        items.append({"id": f"x{i}", "title": f"qz{t} report", "text": f"qz{t} council met.{said}", "outlet": "Orlen Courier",
                      "published": pub, "vector": (topics[t] + rng.normal(scale=0.4, size=384)).tolist()})
    return items


def test_day_index_gives_the_candidates_of_the_full_scan():
    items = _stream()
    oc = OnlineClusterer()
    for it, f in zip(items, featurize(items)):
        got, want = oc._candidates(f), Scoring._candidates(oc, f)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
        oc.add(it, f)
    assert len(oc.groups()) > 40 and oc._ivf is None


def test_spans_keep_long_undated_and_dead_stories_apart():
    sp = Spans(width=16, long=100)
    sp.set(0, 1000.0, 1010.0)
    sp.set(1, 500.0, 1500.0)                  # long: always looked at
    sp.set(2, float("nan"), float("nan"))     # undated: always a candidate
    sp.set(3, 5000.0, 5001.0)
    assert sp.near(1020, 1030, 60).tolist() == [0, 1, 2]
    sp.set(0, np.inf, np.inf, alive=False)    # merged away
    sp.set(3, 1040.0, 1041.0)                 # moved by a join
    assert sp.near(1020, 1030, 60).tolist() == [1, 2, 3]
    assert sp.near(0, 10 ** 6, 60) is None    # days too far apart: the caller scans everything
