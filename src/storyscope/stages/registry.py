"""Stage registry: a stage is a name + version, what layers it needs, what it adds.

A stage's ``run(batch)`` takes a list of ``(Article, layers)`` pairs, where ``layers`` maps
layer name -> list[Span] for the layers it requires, and returns, per article, a dict of
the layers it adds. Models are loaded lazily in ``warm_up`` (once per process).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from storyscope.record import Article, Span

Batch = Sequence[tuple[Article, dict[str, list[Span]]]]
RunFn = Callable[[Batch], list[dict[str, list[Span]]]]


@dataclass
class Stage:
    name: str            # e.g. "quotes"
    version: str         # e.g. "quotes.v1"; bump when output changes so caches refresh
    requires: tuple[str, ...]
    adds: tuple[str, ...]
    run: RunFn
    warm_up: Callable[[], None] = field(default=lambda: None)
    reads_article: tuple[str, ...] = ()  # Article fields the output depends on besides its text (e.g. "published")


_REGISTRY: dict[str, Stage] = {}


def register(name: str, version: str, requires: Sequence[str] = (), adds: Sequence[str] = (),
             warm_up: Callable[[], None] | None = None, reads_article: Sequence[str] = ()):
    """Decorator registering ``fn(batch) -> list[dict[layer, spans]]`` as a stage.

    ``reads_article`` names the ``Article`` fields besides its text that the output depends on; a
    stored layer is recomputed when one of them changes (``pipeline.lineage_version``)."""
    def deco(fn: RunFn) -> RunFn:
        _REGISTRY[name] = Stage(name, version, tuple(requires), tuple(adds or (name,)), fn,
                                warm_up or (lambda: None), tuple(reads_article))
        return fn
    return deco


def get_stage(name: str) -> Stage:
    _load_builtin()
    return _REGISTRY[name]


def all_stages() -> list[Stage]:
    """Registered stages in dependency order."""
    _load_builtin()
    ordered: list[Stage] = []
    done: set[str] = set()
    pending = dict(_REGISTRY)
    while pending:
        progressed = False
        for name, st in list(pending.items()):
            providers = {p.name for p in _REGISTRY.values() for a in p.adds if a in st.requires}
            if providers <= done | {name}:
                ordered.append(st)
                done.add(name)
                del pending[name]
                progressed = True
        if not progressed:  # a cycle or a missing provider: keep registration order
            ordered.extend(pending.values())
            break
    return ordered


def _load_builtin() -> None:
    # Importing the modules registers their stages; imported lazily to keep the CLI fast.
    import importlib
    for mod in ("sentences", "actors", "quotes", "timex"):
        try:
            importlib.import_module(f"storyscope.stages.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"storyscope.stages.{mod}":
                raise
