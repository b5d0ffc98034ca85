"""Sentence vectors persist in the store: a second process (here: a cleared cache) embeds nothing again."""
from __future__ import annotations

import numpy as np

from storyscope.stages import embed as E
from storyscope.store.sqlite import SQLiteStore


def test_vectors_come_back_from_the_store(tmp_path):
    texts = ["The Varno dam opened its gates at dawn.", "Officials in Selvane denied any warning was given."]
    store = SQLiteStore(str(tmp_path / "v.db"))
    for t in texts:
        E._CACHE.pop(t, None)
    before = dict(E.STATS)
    with E.backed_by(store):
        first = E.embed(texts)
    assert E.STATS["computed"] - before["computed"] == 2
    assert len(store.get_vectors(E.MODEL_NAME, [E.text_key(t) for t in texts])) == 2
    for t in texts:  # a new process: nothing in memory
        E._CACHE.pop(t, None)
    mid = dict(E.STATS)
    with E.backed_by(store):
        again = E.embed(texts + texts[:1])
    assert E.STATS["computed"] == mid["computed"] and E.STATS["from_store"] - mid["from_store"] == 2
    assert np.allclose(again[:2], first) and np.allclose(again[2], first[0])
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)
    store.close()
