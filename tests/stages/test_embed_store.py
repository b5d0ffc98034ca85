"""Sentence vectors persist in the store: a second process (here: a cleared cache) embeds nothing again."""
from __future__ import annotations

import numpy as np

from storyscope.services import Services, current
from storyscope.stages import embed as E
from storyscope.store.sqlite import SQLiteStore

MINILM = Services().embedder()


def test_vectors_come_back_from_the_store(tmp_path):
    texts = ["The Varno dam opened its gates at dawn.", "Officials in Selvane denied any warning was given."]
    store = SQLiteStore(str(tmp_path / "v.db"))
    MINILM.cache.clear()
    before = dict(MINILM.stats)
    with Services(store).active():
        first = E.embed(texts)
    assert MINILM.stats["computed"] - before["computed"] == 2
    assert len(store.get_vectors(E.MODEL_NAME, [E.text_key(t) for t in texts])) == 2
    MINILM.cache.clear()  # a new process: nothing in memory
    mid = dict(MINILM.stats)
    with Services(store).active():
        again = E.embed(texts + texts[:1])
    assert MINILM.stats["computed"] == mid["computed"] and MINILM.stats["from_store"] - mid["from_store"] == 2
    assert np.allclose(again[:2], first) and np.allclose(again[2], first[0])
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)
    store.close()


def test_canonical_form_gives_the_model_the_same_tokens():
    """Cache keys drop case and spacing around punctuation only where the tokenizer would anyway."""
    tok = E.warm_up().tokenizer
    cases = ["declaring at a party fund - raiser , he said", "The U.S. \u201cwill not\u201d pay $1,000 \u2014 ever!",
             "Khan\u2019s  aides ( unnamed )said: \u2018no\u2019", "\u00c9lys\u00e9e \u2026 \u00abnon\u00bb ; ok",
             "a \u00a9 b stays apart", "snake_case and e-mail"]
    for t in cases:
        assert tok(t)["input_ids"] == tok(E.canonical(t))["input_ids"], t
    assert E.canonical("a \u00a9 b") == "a \u00a9 b"  # a symbol the tokenizer keeps inside a word: spacing kept
    v = E.embed(["Fund-raiser, he said", "fund - raiser , HE said"])
    assert np.allclose(v[0], v[1])


def test_bf16_vectors_agree_with_fp32(monkeypatch):
    """The bf16 fast path must not move similarities: the thresholds were tuned in fp32."""
    texts = ["The Varno dam opened its gates at dawn.", "Officials in Selvane denied any warning was given.",
             "\u201cWe were never told,\u201d said Mara Oskven, a farmer downstream.", "Rain fell for nine days."]
    vecs = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("STORYSCOPE_EMBED_BF16", flag)
        MINILM.cache.clear()
        vecs[flag] = E.embed(texts)
    MINILM.cache.clear()
    assert np.allclose(np.linalg.norm(vecs["1"], axis=1), 1.0, atol=1e-5)
    assert (vecs["0"] * vecs["1"]).sum(1).min() > 0.999
    assert np.abs(vecs["0"] @ vecs["0"].T - vecs["1"] @ vecs["1"].T).max() < 0.01


def test_services_in_use_are_per_thread(tmp_path):
    """A web request's store never serves another thread's embeddings: ``active()`` binds this thread only."""
    import threading
    store = SQLiteStore(str(tmp_path / "t.db"))
    seen = {}
    with Services(store).active():
        t = threading.Thread(target=lambda: seen.setdefault("other", current().store))
        t.start()
        t.join()
        seen["here"] = current().store
    assert seen["other"] is None and seen["here"] is store and current().store is None
    store.close()


def test_static_model_ranks_like_minilm_and_ships_small():
    """The distilled static model: unit vectors, canonical keys, and the same nearest neighbour as MiniLM
    on fictional sentences (a paraphrase beats an unrelated sentence), from a model under 20 MB."""
    import os
    texts = ["The Varno dam opened its gates at dawn.", "At dawn the gates of the Varno dam were opened.",
             "Officials in Selvane denied any warning was given.", "Selvane officials said no warning had been issued.",
             "Rain fell for nine days."]
    s = E.embed_static(texts)
    assert s.shape == (5, E.STATIC_DIM) and np.allclose(np.linalg.norm(s, axis=1), 1.0, atol=1e-5)
    m = E.embed(texts)
    for sim in (s @ s.T, m @ m.T):
        np.fill_diagonal(sim, -1)
        assert list(sim.argmax(1)[:4]) == [1, 0, 3, 2]
    assert np.allclose(E.embed_static(["FUND - raiser , he said"]), E.embed_static(["fund-raiser, he said"]))
    size = sum(os.path.getsize(os.path.join(E.STATIC_DIR, f)) for f in os.listdir(E.STATIC_DIR))
    assert size < 20 * 2 ** 20
