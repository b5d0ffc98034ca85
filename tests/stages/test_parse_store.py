"""Parses are stored at read time, so comparing a story later (another process) never re-parses."""
from __future__ import annotations

import os

from storyscope.stages import nlp
from storyscope.workspace import Workspace

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "corpus")


class _NoParse:
    """Stands in for the spaCy pipeline: restoring a stored parse needs the vocab; parsing fails the test."""

    def __init__(self, real):
        self.vocab = real.vocab

    def __call__(self, text):
        raise AssertionError("an article was parsed again")


def test_comparison_restores_parses_instead_of_parsing(tmp_path, monkeypatch):
    with Workspace(str(tmp_path / "p.db")) as ws:
        ws.ingest([EXAMPLES])
        ws.analyze()
        stories = ws.group()
        ids = [a.id for a in ws.articles()]
        assert set(ws.store.get_parses(nlp.parse_key(), ids)) == set(ids)
        first = {s["id"]: ws.findings(s["id"]) for s in stories}
        # a new process: empty parse cache, no pipeline to parse with, findings recomputed from the store
        cache = ws.services.parse_cache
        monkeypatch.setattr(cache, "_docs", type(cache._docs)())
        monkeypatch.setattr(cache, "_nlp", _NoParse(cache.nlp()))
        from storyscope.dossier.build import compare_story
        story, arts, layers, _ = ws.comparison_inputs(stories[0]["id"])
        ws.services.restore_parses(arts)
        again = compare_story(story, arts, layers)
        assert [c["text"] for c in again["claims"]] == [c["text"] for c in first[stories[0]["id"]]["claims"]]
        assert len(again["quotes"]) == len(first[stories[0]["id"]]["quotes"])
