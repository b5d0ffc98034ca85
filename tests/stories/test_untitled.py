"""Articles without a headline: lexical candidates and the run's-end second look (session 9).

Fictional bodies with given vectors, no headline, no date: three reports of a crane collapse at
Velin harbour (harbourmaster Edda Quist) and two of a choir festival in Tarsk. A later Velin
report, ``X``, is embedded from its body's first sentence alone; its vector is set near the
Tarsk reports (cosine 0.1 with the Velin ones), so by embedding the Tarsk story ranks first.
It shares its distinctive words (Velin, crane, counterweight, Quist) with the Velin story.
"""
from __future__ import annotations

import numpy as np

from storyscope.stories.cluster import OnlineClusterer
from storyscope.stories.features import featurize
from storyscope.stories.online import Params
from storyscope.stories.scoring import STORY_TOP, story_top
from storyscope.workspace import Workspace


def _vec(*xs: float) -> list[float]:
    v = np.zeros(384)
    v[:len(xs)] = xs
    return (v / np.linalg.norm(v)).tolist()


def _body(i: str, text: str, vector: list[float]) -> dict:
    return {"id": i, "title": "", "published": None, "outlet": "", "vector": vector, "text": text}


VELIN = [_body(f"v{i}", t, _vec(1, 0.05 * i)) for i, t in enumerate([
    "Dockworkers at Velin harbour watched as the Halloran gantry crane toppled onto the container quay on Sunday. "
    "Harbourmaster Edda Quist said the crane's counterweight failed.",
    "The Halloran crane that fell at Velin harbour had been inspected in spring, harbourmaster Edda Quist told "
    "reporters. Dockworkers were evacuated from the quay.",
    "Velin harbour stays closed after the Halloran gantry crane collapse; Edda Quist said the counterweight had "
    "failed and no dockworker was hurt.",
], 1)]
TARSK = [_body(f"t{i}", t, _vec(0, 1, 0.05 * i)) for i, t in enumerate([
    "The Tarsk youth choir won the spring festival with a programme of folk songs, conductor Ivo Marten said.",
    "Conductor Ivo Marten thanked the Tarsk youth choir's parents after the festival win in the town hall.",
], 1)]
_C = 0.1
X = _body("x", "Engineers will examine the counterweight of the crane that fell at Velin harbour, Edda Quist said.",
          _vec(_C, (1 - _C * _C) ** 0.5 * 0.3, 0, (1 - _C * _C) ** 0.5 * 0.954))


def _candidates(params: Params, article: dict) -> list[str]:
    oc = OnlineClusterer(params)
    for it in VELIN + TARSK:
        oc.add(it)
    return [oc._stories[i].id for i in oc._candidates(featurize([article])[0])[0]]


def test_an_untitled_article_gets_the_story_sharing_its_distinctive_words_as_a_candidate():
    assert _candidates(Params(k=1), X) == ["s-t1", "s-v1"]            # the embedding's best, then the lexical one
    assert _candidates(Params(k=1, lexical_k=0), X) == ["s-t1"]        # switched off
    titled = dict(X, title="Crane inquiry at Velin harbour")          # a headline: the embedding is trusted
    assert _candidates(Params(k=1), titled) == ["s-t1"]


def test_story_top_terms_are_the_most_used_and_reload_the_same(tmp_path):
    keys, tf = np.arange(40, dtype=np.int64), np.arange(40, dtype=float)
    assert sorted(story_top(keys, tf).tolist()) == list(range(40 - STORY_TOP, 40))
    assert story_top(keys[:3], tf[:3]).tolist() == [0, 1, 2] + [-1] * (STORY_TOP - 3)
    oc = OnlineClusterer()
    for it in VELIN + TARSK:
        oc.add(it)
    with Workspace(str(tmp_path / "w.db")) as ws:
        ws.store.put_grouping(oc.changed_rows(everything=True))
        back = OnlineClusterer.from_rows(ws.store.get_grouping())
    n = len(oc._stories)
    assert np.array_equal(back._top[:n], oc._top[:n]) and (oc._top[:n] >= 0).any()


def _run_with_x(params: Params, grow: bool) -> tuple[OnlineClusterer, int]:
    """v1 and t1, then X (P 0.21 with v1: below the join threshold, above the floor), then, if
    ``grow``, t2 joins the Tarsk story; the run ends."""
    oc = OnlineClusterer(params)
    for it in [VELIN[0], TARSK[0], X] + (TARSK[1:] if grow else []):
        oc.add(it)
    assert oc.story_of("x") == "s-x"
    return oc, oc.relink()


def test_an_untitled_lone_article_is_scored_against_all_its_candidates_once_one_has_grown():
    oc, joined = _run_with_x(Params(), grow=True)
    assert joined == 1 and oc.story_of("x") == "s-v1"       # v1 did not grow, but t1 did: all are scored
    oc, joined = _run_with_x(Params(relink_untitled=0.25), grow=True)
    assert joined == 0 and oc.story_of("x") == "s-x"        # 0.21 is below this threshold
    oc, joined = _run_with_x(Params(), grow=False)
    assert joined == 0 and oc.story_of("x") == "s-x"        # nothing grew since it arrived: a run of one changes nothing
