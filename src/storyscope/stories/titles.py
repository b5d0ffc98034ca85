"""A story's title: the member headline most central to the story (extractive, deterministic).

Extractive because a generated sentence could say something no outlet said; the most central
headline is the one sharing most content words with the others, so one outlet's odd framing
does not name the story.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable

from storyscope.outlets import is_unknown

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")
_STOP = frozenset("""a an the and or but of to in on at for from by with as is are was were be been
being it its this that these those he she they his her their we our you your i not no new says
said say after over into about up out will would could has have had do does did than then
there here who whom what which when where why how all more most""".split())
MAX_LEN = 120


def _get(item: Any, key: str, default=None):
    return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)


def _first_sentence(text: str) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if len(line) >= 20:
            return re.split(r"(?<=[.!?])\s+", line, maxsplit=1)[0]
    return (text or "").strip()


def _headline(item: Any) -> str:
    t = " ".join((_get(item, "title", "") or "").split())
    return t or " ".join(_first_sentence(_get(item, "text", "") or "").split())


def _words(s: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(s) if w.lower() not in _STOP and len(w) > 1}


def story_title(items: Iterable[Any]) -> str:
    """The member headline with the largest content-word overlap with the rest of the story.

    Ties go to the earliest-published, then smallest id, so the title does not depend on
    arrival order. Articles without a title offer their first sentence instead. A headline of an
    article with a known outlet is preferred when there is one: an unsourced copy (a scraped page, a
    forwarded text) should not name a story its sources cover.
    """
    cands = []
    for it in items:
        h = _headline(it)
        if h:
            cands.append((h, _get(it, "published") or "9999", str(_get(it, "id", "")),
                          not is_unknown(_get(it, "outlet"))))
    if not cands:
        return ""
    bags = [_words(h) for h, _, _, _ in cands]
    df = Counter(w for b in bags for w in b)
    sourced = any(known for _, _, _, known in cands)
    best = None
    for (h, pub, aid, known), bag in zip(cands, bags):
        # shared words count by how many other headlines share them; normalised so long
        # headlines are not favoured just for length
        score = sum(df[w] - 1 for w in bag) / (len(bag) ** 0.5 or 1.0)
        key = (sourced and not known, -score, pub, aid)
        if best is None or key < best[0]:
            best = (key, h)
    title = best[1]
    if len(title) > MAX_LEN:
        title = title[:MAX_LEN].rsplit(" ", 1)[0] + "…"
    return title
