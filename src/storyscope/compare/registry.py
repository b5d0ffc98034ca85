"""Comparison-step registry: the story-level counterpart of ``stages.registry``.

A step has a name, a version, the results it reads and the results it adds, and one function
``run(bundle, results) -> dict`` over a story bundle (``results`` holds what earlier steps added,
by name). ``run_steps`` drives the steps in dependency order; local runs, the web app and Ray
workers all reach it through ``dossier.build.compare_story``. Bump a step's version when its output
changes: every version is part of the findings cache key, so stored findings are then recomputed.
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


_STEPS: dict[str, Step] = {}


def comparison_step(name: str, version: str, reads: Sequence[str] = (), adds: Sequence[str] = (),
                    min_articles: int = 1, phase: str = "main"):
    """Decorator registering ``fn(bundle, results) -> {result name: value}`` as a comparison step."""
    def deco(fn: StepFn) -> StepFn:
        _STEPS[name] = Step(name, version, tuple(reads), tuple(adds or (name,)), fn, min_articles, phase)
        return fn
    return deco


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


def run_steps(bundle: StoryBundle, results: dict, steps: list[Step], timings: dict[str, float]) -> dict:
    """Run ``steps`` in order on ``bundle``; each step's results are added to ``results`` (returned).

    ``timings`` receives seconds per step. Exceptions of a step propagate (the caller reports the story)."""
    for st in steps:
        t = time.perf_counter()
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
