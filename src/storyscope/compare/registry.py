"""Comparison-step registry: the story-level counterpart of ``stages.registry``.

A step has a name, a version, the results it reads and the results it adds, and one function
``run(bundle, results) -> dict`` over a story bundle (``results`` holds what earlier steps added,
by name). ``run_steps`` drives the steps in dependency order; local runs, the web app and Ray
workers all reach it through ``dossier.build.compare_story``. Bump a step's version when its output
changes: every version is part of the findings cache key, so stored findings are then recomputed.

A step may also declare ``embeds(bundle, results) -> [text, ...]``: the texts it will ask MiniLM for,
computable once the results named in ``embeds_reads`` exist. ``Prefetch`` embeds the declared texts of
every step that has become ready in one call before the next step runs, so the steps find their
vectors cached: one story's texts in 2 calls instead of about 30 (27-31% less MiniLM CPU, issue 18).
Exact: a vector depends on its text only, never on what else shares its batch
(``stages.embed.token_batches``), so a declaration that misses texts or adds some costs CPU, never a
different finding.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from storyscope.compare.bundle import StoryBundle

StepFn = Callable[[StoryBundle, dict], dict]


@dataclass(frozen=True)
class Step:
    name: str                 # e.g. "disputes"
    version: str              # e.g. "disputes.v2"
    reads: tuple[str, ...]    # results of earlier steps it takes from ``results``
    adds: tuple[str, ...]     # result names it returns
    run: StepFn
    min_articles: int = 1     # below this many articles the step adds empty results
    phase: str = "main"       # "dates": runs before inferred publication dates are applied
    embeds: Callable[[StoryBundle, dict], list[str]] | None = None  # texts it will embed (``Prefetch``)
    embeds_reads: tuple[str, ...] = ()  # results ``embeds`` needs (default: ``reads``)


_STEPS: dict[str, Step] = {}


def comparison_step(name: str, version: str, reads: Sequence[str] = (), adds: Sequence[str] = (),
                    min_articles: int = 1, phase: str = "main", embeds=None, embeds_reads: Sequence[str] | None = None):
    """Decorator registering ``fn(bundle, results) -> {result name: value}`` as a comparison step;
    ``embeds``/``embeds_reads``: the texts it will embed, for ``Prefetch`` (module docstring)."""
    def deco(fn: StepFn) -> StepFn:
        _STEPS[name] = Step(name, version, tuple(reads), tuple(adds or (name,)), fn, min_articles, phase, embeds,
                            tuple(reads if embeds_reads is None else embeds_reads))
        return fn
    return deco


class Prefetch:
    """Embeds, in one MiniLM call (``stages.embed.embed``: cached, persisted with the store in use), the
    declared texts (``Step.embeds``) of every step of ``steps`` whose ``embeds_reads`` are in the results,
    each step once. ``texts`` counts the texts asked for (for benchmarks)."""

    def __init__(self, steps: list[Step]):
        self.pending = [s for s in steps if s.embeds is not None]
        self.texts = 0

    def before(self, bundle: StoryBundle, results: dict) -> None:
        """Call before running a step: embed the texts of the steps that became ready."""
        ready = [s for s in self.pending if set(s.embeds_reads) <= results.keys()]
        if not ready:
            return
        self.pending = [s for s in self.pending if s not in ready]
        texts = list(dict.fromkeys(t for s in ready if len(bundle.articles) >= s.min_articles
                                   for t in s.embeds(bundle, results) if t))
        if texts:
            from storyscope.stages.embed import embed
            embed(texts)
            self.texts += len(texts)


def ordered_steps(phase: str | None = None) -> list[Step]:
    """Registered steps in dependency order (a step after every step whose results it reads).

    Raises ``ValueError`` on a cycle or on a read that no registered step adds."""
    _load_builtin()
    provider = {r: s.name for s in _STEPS.values() for r in s.adds}
    missing = {r for s in _STEPS.values() for r in s.reads if r not in provider}
    if missing:
        raise ValueError(f"comparison steps read results no step adds: {sorted(missing)}")
    ordered: list[Step] = []
    done: set[str] = set()
    pending = dict(_STEPS)
    while pending:
        ready = [s for s in pending.values() if {provider[r] for r in s.reads} <= done]
        if not ready:
            raise ValueError(f"comparison steps form a cycle: {sorted(pending)}")
        for s in ready:
            ordered.append(s)
            done.add(s.name)
            del pending[s.name]
    return [s for s in ordered if phase is None or s.phase == phase]


def step_versions() -> dict[str, str]:
    """Step name -> version, for cache keys and the dossier's provenance of results."""
    return {s.name: s.version for s in ordered_steps()}


def run_steps(bundle: StoryBundle, results: dict, steps: list[Step], timings: dict[str, float],
              prefetch: Prefetch | None = None) -> dict:
    """Run ``steps`` in order on ``bundle``; each step's results are added to ``results`` (returned).

    ``timings`` receives seconds per step (a prefetch before a step is counted in it); ``prefetch``, if
    given, is told before each step. Exceptions of a step propagate (the caller reports the story)."""
    for st in steps:
        t = time.perf_counter()
        if prefetch is not None:
            prefetch.before(bundle, results)
        if len(bundle.articles) < st.min_articles:
            out = {name: [] for name in st.adds}
        else:
            out = st.run(bundle, results)
        missing = set(st.adds) - set(out)
        if missing:
            raise ValueError(f"comparison step {st.version} did not add {sorted(missing)}")
        results.update(out)
        timings[st.name] = round(time.perf_counter() - t, 3)
    return results


def _load_builtin() -> None:
    import storyscope.compare.steps  # noqa: F401 - importing registers the built-in steps
