"""The one path from inputs to findings: ingest, read, group, compare.

``Orchestrator(ws).run(...)`` is what ``storyscope analyze`` and ``storyscope batch`` (CLI), the web
app's background jobs (``web/jobs.py``), ``batch.run_batch`` (local or Ray) and
``Workspace.run_all`` do. The shells differ only in three hooks:

* ``progress``: a ``Progress`` told when each phase starts (with its size) and as work is done;
* ``reading``: where the reading stages run (``InProcessReading``: ``Workspace.analyze`` in this
  process; ``batch.RayReading``: Ray Data actors, layers stored by the driver);
* ``comparing``: where each story's comparison runs (``InProcessComparing``: ``Workspace.findings``;
  ``batch.RayComparing``: Ray actors, findings stored by the driver).

Grouping always runs here, on the store (``Workspace.group``). Every phase reports bad input and
failed stories through ``on_error`` and goes on with the rest.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from storyscope.errors import InputError
from storyscope.record import Article, Layer

PHASES = ("ingesting", "reading", "grouping", "comparing")
ReadInputs = Callable[[list[str], Callable[[InputError], None]], Iterator[tuple[Article, Layer]]]


class Progress:
    """What a shell is told as a run goes on; this base class shows nothing.

    ``start(phase, total)``: ``phase`` is one of ``PHASES``; ``total`` is the number of articles
    (reading) or stories (comparing) it will work on, None when unknown (ingesting, grouping).
    ``advance(n)``: ``n`` more of them are done. ``end(phase)``: the phase is over."""

    def start(self, phase: str, total: int | None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def end(self, phase: str) -> None:
        pass


class InProcessReading:
    """The reading stages in this process (``Workspace.analyze``: only stale layers recompute)."""

    def __init__(self, batch_size: int = 16):
        self.batch_size = batch_size

    def read(self, ws, ids: list[str] | None, on_error, advance: Callable[[int], None],
             timings: dict[str, float]) -> None:
        """Read the stored articles ``ids`` (None: all); stage seconds are added to ``timings``."""
        ws.analyze(ids, batch_size=self.batch_size, on_error=on_error, progress=advance, timings=timings)


class InProcessComparing:
    """Each story's comparison in this process, one after another (``Workspace.findings``, cached)."""

    def compare(self, ws, story_ids: list[str], on_error, advance: Callable[[int], None]) -> dict[str, dict | None]:
        """Findings per story id; None for a story whose failure was reported through ``on_error``."""
        out = {}
        for sid in story_ids:
            out[sid] = ws.findings_or_report(sid, on_error)
            advance(1)
        return out


@dataclass
class RunResult:
    """What a run did: the ingest report (None when nothing was ingested), the article ids its inputs
    held, the stories after grouping, the findings of each compared story (None: failed and reported),
    and seconds per phase (``ingest``, ``read``, ``group``, ``compare``, ``stage.<name>``)."""
    ingest: object = None
    input_ids: list[str] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    findings: dict[str, dict | None] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> set[str]:
        """Ids of the stories whose comparison failed."""
        return {sid for sid, f in self.findings.items() if f is None}


def _ignore(e: InputError) -> None:
    pass


@dataclass
class Orchestrator:
    """Ingest, read, group and compare over ``ws`` (a ``Workspace``), with the hooks above."""
    ws: object
    on_error: Callable[[InputError], None] = _ignore
    progress: Progress = field(default_factory=Progress)
    reading: object = field(default_factory=InProcessReading)
    comparing: object = field(default_factory=InProcessComparing)

    def run(self, inputs: Iterable[str] = (), *, read_inputs: ReadInputs | None = None, outlet: str | None = None,
            allow_private: bool = False, on_ingested: Callable[[object], None] | None = None,
            read: bool | str | list[str] = True, group: bool = True,
            compare: bool | list[str] | Callable[[list[dict]], list[str]] = False) -> RunResult:
        """Run the phases in order.

        ``inputs``: paths, globs, feeds or URLs to ingest first (``Workspace.ingest``; ``read_inputs``
        replaces the reader, e.g. Parquet or WARC); ``on_ingested(report)`` sees the report before
        reading and may raise to stop the run. ``read``: True reads every stored article, ``"inputs"``
        only the inputs' articles, a list those ids, False nothing. ``group``: assign articles to
        stories. ``compare``: False none, True every story, a list of story ids, or a function from
        the stories to the ids. Errors of single inputs, articles and stories go to ``on_error``."""
        ws, res, t = self.ws, RunResult(), self._timer
        inputs = list(inputs)
        if inputs:
            with t("ingesting", None, res, "ingest"):
                res.ingest = ws.ingest(inputs, on_error=self.on_error, outlet=outlet, allow_private=allow_private,
                                       read_inputs=read_inputs)
                res.input_ids = list(dict.fromkeys(res.ingest.added + res.ingest.existing))
            if on_ingested:
                on_ingested(res.ingest)
        ids = [] if read is False else res.input_ids if read == "inputs" else None if read is True else list(read)
        if ids is None or ids:
            with t("reading", ws.store.count_articles() if ids is None else len(ids), res, "read"):
                stage_t: dict[str, float] = {}
                self.reading.read(ws, ids, self.on_error, self.progress.advance, stage_t)
                res.timing.update({f"stage.{k}": v for k, v in stage_t.items()})
        if group:
            with t("grouping", None, res, "group"):
                res.stories = ws.group()
        else:
            res.stories = ws.stories()
        chosen = ([s["id"] for s in res.stories] if compare is True else [] if compare is False
                  else compare(res.stories) if callable(compare) else list(compare))
        if chosen:
            with t("comparing", len(chosen), res, "compare"):
                res.findings = self.comparing.compare(ws, chosen, self.on_error, self.progress.advance)
        return res

    def _timer(self, phase: str, total: int | None, res: RunResult, key: str):
        return _Phase(self.progress, phase, total, res.timing, key)


class _Phase:
    """Tells ``progress`` a phase starts and ends, and records its seconds under ``key``."""

    def __init__(self, progress: Progress, phase: str, total, timing: dict, key: str):
        self.progress, self.phase, self.total, self.timing, self.key = progress, phase, total, timing, key

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.progress.start(self.phase, self.total)

    def __exit__(self, *exc):
        self.timing[self.key] = time.perf_counter() - self.t0
        if exc[0] is None:
            self.progress.end(self.phase)
