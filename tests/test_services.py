"""The shared models and caches (``storyscope.services``): one per process, safe under real threads."""
from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from storyscope.services import Services, current, embedder, register_embedder
from storyscope.stages.embed import Embedder, VectorCache, load_minilm


@pytest.fixture
def busy_switching():
    """Threads switch every microsecond instead of every 5 ms, so unlocked check-then-act races show."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _hammer(n_threads: int, body) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(n_threads)

    def run(i):
        start.wait()
        try:
            body(i)
        except BaseException as e:  # noqa: BLE001 - collected and asserted on below
            errors.append(e)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


class _PyHashKey(str):
    """A text key hashed and compared by Python code: a thread switch can then fall inside the cache's
    dict operations, not only between them, which widens every race window an unlocked cache has."""

    def __hash__(self):
        return str.__hash__(self)

    def __eq__(self, other):
        return str.__eq__(self, other)


def test_vector_cache_under_real_threads(busy_switching):
    """Sixteen threads reading and writing one tiny LRU: never over its size, no lost or wrong entry.
    With the lock removed this failed in 18 of 20 runs (size 3-5 seen, or KeyError from
    ``move_to_end`` on a key another thread had just evicted); with it, in none."""
    cache = VectorCache(max_items=2)
    keys = [_PyHashKey(f"k{i}") for i in range(8)]
    vec = {k: np.full(4, i, dtype=np.float32) for i, k in enumerate(keys)}
    wrong = []

    def body(t):
        rng = np.random.default_rng(t)
        for _ in range(2000):
            pick = [keys[j] for j in rng.integers(0, len(keys), 6)]
            got = cache.get_many(pick)
            wrong.extend(k for k, v in got.items() if not np.array_equal(v, vec[k]))
            cache.put_many((k, vec[k]) for k in pick if k not in got)
            assert len(cache) <= cache.max_items
    assert _hammer(16, body) == [] and wrong == []
    assert len(cache) == 2


def test_cache_drops_the_least_recently_used():
    cache = VectorCache(max_items=2)
    cache.put_many([("a", np.zeros(1)), ("b", np.ones(1))])
    cache.get_many(["a"])  # "a" is now the most recently used
    cache.put_many([("c", np.ones(1))])
    assert set(cache.get_many(["a", "b", "c"])) == {"a", "c"}


def test_model_loads_once_when_threads_ask_together():
    """Four threads warm one embedder up at once: one load, one model object for all."""
    loads = []

    def counting_loader():
        loads.append(1)
        return load_minilm()
    e = Embedder(loader=counting_loader)
    models = []
    assert _hammer(4, lambda i: models.append(e.warm_up())) == []
    assert len(loads) == 1 and len({id(m) for m in models}) == 1


def test_embedding_in_threads_matches_one_thread():
    """Threads embedding overlapping texts through one embedder get the vectors one thread gets."""
    texts = [f"The Varno council met on day {i} to discuss the dam." for i in range(24)]
    e = embedder()
    e.cache.clear()
    ref = e.embed(texts)
    e.cache.clear()
    out = {}

    def body(i):
        order = texts[i:] + texts[:i]
        out[i] = (order, e.embed(order))
    assert _hammer(4, body) == []
    for order, vecs in out.values():
        for t, v in zip(order, vecs):
            assert np.allclose(v, ref[texts.index(t)], atol=1e-5)


def test_one_embedder_per_name_and_process():
    assert Services().embedder() is Services(store=object()).embedder() is embedder("minilm")
    assert Services().parse_cache is current().parse_cache
    with pytest.raises(KeyError, match="unknown embedder 'nope'.*minilm"):
        Services().embedder("nope")
    import storyscope.services as S
    try:
        register_embedder("second", lambda: Embedder(model_name="second-model"))  # how another model plugs in
        assert Services().embedder("second").model_name == "second-model"
        assert Services().embedder("second") is Services().embedder("second")
    finally:
        S._FACTORIES.pop("second", None)
        S._EMBEDDERS.pop("second", None)
