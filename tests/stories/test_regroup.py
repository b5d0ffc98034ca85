"""Re-grouping through ``Workspace.group``: when a later article shows two stories are one, the store's
stories follow, the merged-away story's findings go, its id leads to the survivor, and the survivor's
dossier is recomputed (its findings key changed), never served stale.

The project's example corpus (fictional): in ingest order, the Selvane feature (002) opens its own
story beside the Korvath dam reports (000, 001) until the look back at ignored warnings (007) bridges them.
"""
from __future__ import annotations

import pathlib

from storyscope.workspace import Workspace

CORPUS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "corpus"


def _add(ws: Workspace, prefixes: list[str]) -> list[dict]:
    ws.ingest([str(p) for p in sorted(CORPUS.iterdir()) if p.name[:3] in prefixes])
    ws.analyze()
    return ws.group()


def test_a_bridging_article_merges_two_stories_and_their_dossiers_follow(tmp_path):
    ws = Workspace(str(tmp_path / "s.db"))
    before = _add(ws, ["000", "001", "002"])
    assert len(before) == 2
    keys = {}
    for s in before:       # both dossiers computed (a marker stands for the findings) and cached
        keys[s["id"]] = ws.comparison_inputs(s["id"])[3]
        ws.store.put_findings(s["id"], keys[s["id"]], {"marker": s["id"]})
        assert ws.compared(s["id"])
    after = _add(ws, ["007"])
    assert len(after) == 1 and ws.stories() == after
    survivor, = after
    gone, = [s["id"] for s in before if s["id"] != survivor["id"]]
    assert sorted(survivor["article_ids"]) == sorted(a.id for a in ws.articles())
    assert ws.story(gone) == survivor                         # the old id leads to the story it joined
    assert ws.store.get_findings(gone, keys[gone]) is None    # its findings went with it
    assert not ws.compared(survivor["id"])                    # the survivor's dossier is recomputed ...
    assert ws.store.get_findings(survivor["id"], ws.comparison_inputs(survivor["id"])[3]) is None
    # ... and a new process reads the same grouping from the store's rows
    with Workspace(str(tmp_path / "s.db")) as again:
        assert again.group() == after and again.story(gone)["id"] == survivor["id"]
    ws.close()


def test_an_old_json_state_is_regrouped_with_a_message(tmp_path, caplog):
    ws = Workspace(str(tmp_path / "s.db"))
    ws.ingest([str(CORPUS / "000_northwire_minister.txt")])
    ws.store.put_state("clusterer", {"version": "stories.v3", "stories": []})
    with caplog.at_level("WARNING", logger="storyscope"):
        stories = ws.group()
    assert [len(s["article_ids"]) for s in stories] == [1]
    assert "stories.v3" in caplog.text and "re-grouping the 1 stored articles" in caplog.text
    assert ws.store.get_state("clusterer") is None            # the blob is gone; rows replace it
    caplog.clear()
    with caplog.at_level("WARNING", logger="storyscope"):
        assert Workspace(str(tmp_path / "s.db")).group() == stories
    assert not caplog.text
    ws.close()
