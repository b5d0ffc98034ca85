"""The project's own example corpus (examples/corpus, fictional) must group into its gold stories.

The main story mixes news reports with features written from other angles (a town counting its
dead, a look back at ignored warnings); they share actors, days and topic with the reports but
little wording, which is what online assignment alone used to split off.
"""
from __future__ import annotations

import json
import pathlib
import random

import pytest

from storyscope.evaluate.gold import article_key
from storyscope.stories.cluster import OnlineClusterer, article_item, cluster_batch, featurize
from storyscope.workspace import Workspace

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _gold() -> list[list[str]]:
    stories = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))["stories"]
    return sorted(sorted(v) for v in stories.values())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = Workspace(str(tmp_path_factory.mktemp("examples") / "store.db"))
    report = ws.ingest([str(EXAMPLES / "corpus")])
    assert len(report.added) == 9 and not report.errors
    ws.analyze()
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def items(workspace):
    """Clustering items as ``Workspace.group`` builds them (``article_item``: actor, place and year keys
    from the reading layers), with the gold keys."""
    out = []
    for art in workspace.articles():
        key = article_key({"path": art.path, "url": art.url})
        assert key is not None, (art.path, art.url)
        out.append(dict(article_item(art, workspace.layers(art.id)), key=key))
    return out


def _keys(groups, items) -> list[list[str]]:
    key = {it["id"]: it["key"] for it in items}
    return sorted(sorted(key[a] for a in g) for g in groups)


def test_workspace_groups_the_gold_stories(workspace, items):
    stories = workspace.group(rebuild=True)
    assert _keys([s["article_ids"] for s in stories], items) == _gold()
    assert workspace.group() == stories            # nothing new: the saved state gives the same stories


def test_online_in_any_arrival_order(items, same_state):
    feats = featurize(items)
    for seed in range(6):
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)
        oc = OnlineClusterer()
        for i in order:
            oc.add(items[i], feats[i])
        assert _keys(oc.groups(), items) == _gold(), seed
        assert sorted(oc.article_ids()) == sorted(it["id"] for it in items)
        # merged stories leave tombstones: the state must round-trip them, and a re-add is a no-op
        restored = OnlineClusterer.from_rows(oc.changed_rows(everything=True))
        assert restored.stories() == oc.stories()
        assert same_state(restored, oc)
        assert restored.add(items[order[0]]) == oc.story_of(items[order[0]]["id"])


def test_batch_with_and_without_actor_keys(items):
    assert _keys(cluster_batch(items), items) == _gold()
    bare = [dict(it, actors=None) for it in items]       # names found by the regex instead
    assert _keys(cluster_batch(bare), items) == _gold()
