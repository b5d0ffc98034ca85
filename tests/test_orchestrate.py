"""The one path ingest -> read -> group -> compare (``orchestrate.Orchestrator``) and its hooks."""
from __future__ import annotations

import os

import pytest

from storyscope.orchestrate import PHASES, Orchestrator, Progress
from storyscope.workspace import Workspace

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples", "corpus")


class _Record(Progress):
    """A progress hook that keeps what it was told."""

    def __init__(self):
        self.events: list[tuple] = []

    def start(self, phase, total):
        self.events.append(("start", phase, total))

    def advance(self, n=1):
        self.events.append(("advance", n))

    def end(self, phase):
        self.events.append(("end", phase))

    def advanced_in(self, phase: str) -> int:
        i = self.events.index(next(e for e in self.events if e[:2] == ("start", phase)))
        j = self.events.index(("end", phase))
        return sum(e[1] for e in self.events[i:j] if e[0] == "advance")


@pytest.mark.slow
def test_one_run_tells_every_phase_and_compares_only_the_chosen_story(tmp_path):
    rec, errs = _Record(), []
    with Workspace(str(tmp_path / "o.db")) as ws:
        res = Orchestrator(ws, on_error=errs.append, progress=rec).run(
            [EXAMPLES], compare=lambda stories: [stories[0]["id"]])
        n = ws.store.count_articles()
        assert [e[1] for e in rec.events if e[0] == "start"] == list(PHASES)
        assert ("start", "reading", n) in rec.events and rec.advanced_in("reading") == n
        assert ("start", "comparing", 1) in rec.events and rec.advanced_in("comparing") == 1
        assert sorted(res.input_ids) == sorted(a.id for a in ws.articles()) and not ws.unread(res.input_ids)
        assert res.stories == ws.stories() and len(res.stories) >= 2
        first, second = res.stories[0]["id"], res.stories[1]["id"]
        assert list(res.findings) == [first] and res.failed == set() and errs == []
        assert ws.compared(first) and not ws.compared(second)
        assert set(res.timing) >= {"ingest", "read", "group", "compare"}
        # the same inputs again: nothing new to store, every layer current, the story's findings from the store
        again = Orchestrator(ws).run([EXAMPLES], read="inputs", compare=[first])
        assert again.ingest.added == [] and sorted(again.input_ids) == sorted(res.input_ids)
        assert again.findings[first] == res.findings[first]


def test_nothing_chosen_runs_no_phase_after_grouping(tmp_path):
    rec = _Record()
    with Workspace(str(tmp_path / "e.db")) as ws:
        res = Orchestrator(ws, progress=rec).run(read=False, group=False)
    assert rec.events == [] and res.stories == [] and res.findings == {} and res.ingest is None
