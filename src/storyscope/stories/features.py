"""What clustering reads from one article: the lead, hashed terms, names, dates and event keys.

``featurize`` turns items (dicts or objects with ``id``, ``title``, ``text``, ``published``,
``outlet`` and optionally ``vector``, ``actors``, ``people``, ``places``, ``years``) into
``Features``: one sentence embedding of title + lead (``stages.embed``, MiniLM), hashed term
counts for TF-IDF, actor keys, the publication day and the dates the text writes, and the
event keys of ``stories.event`` (who, where, which years, which numbers). ``article_item``
builds such an item from a stored article and its reading layers, as ``Workspace.group`` does.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

import numpy as np

from storyscope.stories.event import EventKeys, event_keys

N_FEATURES = 2 ** 20
READS = ("actors", "timex")      # the reading layers ``article_item`` reads


def _get(item: Any, key: str, default=None):
    return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)


_SENT = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)])\s+|\n+")


def lead(title: str, text: str, n: int = 3) -> str:
    """Title + the first ``n`` sentences: what the embedding sees (one call per article)."""
    sents = []
    for s in _SENT.split(text or ""):
        s = " ".join(s.split())
        if len(s) >= 25:              # skip datelines, credits, section labels
            sents.append(s)
            if len(sents) >= n:
                break
    return " ".join([" ".join((title or "").split())] + sents).strip()[:1200]


_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_DATE_RE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
                      r"(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?,?\s+((?:19|20)\d\d)\b")


def _day(s: str | None) -> int | None:
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10]).toordinal()
    except ValueError:
        return None


def mentioned_days(text: str, published: int | None) -> tuple[int, ...]:
    """Explicit calendar dates written in the text ("March 7, 2022", "April 2022"), as ordinals.

    Only dates up to the publication day count (a story is revisited, not foretold).
    """
    out = set()
    for m in _DATE_RE.finditer((text or "")[:4000]):
        mon = _MONTHS.get(m.group(1).lower())
        if not mon:
            continue
        try:
            d = date(int(m.group(3)), mon, int(m.group(2)) if m.group(2) else 15).toordinal()
        except ValueError:
            continue
        if published is None or d <= published:
            out.add(d)
    return tuple(sorted(out))[:12]


_NAME = re.compile(r"(?:[A-Z][\w'’.-]*[a-z][\w'’-]*|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|al-?\s*)?"
                   r"(?:[A-Z][\w'’.-]*[a-z][\w'’-]*|[A-Z]{2,}))*")
_NOT_NAMES = frozenset("""the a an and but or if in on at for to of by with from as it its he she they we i you
this that these those his her their our there here when where what who why how after before while
mr mrs ms dr gen sen rep gov president monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
read more related advertisement share photo getty images ap reuters afp associated press
said says according also however meanwhile still yet so not no one two new last first""".split())


def names(text: str) -> Counter:
    """Cheap actor keys: capitalised names (multiword kept whole, plus the surname alone).

    Sentence-initial single words are dropped (too often just capitalised grammar).
    """
    keys: Counter = Counter()
    for m in _NAME.finditer(text or ""):
        words = [re.sub(r"['’]s$", "", w).strip(".'’").lower() for w in m.group(0).split()]
        words = [w for w in words if w and w not in _NOT_NAMES]
        if not words:
            continue
        start = m.start()
        before = (text[max(0, start - 3):start]).strip()
        initial = start == 0 or not before or before.endswith((".", "!", "?", "“", '"'))
        if len(words) == 1 and (initial or len(words[0]) < 3):
            continue
        if initial and len(words) > 2:      # "Yesterday Ilse Brandvik": also the name without its first word
            keys[" ".join(words[1:])] += 1
        keys[" ".join(words)] += 1
        if len(words) > 1:
            keys[words[-1]] += 1
    return keys


@dataclass
class Features:
    """What clustering needs from one article (computed once, reusable across runs)."""
    emb: np.ndarray                     # unit vector
    terms: dict[int, float]             # hashed term -> sublinear tf
    ents: dict[str, int]                # actor key -> count
    pub: int | None                     # publication day (ordinal)
    mentions: tuple[int, ...] = ()      # dates written in the text (ordinals)
    event: EventKeys = field(default_factory=lambda: EventKeys({}, {}, {}, {}, {}, {}))
    titled: bool = True                 # the item has a headline (else the embedding sees the body's lead only)
    _arr: tuple | None = field(default=None, repr=False, compare=False)


class ArrayTerms(Mapping):
    """Hashed term -> tf held as sorted key and value arrays (a story's summed terms, a member's compact
    ones), as ``Features.terms`` of features whose ``_arr`` holds the same arrays: scoring reads the arrays
    (``_arrays``) and only whether there are terms, so the dict is built only if something asks for it."""

    def __init__(self, keys: np.ndarray, vals: np.ndarray):
        self._k, self._v, self._d = keys, vals, None

    def _dict(self) -> dict:
        if self._d is None:
            self._d = dict(zip(self._k.tolist(), self._v.tolist()))
        return self._d

    def __getitem__(self, key):
        return self._dict()[key]

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._k)


_HASHER = None


def _hasher():
    global _HASHER
    if _HASHER is None:
        from sklearn.feature_extraction.text import HashingVectorizer
        _HASHER = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, norm=None,
                                    stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    return _HASHER


def featurize(items: Sequence[Any], lead_sentences: int = 3, batch_size: int = 64) -> list[Features]:
    """Features for many items at once (embeddings batched; an item's ``vector`` is reused)."""
    items = list(items)
    leads = [lead(_get(it, "title", "") or "", _get(it, "text", "") or "", lead_sentences) for it in items]
    need = [i for i, it in enumerate(items) if _get(it, "vector") is None]
    vecs: dict[int, np.ndarray] = {}
    if need:
        from storyscope.stages.embed import embed
        E = embed([leads[i] for i in need], batch_size=batch_size)
        vecs = {i: E[j] for j, i in enumerate(need)}
    docs = [((_get(it, "title", "") or "") + "\n" + (_get(it, "text", "") or "")[:6000]) for it in items]
    X = _hasher().transform(docs).tocsr()
    out = []
    for i, it in enumerate(items):
        v = vecs.get(i)
        if v is None:
            v = np.asarray(_get(it, "vector"), dtype=np.float32)
            n = float(np.linalg.norm(v))
            v = v / n if n > 0 else v
        row = X.getrow(i)
        terms = {int(j): 1.0 + math.log(c) for j, c in zip(row.indices, row.data)}
        actors = _get(it, "actors")
        if actors:
            ents = dict(Counter(str(a).lower() for a in actors))
        else:
            ents = dict(names(leads[i] + "\n" + (_get(it, "text", "") or "")[:3000]).most_common(20))
        pub = _day(_get(it, "published"))
        out.append(Features(v.astype(np.float32), terms, ents, pub,
                            mentioned_days(_get(it, "text", "") or "", pub), event_keys(it),
                            bool((_get(it, "title", "") or "").strip())))
    return out


def _arrays(f: Features) -> tuple[np.ndarray, np.ndarray]:
    """The article's hashed terms as (sorted keys int64, sublinear tf float64), cached on ``f``."""
    if f._arr is None:
        k = np.fromiter(f.terms.keys(), dtype=np.int64, count=len(f.terms))
        v = np.fromiter(f.terms.values(), dtype=float, count=len(f.terms))
        o = np.argsort(k)
        f._arr = (k[o], v[o])
    return f._arr


def article_item(article: Any, layers: dict) -> dict:
    """The clustering item of a stored article: its fields plus what the reading layers know.

    ``layers`` maps layer name -> list of ``Span``; ``actors`` gives actor keys (PERSON keys as
    ``people``, GPE/LOC keys as ``places``) and ``timex`` the years of resolved TIMEX3 values
    and, as ``days``, the values with day precision ('YYYY-MM-DD').
    Missing layers leave those keys out (``featurize`` then falls back to regexes over the text).
    """
    from storyscope.outlets import display_name
    item = {"id": article.id, "title": article.title, "text": article.text, "published": article.published,
            "outlet": display_name(article)}  # as every shell shows it: an unknown outlet is this article's own
    spans = layers.get("actors")
    if spans is not None:
        acts = [(s.attrs.get("actor"), s.label) for s in spans if s.attrs.get("actor")]
        item["actors"] = sorted({a for a, _ in acts})
        item["people"] = [a for a, lab in acts if lab == "PERSON"]
        item["places"] = [a for a, lab in acts if lab in ("GPE", "LOC")]
    tx = layers.get("timex")
    if tx is not None:
        values = [v for v in (s.attrs.get("value") for s in tx) if v and len(v) >= 4 and v[:4].isdigit()]
        item["years"] = [int(v[:4]) for v in values]
        item["days"] = [v[:10] for v in values if len(v) >= 10 and v[4] == "-" and v[7] == "-"]
    return item
