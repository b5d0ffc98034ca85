"""Search results as shown: matching articles with their story and a snippet whose matched words are marked."""
from __future__ import annotations

import re

_MARKED = re.compile(r"\[([^\[\]]{1,200})\]")


def snippet_segments(snippet: str, query: str) -> list[dict]:
    """``[{"text", "match": bool}]`` from a store snippet, where the store marks matched words as
    ``[word]``. A bracketed run counts as a match only when it holds a query term, so brackets
    that were in the article ("[sic]") stay text."""
    terms = [t.lower() for t in re.findall(r"\w+", query)]
    out, pos = [], 0
    for m in _MARKED.finditer(snippet):
        inner = m.group(1)
        if not any(t in inner.lower() for t in terms):
            continue
        if m.start() > pos:
            out.append({"text": snippet[pos:m.start()], "match": False})
        out.append({"text": inner, "match": True})
        pos = m.end()
    if pos < len(snippet):
        out.append({"text": snippet[pos:], "match": False})
    return out


def article_hits(c, q: str, limit: int = 20) -> list[dict]:
    """Store search hits ``{"id", "title", "outlet", "snippet"}`` plus ``story_id``, ``story_title``
    and ``segments`` (see ``snippet_segments``)."""
    stories = {aid: s for s in c.stories() for aid in s["article_ids"]}
    hits = []
    for h in c.ws.search(q, limit):
        s = stories.get(h["id"]) or {}
        hits.append({**h, "story_id": s.get("id"), "story_title": s.get("title"),
                     "segments": snippet_segments(h.get("snippet") or "", q)})
    return hits
