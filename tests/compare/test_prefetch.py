"""Comparison steps declare the texts they embed; ``registry.Prefetch`` embeds them in one call ahead.

Exact by construction (a vector depends on its text only), so the findings with and without the
prefetch must be identical, and the prefetch must cut the number of MiniLM calls that compute."""
from __future__ import annotations

import json
import os

import pytest

from storyscope.workspace import Workspace

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "corpus")


@pytest.fixture(scope="module")
def story_inputs(tmp_path_factory):
    """The example corpus read and grouped; the comparison inputs of its stories of 2+ articles."""
    ws = Workspace(str(tmp_path_factory.mktemp("prefetch") / "t.db"))
    ws.ingest([EXAMPLES])
    ws.analyze()
    ws.group()
    out = [ws.comparison_inputs(s["id"])[:3] for s in ws.stories() if len(s["article_ids"]) >= 2]
    ws.close()
    assert out
    return out


def _compare_all(story_inputs) -> str:
    from storyscope.dossier.build import compare_story
    from storyscope.services import embedder
    found = []
    for story, arts, layers in story_inputs:
        embedder("minilm").cache.clear()
        res = compare_story(story, arts, layers)
        res.pop("timings")
        found.append(res)
    return json.dumps(found, sort_keys=True, default=str)


def test_prefetch_gives_the_same_findings_in_fewer_model_calls(story_inputs, monkeypatch):
    from storyscope.compare import registry
    from storyscope.services import embedder
    minilm = embedder("minilm")
    calls: list[int] = []
    compute = minilm._compute
    monkeypatch.setattr(minilm, "_compute", lambda canon, bs: (calls.append(len(canon)), compute(canon, bs))[1])
    with_prefetch = _compare_all(story_inputs)
    n_with, texts_with = len(calls), sum(calls)
    calls.clear()
    monkeypatch.setattr(registry.Prefetch, "before", lambda self, bundle, results: None)
    without = _compare_all(story_inputs)
    assert with_prefetch == without
    assert n_with < len(calls)
    assert texts_with <= sum(calls) * 1.05  # the declarations add (almost) no text the steps do not embed


def test_a_one_article_story_embeds_none_of_its_quotes(story_inputs, monkeypatch):
    """Renderings of one article never group with each other, so a story of one article embeds no quote
    rendering or context (neither ahead nor in ``group_quotes``), nor framing's sentences (aligned across
    articles only)."""
    import sys

    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.steps import _quote_texts
    from storyscope.dossier.build import compare_story
    from storyscope.stages import embed as E
    story, arts, layers = story_inputs[0]
    art = next(a for a in arts if len(layers[a.id].get("quotes", [])) >= 2)
    callers: list[str] = []
    embed = E.embed
    monkeypatch.setattr(E, "embed", lambda texts, batch_size=32: (
        callers.append(sys._getframe(1).f_globals["__name__"]), embed(texts, batch_size))[1])
    res = compare_story({"id": art.id, "article_ids": [art.id], "title": ""}, [art], {art.id: layers[art.id]})
    assert res["quotes"] and callers
    assert not {"storyscope.compare.quote_integrity", "storyscope.compare.provenance"} & set(callers)
    assert _quote_texts(StoryBundle([art], {art.id: layers[art.id]}), {}) == []
