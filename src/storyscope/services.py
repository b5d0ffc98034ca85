"""The models and caches every part of Storyscope shares, reached through one object: ``Services``.

What it holds
    * ``embedder(name)``: a sentence-embedding model with its thread-safe in-process vector cache
      (``stages.embed.Embedder``), one per name and process: ``"minilm"`` (all-MiniLM-L6-v2, 384
      dimensions) and ``"static"`` (model2vec, distilled from it, 256) are built in; another model registers itself with ``register_embedder(name, factory)``.
    * ``parse_cache``: the spaCy pipeline and its cache of parses (``stages.nlp.ParseCache``), one per process.
    * ``store``: where vectors and parses persist across processes (a ``Store``, or any object with
      ``get_vectors``/``put_vectors``, such as a Ray worker's collector), or None (memory only).

Models and in-memory caches belong to the process: every ``Services`` shares them, each model is
loaded lazily once (``warm_up`` loads them ahead, as a Ray actor does in its constructor). A
``Services`` instance only adds its ``store``; ``Workspace`` makes one over its store.

How code reaches it
    Code that is handed a ``Services`` uses it. The reading stages and the comparison steps call
    ``stages.embed.embed`` / ``stages.nlp.parse``, which go through ``current()``: the ``Services``
    activated with ``with services.active():`` in this thread (a ``contextvars`` variable, so another
    thread or web request never sees it), else a process default without a store.
"""
from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from typing import Callable

DEFAULT_EMBEDDER = "minilm"

_FACTORIES: dict[str, Callable[[], object]] = {}
_EMBEDDERS: dict[str, object] = {}
_PARSES = None
_LOCK = threading.Lock()
_ACTIVE: contextvars.ContextVar["Services | None"] = contextvars.ContextVar("storyscope_services", default=None)


def register_embedder(name: str, factory: Callable[[], object]) -> None:
    """Make ``Services.embedder(name)`` build its embedder with ``factory()`` (once per process).
    The embedder needs ``model_name``, ``dim``, ``warm_up()`` and ``embed(texts, batch_size, store)``."""
    with _LOCK:
        _FACTORIES[name] = factory
        _EMBEDDERS.pop(name, None)


def _minilm():
    from storyscope.stages.embed import Embedder
    return Embedder()


register_embedder(DEFAULT_EMBEDDER, _minilm)


def _static():
    from storyscope.stages.embed import StaticEmbedder
    return StaticEmbedder()


register_embedder("static", _static)


def embedder(name: str = DEFAULT_EMBEDDER):
    """The process's embedder ``name``; raises KeyError naming the known ones for an unknown name."""
    e = _EMBEDDERS.get(name)
    if e is None:
        with _LOCK:
            e = _EMBEDDERS.get(name)
            if e is None:
                if name not in _FACTORIES:
                    raise KeyError(f"unknown embedder {name!r} (known: {', '.join(sorted(_FACTORIES))})")
                e = _EMBEDDERS[name] = _FACTORIES[name]()
    return e


def parse_cache():
    """The process's ``stages.nlp.ParseCache``."""
    global _PARSES
    if _PARSES is None:
        with _LOCK:
            if _PARSES is None:
                from storyscope.stages.nlp import ParseCache
                _PARSES = ParseCache()
    return _PARSES


class Services:
    """The process's models and caches, bound to ``store`` for persistence (None: memory only)."""

    def __init__(self, store=None):
        self.store = store

    def embedder(self, name: str = DEFAULT_EMBEDDER):
        """The embedder ``name`` (``"minilm"`` unless another is registered); see ``register_embedder``."""
        return embedder(name)

    @property
    def parse_cache(self):
        """The spaCy pipeline and parse cache (``stages.nlp.ParseCache``)."""
        return parse_cache()

    def embed(self, texts: list[str], batch_size: int = 32, model: str = DEFAULT_EMBEDDER):
        """(len(texts), dim) float32 unit vectors from embedder ``model``, persisted in ``store`` if any."""
        return self.embedder(model).embed(texts, batch_size=batch_size, store=self.store)

    def restore_parses(self, arts) -> set[str]:
        """Put ``store``'s parses of ``arts`` into the parse cache; the ids that had one (none without a store)."""
        return self.parse_cache.load(self.store, arts) if self.store is not None else set()

    def save_parses(self, arts, skip: set[str] = frozenset()) -> None:
        """Store the cached parses of ``arts`` except ``skip`` (nothing without a store)."""
        if self.store is not None:
            self.parse_cache.save(self.store, arts, skip)

    def warm_up(self, embedders: tuple[str, ...] = (DEFAULT_EMBEDDER,), nlp: bool = True) -> "Services":
        """Load the named embedders and (``nlp``) the spaCy pipeline now rather than on first use."""
        for name in embedders:
            self.embedder(name).warm_up()
        if nlp:
            self.parse_cache.nlp()
        return self

    @contextmanager
    def active(self):
        """Within this block, in this thread, ``current()`` is these services."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


_DEFAULT = Services()


def current() -> Services:
    """The ``Services`` activated in this thread (``Services.active``), else the process default (no store)."""
    return _ACTIVE.get() or _DEFAULT
